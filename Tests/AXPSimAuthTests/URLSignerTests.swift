import AXPSimAuth
import Foundation
import Testing

@Suite struct URLSignerTests {
    static let secret = Data((0..<32).map { UInt8($0) })
    static let now = Date(timeIntervalSince1970: 1_900_000_000)

    func check(
        _ signer: URLSigner, _ purpose: URLSigner.Purpose = .download, account: String = "DEMOAA", id: String = "file-1", expires: String?,
        signature: String?, now: Date = now
    ) -> URLSigner.Rejection? {
        do throws(URLSigner.Rejection) {
            try signer.check(purpose, accountId: account, resourceId: id, expires: expires, signature: signature, now: now)
            return nil
        } catch {
            return error
        }
    }

    @Test func aSignatureChecksOnlyForItsOwnPurposeAccountResourceAndExpiry() {
        let signer = URLSigner(secret: Self.secret)
        let expires: Int64 = 1_900_000_600
        let signature = signer.signature(.download, accountId: "DEMOAA", resourceId: "file-1", expires: expires)
        #expect(signature.count == 43 && !signature.contains("=") && !signature.contains("+") && !signature.contains("/"))
        #expect(signature == signer.signature(.download, accountId: "DEMOAA", resourceId: "file-1", expires: expires), "deterministic")
        #expect(check(signer, expires: "1900000600", signature: signature) == nil)
        #expect(check(signer, .upload, expires: "1900000600", signature: signature) == .badSignature)
        #expect(check(signer, account: "DEMOBB", expires: "1900000600", signature: signature) == .badSignature)
        #expect(check(signer, id: "file-2", expires: "1900000600", signature: signature) == .badSignature)
        #expect(check(signer, expires: "1900000601", signature: signature) == .badSignature)
        // Fields cannot slide into each other (each is length-prefixed).
        let joined = signer.signature(.download, accountId: "DEMOA", resourceId: "Afile-1", expires: expires)
        #expect(joined != signature)
        #expect(check(URLSigner(secret: Data(repeating: 7, count: 32)), expires: "1900000600", signature: signature) == .badSignature)
    }

    @Test func everyTamperedByteIsRefused() {
        let signer = URLSigner(secret: Self.secret)
        let signature = signer.signature(.upload, accountId: "DEMOAA", resourceId: "file-1", expires: 1_900_000_600)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        for index in signature.indices {
            for replacement in alphabet.prefix(8) where replacement != signature[index] {
                var forged = signature
                forged.replaceSubrange(index...index, with: String(replacement))
                #expect(check(signer, .upload, expires: "1900000600", signature: forged) != nil, "\(forged)")
            }
        }
    }

    @Test func expiryIsOnTheGivenClockAndCheckedAfterTheSignature() {
        let signer = URLSigner(secret: Self.secret)
        let signature = signer.signature(.download, accountId: "DEMOAA", resourceId: "file-1", expires: 1_900_000_600)
        #expect(check(signer, expires: "1900000600", signature: signature, now: Date(timeIntervalSince1970: 1_900_000_599.999)) == nil)
        #expect(check(signer, expires: "1900000600", signature: signature, now: Date(timeIntervalSince1970: 1_900_000_600)) == .expired)
        let forged = (signature.first == "A" ? "B" : "A") + signature.dropFirst()
        #expect(
            check(signer, expires: "1900000600", signature: forged, now: Date(timeIntervalSince1970: 2_000_000_000)) == .badSignature,
            "a forged expired URL is reported as forged")
    }

    @Test func missingOrMisspelledFieldsAreRefused() {
        let signer = URLSigner(secret: Self.secret)
        let signature = signer.signature(.download, accountId: "DEMOAA", resourceId: "file-1", expires: 1_900_000_600)
        #expect(check(signer, expires: nil, signature: signature) == .missing)
        #expect(check(signer, expires: "1900000600", signature: nil) == .missing)
        for expires in ["", "+1900000600", "01900000600", "1900000600.0", "-5", " 1900000600", "1e9"] {
            #expect(check(signer, expires: expires, signature: signature) == .missing, "\(expires)")
        }
        for spelled in [signature + "=", signature.replacingOccurrences(of: "-", with: "+") + "/", "", "!!!!", String(signature.dropLast())] {
            #expect(check(signer, expires: "1900000600", signature: spelled) != nil, "\(spelled)")
        }
    }

    @Test func aReplacedSecretInvalidatesOldURLs() {
        let signer = URLSigner(secret: Self.secret)
        let signature = signer.signature(.download, accountId: "DEMOAA", resourceId: "file-1", expires: 1_900_000_600)
        let fresh = URLSigner.generateSecret()
        #expect(fresh.count == URLSigner.secretLength && fresh != URLSigner.generateSecret())
        signer.replace(secret: fresh)
        #expect(check(signer, expires: "1900000600", signature: signature) == .badSignature)
        signer.replace(secret: Self.secret)
        #expect(check(signer, expires: "1900000600", signature: signature) == nil)
    }
}

import AXPSimCore
import Foundation
import Testing

@Suite struct AttachmentPolicyTests {
    func announce(_ object: [String: JSONValue], maxBytes: Int = AttachmentPolicy.defaultMaxBytes) -> Result<OmniRequests.UploadRequest, AXPSimError> {
        Result { () throws(AXPSimError) in try OmniRequests.generateUploadUrl(object, maxBytes: maxBytes) }
    }

    func fields(_ object: [String: JSONValue], maxBytes: Int = AttachmentPolicy.defaultMaxBytes) -> [String] {
        guard case .failure(let error) = announce(object, maxBytes: maxBytes) else { return [] }
        return error.violations?.map(\.field).sorted() ?? ["not a violation: \(error)"]
    }

    func body(_ name: String, _ size: Int = 10, _ type: String? = nil) -> [String: JSONValue] {
        var object: [String: JSONValue] = ["attachmentName": .string(name), "attachmentSize": .int(Int64(size))]
        if let type { object["attachmentType"] = .string(type) }
        return object
    }

    @Test func fiftyFourDistinctExtensionsEachWithTypes() {
        let extensions = AttachmentPolicy.allowed.map(\.ext)
        #expect(extensions.count == 54 && Set(extensions).count == 54)
        #expect(AttachmentPolicy.allowed.allSatisfy { !$0.types.isEmpty && $0.ext == $0.ext.lowercased() })
        for risky in ["exe", "js", "html", "htm", "svg", "sh", "bat", "msi", "dmg", "php"] { #expect(!extensions.contains(risky), "\(risky)") }
        for example in ["pdf", "png", "jpg", "jpeg", "gif", "webp", "docx", "xlsx", "pptx", "mp4", "mp3", "txt", "csv", "zip"] {
            #expect(extensions.contains(example), "\(example)")
        }
        #expect(AttachmentPolicy.defaultMaxBytes == 52_428_800)
    }

    @Test func aGoodAnnouncementIsReadWithItsDefaults() throws {
        let request = try announce(body("Scan 2030.PDF", 1234)).get()
        #expect(request == OmniRequests.UploadRequest(name: "Scan 2030.PDF", contentType: "application/octet-stream", size: 1234))
        #expect(try announce(body("photo.jpg", 1, "image/jpeg")).get().contentType == "image/jpeg")
        #expect(try announce(body("notes.txt", 5, "Text/Plain; charset=utf-8")).get().contentType == "Text/Plain; charset=utf-8")
        #expect(try announce(body("a.pdf", AttachmentPolicy.defaultMaxBytes, "application/pdf")).get().size == 52_428_800)
        var named = body("a.pdf")
        named["sessionId"] = "s-1"
        #expect(try announce(named).get().sessionId == "s-1")
    }

    @Test func namesTypesAndSizesOutsideThePolicyAreViolations() {
        #expect(fields(body("../etc/passwd.txt")) == ["attachmentName"])
        #expect(fields(body("c:\\dir\\a.pdf")) == ["attachmentName"])
        #expect(fields(body("a\u{0}.pdf")) == ["attachmentName"])
        #expect(fields(body("line\nbreak.pdf")) == ["attachmentName"])
        #expect(fields(body("a\u{85}.pdf")) == ["attachmentName"], "C1 controls too")
        #expect(fields(body("..")) == ["attachmentName"])
        #expect(fields(body(".pdf")) == ["attachmentName"], "no name before the extension")
        #expect(fields(body("archive.pdf.exe")) == ["attachmentName"])
        #expect(fields(body("README")) == ["attachmentName"])
        #expect(fields(body(String(repeating: "é", count: 252) + ".pdf")) == ["attachmentName"], "256 characters")
        #expect(fields(body(String(repeating: "é", count: 251) + ".pdf")) == [])
        #expect(fields(body("")) == ["attachmentName"])
        #expect(fields(body("a.pdf", 10, "image/png")) == ["attachmentType"])
        #expect(fields(body("a.pdf", 10, "pdf")) == ["attachmentType"])
        #expect(fields(body("a.pdf", 10, "application/pdf\r\nX-Evil: 1")) == ["attachmentType"])
        #expect(fields(body("a.pdf", 0)) == ["attachmentSize"])
        #expect(fields(body("a.pdf", 4097), maxBytes: 4096) == ["attachmentSize"])
        #expect(fields(["attachmentName": .int(1), "attachmentSize": .string("1")]) == ["attachmentName", "attachmentSize"])
        #expect(fields([:]) == ["attachmentName", "attachmentSize"])
        // Every mistake at once.
        #expect(fields(body("run.exe", 0)) == ["attachmentName", "attachmentSize"])
    }

    @Test func mediaTypesCompareWithoutParametersOrCase() {
        #expect(AttachmentPolicy.essence(" Image/PNG ; q=1") == "image/png")
        #expect(AttachmentPolicy.fileExtension(of: "a.tar.GZ") == "gz")
        #expect(AttachmentPolicy.fileExtension(of: "noext") == nil && AttachmentPolicy.fileExtension(of: "trailing.") == nil)
        #expect(
            AttachmentPolicy.violations(
                name: "x.csv", type: "application/vnd.ms-excel", size: 1, maxBytes: 10, nameField: "f", typeField: "f", sizeField: "f"
            ).isEmpty)
    }
}

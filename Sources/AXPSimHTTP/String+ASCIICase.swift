extension String {
    /// The string lower-cased, without `lowercased()`'s Unicode work and allocation for the
    /// common case of header and method names: a string with no ASCII upper-case letter and no
    /// non-ASCII byte is returned as it is; ASCII is lower-cased byte by byte; anything else goes
    /// through `lowercased()`.
    var headerNameLowercased: String {
        var hasUpper = false
        for byte in utf8 {
            if byte >= 0x80 { return lowercased() }
            if byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") { hasUpper = true }
        }
        guard hasUpper else { return self }
        return String(decoding: utf8.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 | 0x20 : $0 }, as: UTF8.self)
    }
}

extension String {
    /// The string upper-cased (a method name), returned as it is when it has no ASCII lower-case
    /// letter and is all ASCII; otherwise `uppercased()`.
    var headerNameUppercased: String {
        for byte in utf8 where byte >= 0x80 || (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) { return uppercased() }
        return self
    }
}

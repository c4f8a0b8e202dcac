/// UTF-8 well-formedness without building a `String`, for readers of untrusted files.
public enum UTF8Validation {
    /// Whether `bytes` is well-formed UTF-8 (Unicode §3.9, Table 3-7): no overlong forms, no
    /// surrogates, nothing above U+10FFFF, no truncated sequence. Accepts exactly what
    /// `String(validating:as: UTF8.self)` accepts, without allocating; ASCII runs are checked
    /// eight bytes at a time.
    public static func isValid(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let n = bytes.count
        var i = 0
        while i < n {
            // ASCII fast path: eight bytes with no high bit.
            while i + 8 <= n, bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                i += 8
            }
            guard i < n else { return true }
            let b0 = bytes[i]
            if b0 < 0x80 {
                i += 1
                continue
            }
            // Length and the allowed range of the second byte (the rest are always 80...BF).
            let length: Int, low: UInt8, high: UInt8
            switch b0 {
            case 0xC2...0xDF: (length, low, high) = (2, 0x80, 0xBF)
            case 0xE0: (length, low, high) = (3, 0xA0, 0xBF)
            case 0xE1...0xEC, 0xEE...0xEF: (length, low, high) = (3, 0x80, 0xBF)
            case 0xED: (length, low, high) = (3, 0x80, 0x9F)
            case 0xF0: (length, low, high) = (4, 0x90, 0xBF)
            case 0xF1...0xF3: (length, low, high) = (4, 0x80, 0xBF)
            case 0xF4: (length, low, high) = (4, 0x80, 0x8F)
            default: return false
            }
            guard i + length <= n else { return false }
            let b1 = bytes[i + 1]
            guard b1 >= low, b1 <= high else { return false }
            for k in 2..<max(2, length) where bytes[i + k] & 0xC0 != 0x80 { return false }
            i += length
        }
        return true
    }
}

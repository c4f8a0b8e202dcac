extension String {
    /// The string without leading and trailing C `isspace` bytes (space, `\t`, `\n`, `\v`,
    /// `\f`, `\r`), as llama.cpp's `trim` in `llama-chat.cpp` strips them. Unicode spaces stay.
    var cTrimmed: String {
        let bytes = Array(utf8)
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || (0x09...0x0D).contains(b) }
        var start = 0, end = bytes.count
        while start < end, isSpace(bytes[start]) { start += 1 }
        while end > start, isSpace(bytes[end - 1]) { end -= 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }
}

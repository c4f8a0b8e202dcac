import LowBit

/// A pull parser over UTF-8 JSON text (RFC 8259), for data sets that may be large or hostile.
///
/// It builds no document: callers walk the structure they expect (``beginArray()``,
/// ``nextElement()``, ``readString()``, …) and step over the rest with ``skipValue()``, which
/// is iterative (no recursion, whatever the nesting) and allocates nothing but one byte per
/// open container. Work is linear in the text; memory is the strings the caller keeps.
/// Foundation's `JSONSerialization` costs 10–80 bytes per input byte on the same files.
///
///
/// Accepted: RFC 8259, plus what `JSONSerialization` (which read these files before) also
/// accepts: a UTF-8 byte-order mark first, and one trailing comma before `]` or `}`. Numbers
/// are checked for their grammar only, so `1E400` is accepted (Foundation calls it "not
/// representable"; no data-set field is a number). Rejected with the byte offset, line and
/// column: invalid UTF-8, raw control characters in strings, unpaired surrogate escapes,
/// malformed numbers and literals, trailing text.
struct JSONReader {
    /// What is wrong with the text, and where.
    struct SyntaxError: Error, Equatable, CustomStringConvertible {
        /// Byte offset of the problem.
        var offset: Int
        /// 1-based line and column (in bytes) of the problem.
        var line: Int, column: Int
        /// What was expected or found.
        var message: String

        var description: String { "\(message) at line \(line), column \(column) (byte \(offset))" }
    }

    private let b: UnsafeRawBufferPointer
    private(set) var offset = 0

    /// A reader over `bytes`, which must outlive it.
    init(_ bytes: UnsafeRawBufferPointer) {
        b = bytes
        if b.count >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { offset = 3 }
    }

    // MARK: Errors

    private func error(_ message: String, at position: Int? = nil) -> SyntaxError {
        let at = min(position ?? offset, b.count)
        var line = 1, lineStart = 0
        for i in 0..<at where b[i] == 0x0A {
            line += 1
            lineStart = i + 1
        }
        return SyntaxError(offset: at, line: line, column: at - lineStart + 1, message: message)
    }

    private func unexpected(_ expected: String) -> SyntaxError {
        guard offset < b.count else { return error("unexpected end of text, expected \(expected)") }
        let c = b[offset]
        let shown = c >= 0x20 && c < 0x7F ? "'\(Character(Unicode.Scalar(c)))'" : "byte 0x\(String(c, radix: 16))"
        return error("unexpected \(shown), expected \(expected)")
    }

    // MARK: Structure

    private mutating func skipSpace() {
        while offset < b.count {
            switch b[offset] {
            case 0x20, 0x09, 0x0A, 0x0D: offset += 1
            default: return
            }
        }
    }

    /// The next significant byte, after whitespace, or `nil` at the end.
    mutating func peek() -> UInt8? {
        skipSpace()
        return offset < b.count ? b[offset] : nil
    }

    /// Whether the next value is `null` (not consumed).
    mutating func nextIsNull() -> Bool { peek() == UInt8(ascii: "n") }

    /// Whether the next value is a string (not consumed).
    mutating func nextIsString() -> Bool { peek() == UInt8(ascii: "\"") }

    /// Whether the next value is an array (not consumed).
    mutating func nextIsArray() -> Bool { peek() == UInt8(ascii: "[") }

    /// Whether the next value is an object (not consumed).
    mutating func nextIsObject() -> Bool { peek() == UInt8(ascii: "{") }

    private mutating func expect(_ c: UInt8, _ what: String) throws(SyntaxError) {
        guard peek() == c else { throw unexpected(what) }
        offset += 1
    }

    /// Consumes `[`; returns whether the array has a first element (`false` consumes `]` too).
    mutating func beginArray() throws(SyntaxError) -> Bool {
        try expect(UInt8(ascii: "["), "'['")
        if peek() == UInt8(ascii: "]") {
            offset += 1
            return false
        }
        return true
    }

    /// After an array element: consumes `,` and returns `true`, or `]` (or `, ]`) and returns
    /// `false`.
    mutating func nextElement() throws(SyntaxError) -> Bool {
        switch peek() {
        case UInt8(ascii: ","):
            offset += 1
            guard peek() == UInt8(ascii: "]") else { return true }
            offset += 1
            return false
        case UInt8(ascii: "]"): offset += 1; return false
        default: throw unexpected("',' or ']'")
        }
    }

    /// Consumes `{`; returns whether the object has a first member (`false` consumes `}` too).
    mutating func beginObject() throws(SyntaxError) -> Bool {
        try expect(UInt8(ascii: "{"), "'{'")
        if peek() == UInt8(ascii: "}") {
            offset += 1
            return false
        }
        return true
    }

    /// A member's key and the `:` after it.
    mutating func readKey() throws(SyntaxError) -> String {
        guard nextIsString() else { throw unexpected("a string key") }
        let key = try readString()
        try expect(UInt8(ascii: ":"), "':'")
        return key
    }

    /// After an object member: consumes `,` and returns `true`, or `}` (or `, }`) and returns
    /// `false`.
    mutating func nextMember() throws(SyntaxError) -> Bool {
        switch peek() {
        case UInt8(ascii: ","):
            offset += 1
            guard peek() == UInt8(ascii: "}") else { return true }
            offset += 1
            return false
        case UInt8(ascii: "}"): offset += 1; return false
        default: throw unexpected("',' or '}'")
        }
    }

    /// Checks that only whitespace is left.
    mutating func finish() throws(SyntaxError) {
        guard peek() == nil else { throw unexpected("the end of the text") }
    }

    // MARK: Values

    /// A string value, unescaped.
    mutating func readString() throws(SyntaxError) -> String {
        var out: [UInt8] = []
        try scanString { out.append(contentsOf: $0) }
        return String(decoding: out, as: UTF8.self)  // validated by scanString
    }

    /// Steps over a string, validating it, handing its unescaped UTF-8 to `emit` in pieces.
    private mutating func scanString(_ emit: (UnsafeRawBufferPointer) -> Void) throws(SyntaxError) {
        let open = offset
        guard peek() == UInt8(ascii: "\"") else { throw unexpected("a string") }
        offset += 1
        var run = offset
        func flushRun(_ end: Int) throws(SyntaxError) {
            guard run < end else { return }
            let piece = UnsafeRawBufferPointer(rebasing: b[run..<end])
            guard UTF8Validation.isValid(piece) else { throw error("invalid UTF-8 in string", at: run) }
            emit(piece)
        }
        while true {
            guard offset < b.count else { throw error("unterminated string", at: open) }
            let c = b[offset]
            if c == UInt8(ascii: "\"") {
                try flushRun(offset)
                offset += 1
                return
            }
            if c < 0x20 { throw error("control character 0x\(String(c, radix: 16)) in string") }
            guard c == UInt8(ascii: "\\") else {
                offset += 1
                continue
            }
            try flushRun(offset)
            let escape = offset
            offset += 1
            guard offset < b.count else { throw error("unterminated string", at: open) }
            let e = b[offset]
            offset += 1
            var one: UInt8
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): one = e
            case UInt8(ascii: "b"): one = 0x08
            case UInt8(ascii: "f"): one = 0x0C
            case UInt8(ascii: "n"): one = 0x0A
            case UInt8(ascii: "r"): one = 0x0D
            case UInt8(ascii: "t"): one = 0x09
            case UInt8(ascii: "u"):
                var scalar = try hex4(escape)
                if (0xD800...0xDBFF).contains(scalar) {
                    guard offset + 1 < b.count, b[offset] == UInt8(ascii: "\\"), b[offset + 1] == UInt8(ascii: "u") else {
                        throw error("unpaired surrogate escape", at: escape)
                    }
                    offset += 2
                    let low = try hex4(escape)
                    guard (0xDC00...0xDFFF).contains(low) else { throw error("unpaired surrogate escape", at: escape) }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    throw error("unpaired surrogate escape", at: escape)
                }
                var utf8: [UInt8] = []
                utf8.append(contentsOf: String(Character(Unicode.Scalar(scalar)!)).utf8)
                utf8.withUnsafeBytes(emit)
                run = offset
                continue
            default:
                throw error("invalid escape '\\\(Character(Unicode.Scalar(e)))'", at: escape)
            }
            withUnsafeBytes(of: &one) { emit($0) }
            run = offset
        }
    }

    /// Four hex digits of a `\u` escape.
    private mutating func hex4(_ escape: Int) throws(SyntaxError) -> UInt32 {
        guard offset + 4 <= b.count else { throw error("truncated \\u escape", at: escape) }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = b[offset]
            let d: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = c - UInt8(ascii: "A") + 10
            default: throw error("invalid \\u escape", at: escape)
            }
            v = v << 4 | UInt32(d)
            offset += 1
        }
        return v
    }

    /// Steps over a number: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    private mutating func skipNumber() throws(SyntaxError) {
        let start = offset
        func digits() -> Int {
            let s = offset
            while offset < b.count, b[offset] >= UInt8(ascii: "0"), b[offset] <= UInt8(ascii: "9") { offset += 1 }
            return offset - s
        }
        if offset < b.count, b[offset] == UInt8(ascii: "-") { offset += 1 }
        guard offset < b.count, b[offset] >= UInt8(ascii: "0"), b[offset] <= UInt8(ascii: "9") else {
            throw error("malformed number", at: start)
        }
        if b[offset] == UInt8(ascii: "0") { offset += 1 } else { _ = digits() }
        if offset < b.count, b[offset] == UInt8(ascii: ".") {
            offset += 1
            guard digits() > 0 else { throw error("malformed number", at: start) }
        }
        if offset < b.count, b[offset] == UInt8(ascii: "e") || b[offset] == UInt8(ascii: "E") {
            offset += 1
            if offset < b.count, b[offset] == UInt8(ascii: "+") || b[offset] == UInt8(ascii: "-") { offset += 1 }
            guard digits() > 0 else { throw error("malformed number", at: start) }
        }
    }

    private mutating func skipLiteral(_ word: StaticString) throws(SyntaxError) {
        let n = word.utf8CodeUnitCount
        let start = offset
        guard offset + n <= b.count else { throw error("invalid literal", at: start) }
        for k in 0..<n where b[offset + k] != word.utf8Start[k] { throw error("invalid literal", at: start) }
        offset += n
    }

    /// Steps over one value of any kind, validating it. Iterative: nesting costs one byte of
    /// stack per level, never a call frame.
    mutating func skipValue() throws(SyntaxError) {
        var open: [UInt8] = []  // "[" or "{" per enclosing container
        while true {
            // A value.
            switch peek() ?? 0 {
            case UInt8(ascii: "\""): try scanString { _ in }
            case UInt8(ascii: "t"): try skipLiteral("true")
            case UInt8(ascii: "f"): try skipLiteral("false")
            case UInt8(ascii: "n"): try skipLiteral("null")
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try skipNumber()
            case UInt8(ascii: "["):
                offset += 1
                if peek() == UInt8(ascii: "]") {
                    offset += 1
                } else {
                    open.append(UInt8(ascii: "["))
                    continue
                }
            case UInt8(ascii: "{"):
                offset += 1
                if peek() == UInt8(ascii: "}") {
                    offset += 1
                } else {
                    open.append(UInt8(ascii: "{"))
                    try skipKey()
                    continue
                }
            default:
                throw unexpected("a value")
            }
            // After a value: close containers until one continues.
            while let top = open.last {
                if top == UInt8(ascii: "[") {
                    if try nextElement() { break }
                } else {
                    if try nextMember() {
                        try skipKey()
                        break
                    }
                }
                open.removeLast()
            }
            if open.isEmpty { return }
        }
    }

    private mutating func skipKey() throws(SyntaxError) {
        guard nextIsString() else { throw unexpected("a string key") }
        try scanString { _ in }
        try expect(UInt8(ascii: ":"), "':'")
    }
}

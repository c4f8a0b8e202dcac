/// Decodes tokens one at a time as a model generates them, returning only complete text.
///
/// A character can span several tokens (an emoji is often four `<0xXX>` byte tokens), so
/// ``push(_:)`` holds back an incomplete trailing UTF-8 sequence (at most 3 bytes) until the
/// tokens that complete it arrive. Bytes that can never become valid UTF-8 are returned at once
/// as U+FFFD, so invalid input never accumulates and every push costs O(its piece).
///
/// For `.llama` tokenizers with a space prefix, the leading space of the first text piece
/// after a BOS is dropped, as in ``Tokenizer/decode(_:skipSpecial:)``. A stream that does not
/// start with BOS is a continuation (e.g. generated tokens after a prompt) and keeps it.
///
/// ```swift
/// var stream = StreamingDecoder(tokenizer: tokenizer)
/// for id in generated { print(stream.push(id), terminator: "") }
/// print(stream.finish())
/// ```
public struct StreamingDecoder: Sendable {
    /// The tokenizer whose pieces are decoded.
    public let tokenizer: Tokenizer
    /// Whether control tokens are left out.
    public let skipSpecial: Bool
    /// Bytes received but not yet returned: a prefix of an incomplete UTF-8 sequence.
    private var pending: [UInt8] = []
    private var atTextStart = false
    /// Bytes still to drop from the start of the stream (see ``skip(prefix:)``).
    private var skipping: [UInt8] = []
    /// Bytes handled, summed over pushes (held-back bytes count again on each push). Linear in
    /// the bytes decoded because at most 3 bytes are ever held back; tests check that.
    private(set) var steps = 0

    /// Starts an empty stream.
    /// - Parameters:
    ///   - tokenizer: The tokenizer that produced the ids.
    ///   - skipSpecial: Leave out control tokens (default `true`).
    public init(tokenizer: Tokenizer, skipSpecial: Bool = true) {
        self.tokenizer = tokenizer
        self.skipSpecial = skipSpecial
    }

    /// Adds one token.
    /// - Parameter id: The next token id.
    /// - Returns: The text completed by this token; empty while a character is still incomplete.
    public mutating func push(_ id: Int32) -> String {
        tokenizer.appendPiece(of: id, skipSpecial: skipSpecial, atTextStart: &atTextStart, to: &pending)
        if !skipping.isEmpty {
            // Drop the leading bytes the prompt already holds, as far as they match.
            var n = 0
            while n < skipping.count, n < pending.count, pending[n] == skipping[n] { n += 1 }
            if n < skipping.count && n < pending.count { skipping = [] } else { skipping.removeFirst(n) }
            pending.removeFirst(n)
        }
        steps &+= pending.count
        let cut = Self.completePrefixLength(pending)
        guard cut > 0 else { return "" }
        let text = String(decoding: pending[..<cut], as: UTF8.self)
        pending.removeFirst(cut)
        return text
    }

    /// Drops `prefix` from the start of the stream: the bytes token healing removed from the
    /// prompt, which the first generated token repeats. Bytes that do not match end the skip.
    public mutating func skip(prefix: [UInt8]) { skipping = prefix }

    /// Ends the stream.
    /// - Returns: Whatever was held back, with incomplete sequences as U+FFFD.
    public mutating func finish() -> String {
        defer { pending.removeAll() }
        return String(decoding: pending, as: UTF8.self)
    }

    /// Length of the longest prefix of `bytes` that does not end inside a UTF-8 sequence that
    /// could still be completed by more bytes.
    static func completePrefixLength(_ bytes: [UInt8]) -> Int {
        let count = bytes.count
        // The last sequence starts at most 3 bytes from the end.
        var lead = count - 1
        while lead >= 0 && lead >= count - 4 && bytes[lead] & 0xC0 == 0x80 { lead -= 1 }
        guard lead >= 0, lead >= count - 4 else { return count }
        let width: Int
        switch bytes[lead] {
        case 0xC2...0xDF: width = 2
        case 0xE0...0xEF: width = 3
        case 0xF0...0xF4: width = 4
        default: return count  // ASCII or a byte that never starts a sequence
        }
        let available = count - lead
        guard available < width else { return count }
        // The second byte of some sequences has a narrower range (no overlongs, no surrogates).
        if available >= 2 {
            let second = bytes[lead + 1]
            let valid: ClosedRange<UInt8>
            switch bytes[lead] {
            case 0xE0: valid = 0xA0...0xBF
            case 0xED: valid = 0x80...0x9F
            case 0xF0: valid = 0x90...0xBF
            case 0xF4: valid = 0x80...0x8F
            default: valid = 0x80...0xBF
            }
            guard valid.contains(second) else { return count }
        }
        return lead
    }
}

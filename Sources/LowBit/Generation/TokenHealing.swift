/// Token healing, as the `guidance` library does it: a prompt that ends part-way into a
/// token (a trailing space, half a word) is backed up to the last token boundary, and the
/// first generated token is constrained to tokens whose text starts with the removed bytes.
///
/// "Answer: " tokenizes with the space as a token of its own, which training text never has
/// before a word (" Paris" is one token); healed, the prompt ends at "Answer:" and the first
/// token must start with " ", so the model writes " Paris" and the space is not emitted twice.
public enum TokenHealing {
    /// `tokens` without their last token, and that token's bytes; or `tokens` unchanged and
    /// no bytes when there is nothing to heal (fewer than 2 tokens, a control or unknown token
    /// last, or a token with no text).
    public static func heal(_ tokens: [Int32], tokenizer: Tokenizer) -> (tokens: [Int32], removed: [UInt8]) {
        guard tokens.count >= 2, let last = tokens.last, !tokenizer.isControl(last),
              tokenizer.tokenType(last) != .unknown else { return (tokens, []) }
        let bytes = tokenizer.pieceBytes(last)
        guard !bytes.isEmpty else { return (tokens, []) }
        return (Array(tokens.dropLast()), bytes)
    }

    /// Tokens whose text starts with `prefix` (never control tokens): what the first
    /// generated token may be after healing.
    public static func allowed(startingWith prefix: [UInt8], tokenizer: Tokenizer) -> [Int32] {
        (0..<Int32(tokenizer.vocabularySize)).filter { id in
            guard !tokenizer.isControl(id) else { return false }
            let piece = tokenizer.pieceBytes(id)
            return piece.count >= prefix.count && piece.starts(with: prefix)
        }
    }
}

import LowBit

/// Small vocabularies built in the tests.
enum TestVocabularies {
    /// A byte-level vocabulary: `specials`, the 256 byte symbols in byte order, then one token per
    /// merge result (in merge order, skipping duplicates).
    static func gpt2(merges: [String], specials: [String] = []) -> TokenizerConfig {
        var tokens = specials
        for byte in 0...255 { tokens.append(ByteUnicodeMap.encode([UInt8(byte)])) }
        for merge in merges {
            let joined = merge.split(separator: " ").joined()
            if !tokens.contains(joined) { tokens.append(joined) }
        }
        let types =
            [TokenizerConfig.TokenType](repeating: .control, count: specials.count)
            + [TokenizerConfig.TokenType](repeating: .normal, count: tokens.count - specials.count)
        return TokenizerConfig(
            model: .gpt2, tokens: tokens, tokenTypes: types, merges: merges,
            bosID: specials.isEmpty ? nil : 0, eosID: specials.count > 1 ? 1 : nil, addBOS: !specials.isEmpty)
    }

    /// A SentencePiece vocabulary: `<unk>`, `<s>`, `</s>`, optionally the 256 `<0xXX>` byte
    /// tokens, then `pieces` with their scores.
    static func llama(pieces: [(String, Float)], byteTokens: Bool = true) -> TokenizerConfig {
        var tokens = ["<unk>", "<s>", "</s>"]
        var types: [TokenizerConfig.TokenType] = [.unknown, .control, .control]
        var scores: [Float] = [0, 0, 0]
        if byteTokens {
            for byte in 0...255 {
                let hex = String(byte, radix: 16, uppercase: true)
                tokens.append("<0x" + (hex.count == 1 ? "0" + hex : hex) + ">")
                types.append(.byte)
                scores.append(0)
            }
        }
        for (piece, score) in pieces {
            tokens.append(piece)
            types.append(.normal)
            scores.append(score)
        }
        return TokenizerConfig(
            model: .llama, tokens: tokens, scores: scores, tokenTypes: types,
            bosID: 1, eosID: 2, unknownID: 0, addBOS: true)
    }

    /// A llama vocabulary that spells "hello world" and a few accented and CJK characters.
    static let helloLlama: TokenizerConfig = llama(pieces: [
        ("▁", -100), ("h", -100), ("e", -100), ("l", -100), ("o", -100), ("w", -100), ("r", -100),
        ("d", -100), ("é", -100), ("ü", -100), ("ñ", -100), ("日", -100), ("本", -100),
        ("▁h", -1), ("ll", -2), ("llo", -3), ("▁he", -4), ("▁hello", -5),
        ("▁w", -6), ("or", -7), ("▁wor", -8), ("ld", -9), ("▁world", -10), ("日本", -11),
    ])
}

// libFuzzer entry point: tokenizer encode/decode. The first input byte picks one of seven
// vocabularies (both SentencePiece layouts and a byte-level BPE per splitter, each with
// control, unknown and user-defined tokens); the rest is the text (invalid UTF-8 is repaired
// to U+FFFD as any String is), and is also read as token ids for the decoders.
//
// Checked besides "no crash" (Common/TokenizerChecks.swift): linear work in the text, the
// streaming decoder agrees with decode; and here: decode(encode(text)) == text when special
// tokens are not parsed, for every vocabulary (all of them spell every byte). Two exceptions
// are SentencePiece's, as in llama.cpp: a "▁" in the text decodes as a space, and with a space
// prefix the text after a user-defined token gets one too ("a <tool> b" → "a <tool>  b").
@testable import LowBit

let tokenizers: [Tokenizer] = {
    var out: [Tokenizer] = []
    for spacePrefix in [true, false] {
        var c = TokenizerConfig.syntheticLlama(size: 400)
        for (token, type) in [("<tool>", TokenizerConfig.TokenType.userDefined), ("<|im_start|>", .control), ("<mask>", .control)] {
            c.tokens.append(token)
            c.tokenTypes.append(type)
            c.scores.append(0)
        }
        c.addSpacePrefix = spacePrefix
        out.append(try! Tokenizer(config: c))
    }
    for pre in ["default", "gpt-2", "llama-bpe", "qwen2", "smollm"] {
        out.append(try! Tokenizer(config: byteLevelConfig(pre: pre)))
    }
    return out
}()

let stats = tokenizers.map(TokenizerStats.init)

/// 256 byte tokens, merges for a few common words, and special tokens of every kind.
func byteLevelConfig(pre: String) -> TokenizerConfig {
    var tokens = (0..<256).map { String(ByteUnicodeMap.scalar(for: UInt8($0))) }
    var seen = Set(tokens)
    var merges: [String] = []
    for word in [" the", "the", "ing", " and", "er", " a", "in", "on", "re", "123", "  ", "\n\n", "é", "日本", "'s", " 1954"] {
        let units = Array(word.utf8).map { String(ByteUnicodeMap.scalar(for: $0)) }
        var left = units[0]
        for u in units.dropFirst() {
            let merged = left + u
            if seen.insert(merged).inserted {
                tokens.append(merged)
                merges.append(left + " " + u)
            }
            left = merged
        }
    }
    var types = [TokenizerConfig.TokenType](repeating: .normal, count: tokens.count)
    for (token, type) in [("<|endoftext|>", TokenizerConfig.TokenType.control), ("<|im_start|>", .control), ("<|im_end|>", .control),
                          ("<tool>", .userDefined), (" <pad>", .userDefined), ("<unk>", .unknown)] {
        tokens.append(token)
        types.append(type)
    }
    let eot = Int32(256 + merges.count)
    return TokenizerConfig(model: .gpt2, preTokenizer: pre, tokens: tokens, tokenTypes: types, merges: merges,
                           bosID: eot, eosID: eot, addBOS: false)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTokenizer(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard size > 0, let data else { return 0 }
    let input = UnsafeBufferPointer(start: data, count: size)
    let which = Int(input[0]) % tokenizers.count
    let tokenizer = tokenizers[which]
    let text = String(decoding: input.dropFirst(), as: UTF8.self)
    let plain = exercise(tokenizer, text: text, stats: stats[which])

    let spmException = tokenizer.model == .llama && (text.unicodeScalars.contains("\u{2581}")
        || tokenizer.addsSpacePrefix && plain.contains(where: { tokenizer.tokenType($0) == .userDefined }))
    if !spmException {
        precondition(tokenizer.decode(plain) == text, "decode(encode(text)) != text")
    }

    // The bytes as token ids (two bytes each, some out of range, some negative) for the decoders.
    var ids: [Int32] = []
    var i = 1
    while i + 1 < size {
        ids.append(Int32(Int16(bitPattern: UInt16(input[i]) << 8 | UInt16(input[i + 1]))))
        i += 2
    }
    checkDecoders(tokenizer, ids, skipSpecial: input[0] & 0x80 != 0)
    _ = tokenizer.detokenize(ids, removeSpecial: input[0] & 0x40 != 0, unparseSpecial: input[0] & 0x20 != 0)
    return 0
}

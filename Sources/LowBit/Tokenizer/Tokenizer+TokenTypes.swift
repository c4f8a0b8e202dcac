extension Tokenizer {
    /// The token types the tokenizer works with: the configured ones (or, when there are none,
    /// types inferred for old files), then llama.cpp's corrections by token text.
    ///
    /// Inferred types (LowBit's rule; llama.cpp makes every token normal instead): special ids
    /// are control (unknown for `unknownID`), `<0xXX>` tokens of a `.llama` vocabulary are bytes,
    /// the rest normal.
    ///
    /// llama.cpp's corrections (`llama_vocab::impl::load`), applied in its order:
    /// 1. Tokens named like an end of generation or a fill-in-the-middle marker (`<|eot_id|>`,
    ///    `<|im_end|>`, `<|endoftext|>`, `</s>`, `<eos>`, `<|fim_prefix|>`, …) become control.
    /// 2. gpt-oss's `<|channel|>`, `<|message|>`, `<|start|>`, `<|constrain|>` become user-defined,
    ///    and `<|end|>` too when `<|return|>` and `<|call|>` (or `<|call(s)|>` and `<|flush|>`) exist.
    /// 3. `</s>` becomes normal when `<|tool_response>` exists (Gemma 4), or the EOS is `<|plamo:eos|>`.
    ///
    /// llama.cpp marks only the first fill-in-the-middle name it meets of each kind; here all are.
    static func effectiveTypes(_ config: TokenizerConfig) -> [TokenizerConfig.TokenType] {
        var types: [TokenizerConfig.TokenType]
        if !config.tokenTypes.isEmpty {
            types = config.tokenTypes
        } else {
            types = [TokenizerConfig.TokenType](repeating: .normal, count: config.tokens.count)
            if config.model == .llama {
                for (id, token) in config.tokens.enumerated() where SentencePieceBPE.parseByteToken(token) != nil {
                    types[id] = .byte
                }
            }
            for id in [config.bosID, config.eosID, config.paddingID].compactMap({ $0 }) { types[Int(id)] = .control }
            if let unknown = config.unknownID { types[Int(unknown)] = .unknown }
        }

        var present: [String: Int] = [:]
        for (id, token) in config.tokens.enumerated() {
            // Every name starts with "<", "[", "_" or "▁" (E2 96 81); skip the rest cheaply.
            guard let first = token.utf8.first, first == 0x3C || first == 0x5B || first == 0x5F || first == 0xE2 else {
                continue
            }
            if controlNames.contains(token) || gptOSSUserDefinedNames.contains(token) || otherNames.contains(token) {
                present[token] = id
            }
        }
        guard !present.isEmpty else { return types }

        for (token, id) in present where controlNames.contains(token) { types[id] = .control }
        for (token, id) in present where gptOSSUserDefinedNames.contains(token) { types[id] = .userDefined }
        let hasCall = present["<|call|>"] != nil || present["<|calls|>"] != nil
        if let end = present["<|end|>"],
            (present["<|return|>"] != nil && hasCall) || (hasCall && present["<|flush|>"] != nil)
        {
            types[end] = .userDefined
        }
        let eosText = config.eosID.flatMap { Int($0) < config.tokens.count ? config.tokens[Int($0)] : nil }
        if let closing = present["</s>"], present["<|tool_response>"] != nil || eosText == "<|plamo:eos|>" {
            types[closing] = .normal
        }
        return types
    }

    /// Names llama.cpp treats as end-of-generation (EOG), end-of-turn, end-of-message or
    /// fill-in-the-middle tokens, and so makes control.
    static let controlNames: Set<String> = [
        // end of generation / turn / message
        "<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>", "<|flush|>", "<|calls|>", "<end_of_turn>",
        "<|endoftext|>", "</s>", "<|eom_id|>", "<EOT>", "_<EOT>", "[EOT]", "[EOS]", "<|end_of_text|>",
        "<end_of_utterance>", "<eos>", "<turn|>", "<|tool_response>", "<\u{FF5C}end\u{2581}of\u{2581}sentence\u{FF5C}>",
        // fill in the middle
        "<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>", "<\u{FF5C}fim\u{2581}begin\u{FF5C}>", "<PRE>", "▁<PRE>",
        "<|code_prefix|>", "<|prefix|>",
        "<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>", "<\u{FF5C}fim\u{2581}hole\u{FF5C}>", "<SUF>", "▁<SUF>",
        "<|code_suffix|>", "<|suffix|>",
        "<|fim_middle|>", "<fim-middle>", "<fim_middle>", "<\u{FF5C}fim\u{2581}end\u{FF5C}>", "<MID>", "▁<MID>",
        "<|code_middle|>", "<|middle|>",
        "<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>", "[PAD]",
        "<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>",
        "<|file_sep|>",
    ]

    /// gpt-oss tokens llama.cpp always renders.
    static let gptOSSUserDefinedNames: Set<String> = ["<|channel|>", "<|message|>", "<|start|>", "<|constrain|>"]

    /// Further names the corrections look for.
    private static let otherNames: Set<String> = ["<|plamo:eos|>"]
}

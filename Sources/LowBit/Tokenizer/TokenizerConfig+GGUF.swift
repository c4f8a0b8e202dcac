extension TokenizerConfig {
    /// Reads the tokenizer from GGUF metadata (`tokenizer.ggml.*`), filling in what is absent
    /// the way llama.cpp does (`llama_vocab::impl::load`):
    ///
    /// | key absent | `llama` (SPM) | `gpt2` (BPE) |
    /// |---|---|---|
    /// | `pre` | ignored | `nil`, read as `"default"` |
    /// | `bos_token_id` / `eos_token_id` | 1 / 2 | 11 / 11 (llama.cpp's BPE defaults) |
    /// | `unknown_token_id` | 0 | none |
    /// | `add_bos_token` | `true` | `true` for the Llama 3 names, else `false` |
    /// | `add_eos_token` | `false` | `false` |
    /// | `add_space_prefix` | `true` | not used |
    ///
    /// A default id outside the vocabulary is dropped, as llama.cpp drops it.
    ///
    /// One exception, so that LowBit's own subjects keep the split they were trained with:
    /// a `gpt2` file without `tokenizer.ggml.pre` that carries `lowbit.recipe` (written by
    /// `lowbit train` / `lowbit unlearn` before the trainer recorded the key) is read as
    /// `"gpt-2"`. llama.cpp reads such files as `"default"`, which splits digits and
    /// punctuation differently.
    ///
    /// - Throws: ``ModelError`` naming the key that is missing or malformed.
    public init(metadata md: GGUFMetadata, file: String) throws(ModelError) {
        let modelName = md["tokenizer.ggml.model"]?.stringValue ?? ""
        guard let model = Model(rawValue: modelName) else {
            throw .invalidMetadata(file: file, key: "tokenizer.ggml.model",
                                   reason: modelName.isEmpty ? "missing" : "unsupported tokenizer '\(modelName.abbreviatedForMessage())' (LowBit reads 'llama' and 'gpt2')")
        }
        guard let rawTokens = md["tokenizer.ggml.tokens"] else {
            throw .missingMetadata(file: file, key: "tokenizer.ggml.tokens")
        }
        guard let tokens = rawTokens.arrayValue?.strings else {
            throw .invalidMetadata(file: file, key: "tokenizer.ggml.tokens",
                                   reason: "expected an array of strings, got \(rawTokens.abbreviated())")
        }
        var scores: [Float] = []
        if let raw = md["tokenizer.ggml.scores"] {
            guard let floats = raw.arrayValue?.floats else {
                throw .invalidMetadata(file: file, key: "tokenizer.ggml.scores",
                                       reason: "expected an array of numbers, got \(raw.abbreviated())")
            }
            scores = floats
        }
        var types: [TokenType] = []
        if let raw = md["tokenizer.ggml.token_type"] {
            guard let ints = raw.arrayValue?.integers else {
                throw .invalidMetadata(file: file, key: "tokenizer.ggml.token_type",
                                       reason: "expected an array of integers, got \(raw.abbreviated())")
            }
            types.reserveCapacity(ints.count)
            for (i, n) in ints.enumerated() {
                guard let t = TokenType(rawValue: Int32(clamping: n)) else {
                    throw .invalidMetadata(file: file, key: "tokenizer.ggml.token_type", reason: "element \(i) is \(n), not a token type")
                }
                types.append(t)
            }
        }
        var merges: [String] = []
        if let raw = md["tokenizer.ggml.merges"] {
            guard let strings = raw.arrayValue?.strings else {
                throw .invalidMetadata(file: file, key: "tokenizer.ggml.merges",
                                       reason: "expected an array of strings, got \(raw.abbreviated())")
            }
            merges = strings
        }
        var pre: String?
        if let raw = md["tokenizer.ggml.pre"] {
            guard let name = raw.stringValue else {
                throw .invalidMetadata(file: file, key: "tokenizer.ggml.pre", reason: "not a string")
            }
            pre = name
        } else if model == .gpt2 && md["lowbit.recipe"] != nil {
            pre = "gpt-2"
        }
        let count = tokens.count
        func id(_ key: String, default fallback: Int32?) -> Int32? {
            if let value = md["tokenizer.ggml.\(key)"]?.intValue { return Int32(clamping: value) }
            guard let fallback, Int(fallback) < count else { return nil }
            return fallback
        }
        let isSPM = model == .llama
        let addBOSDefault = isSPM || (PreTokenizer.named(pre ?? "default")?.addsBOSByDefault ?? false)
        self.init(
            model: model, tokens: tokens, scores: scores, tokenTypes: types, merges: merges,
            bosID: id("bos_token_id", default: isSPM ? 1 : 11), eosID: id("eos_token_id", default: isSPM ? 2 : 11),
            unknownID: id("unknown_token_id", default: isSPM ? 0 : nil), paddingID: id("padding_token_id", default: nil),
            addBOS: md["tokenizer.ggml.add_bos_token"]?.boolValue ?? addBOSDefault,
            addEOS: md["tokenizer.ggml.add_eos_token"]?.boolValue ?? false,
            addSpacePrefix: md["tokenizer.ggml.add_space_prefix"]?.boolValue ?? isSPM)
        preTokenizer = pre
        eotID = id("eot_token_id", default: nil)
        eomID = id("eom_token_id", default: nil)
    }

    /// Writes this tokenizer into GGUF metadata under `tokenizer.ggml.*`.
    public func write(into md: inout GGUFMetadata) {
        md["tokenizer.ggml.model"] = .string(model.rawValue)
        if model == .gpt2, let preTokenizer { md["tokenizer.ggml.pre"] = .string(preTokenizer) }
        md["tokenizer.ggml.tokens"] = .array(GGUFArray(tokens))
        if !scores.isEmpty { md["tokenizer.ggml.scores"] = .array(GGUFArray(scores)) }
        if !tokenTypes.isEmpty { md["tokenizer.ggml.token_type"] = .array(GGUFArray(tokenTypes.map(\.rawValue))) }
        if !merges.isEmpty { md["tokenizer.ggml.merges"] = .array(GGUFArray(merges)) }
        if let bosID { md["tokenizer.ggml.bos_token_id"] = .uint32(UInt32(bitPattern: bosID)) }
        if let eosID { md["tokenizer.ggml.eos_token_id"] = .uint32(UInt32(bitPattern: eosID)) }
        if let eotID { md["tokenizer.ggml.eot_token_id"] = .uint32(UInt32(bitPattern: eotID)) }
        if let eomID { md["tokenizer.ggml.eom_token_id"] = .uint32(UInt32(bitPattern: eomID)) }
        if let unknownID { md["tokenizer.ggml.unknown_token_id"] = .uint32(UInt32(bitPattern: unknownID)) }
        if let paddingID { md["tokenizer.ggml.padding_token_id"] = .uint32(UInt32(bitPattern: paddingID)) }
        md["tokenizer.ggml.add_bos_token"] = .bool(addBOS)
        md["tokenizer.ggml.add_eos_token"] = .bool(addEOS)
        if model == .llama { md["tokenizer.ggml.add_space_prefix"] = .bool(addSpacePrefix) }
    }

    /// A SentencePiece-style vocabulary of exactly `size` tokens (≥ 259): `<unk>`, `<s>`,
    /// `</s>`, the 256 `<0xXX>` byte tokens, then letter pieces with decreasing scores. Used
    /// by synthetic benchmark models so that any text encodes.
    public static func syntheticLlama(size: Int) -> TokenizerConfig {
        var tokens = ["<unk>", "<s>", "</s>"]
        var types: [TokenType] = [.unknown, .control, .control]
        for b in 0..<256 {
            tokens.append("<0x" + String(b, radix: 16, uppercase: true).leftPadded(2) + ">")
            types.append(.byte)
        }
        // Letter pieces in breadth-first order (length 1, 2, 3), bare and with the space
        // marker, so every piece has a valid merge path from shorter ones.
        let letters = Array("etaoinshrdlucmfwypvbgkjqxz").map(String.init)
        var pieces: [String] = ["▁"]
        var level = letters
        while tokens.count + pieces.count < size + 3 * 26 {
            pieces += level.flatMap { [$0, "▁" + $0] }
            level = level.flatMap { p in letters.map { p + $0 } }
        }
        var seen = Set(tokens)
        for p in pieces where tokens.count < size && seen.insert(p).inserted {
            tokens.append(p)
            types.append(.normal)
        }
        var n = 0
        while tokens.count < size {
            tokens.append("<extra_\(n)>")
            types.append(.unused)
            n += 1
        }
        let scores = tokens.indices.map { -Float($0) }
        return TokenizerConfig(model: .llama, tokens: tokens, scores: scores, tokenTypes: types,
                               bosID: 1, eosID: 2, unknownID: 0, addBOS: true)
    }
}

extension String {
    func leftPadded(_ n: Int) -> String { count >= n ? self : String(repeating: "0", count: n - count) + self }
}

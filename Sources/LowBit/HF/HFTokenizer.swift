import Foundation

/// A checkpoint's `tokenizer.json` (and `tokenizer_config.json`, chat template files) as
/// the GGUF tokenizer llama.cpp's converter writes: token strings and types, merges (byte-level)
/// or scores (SentencePiece-style), BOS/EOS/UNK/PAD ids, `add_bos_token` / `add_eos_token`,
/// `tokenizer.ggml.pre`, `add_space_prefix` and `tokenizer.chat_template`.
///
/// Token types follow `get_vocab_base` / `LlamaHfVocab`: added tokens that are special, or look
/// special (`<|…|>`, `<unused…>`, …), are control tokens, other added tokens user-defined
/// (`▁` in them read as a space); `<0xXX>` pieces are byte tokens; ids without a token up to
/// `config.json`'s `vocab_size` become unused `[PADn]`. SentencePiece scores come from the
/// merges: a piece made by merge `r` scores `−r`, so llama.cpp's highest-score-first merging
/// follows Hugging Face's lowest-rank-first order.
public struct HFTokenizer: Sendable {
    /// The GGUF tokenizer.
    public var config: TokenizerConfig
    /// `tokenizer.chat_template`, when the checkpoint has one.
    public var chatTemplate: String?
    /// `len(model.vocab) + len(added_tokens)`, which llama.cpp's Gemma 3 converter keeps of the
    /// embedding rows.
    public var converterVocabCount: Int

    /// The largest `tokenizer.json` read (Gemma 3's is 33 MB).
    public static let maxBytes = 128 << 20
    /// The largest `tokenizer_config.json` read.
    public static let maxConfigBytes = 16 << 20
    /// The most tokens a vocabulary may have.
    public static let maxTokens = 1 << 22

    /// Reads the tokenizer files of the checkpoint in `directory`.
    ///
    /// - Parameter vocabSize: the model's vocabulary (its embedding rows, or `config.json`'s
    ///   `vocab_size`): the token list is padded to it. Without it, ids must be dense.
    /// - Throws: ``HFError`` for a missing or malformed file or an unsupported tokenizer.
    public init(directory: String, vocabSize: Int?) throws(HFError) {
        let dir = directory as NSString
        let path = dir.appendingPathComponent("tokenizer.json")
        guard FileManager.default.fileExists(atPath: path) else {
            throw .missingFile(folder: directory, file: "tokenizer.json",
                               hint: FileManager.default.fileExists(atPath: dir.appendingPathComponent("tokenizer.model"))
                                   ? "LowBit reads tokenizer.json, not SentencePiece's tokenizer.model" : "")
        }
        let tj = try HFJSON.read(file: path, limit: Self.maxBytes)
        let configPath = dir.appendingPathComponent("tokenizer_config.json")
        let tc = FileManager.default.fileExists(atPath: configPath) ? try HFJSON.read(file: configPath, limit: Self.maxConfigBytes) : nil
        var template: String?
        let jinja = dir.appendingPathComponent("chat_template.jinja")
        if let t = try tc?.chatTemplate() {
            template = t
        } else if FileManager.default.fileExists(atPath: jinja) {
            do { template = try String(contentsOfFile: jinja, encoding: .utf8) } catch {
                throw .cannotRead(file: jinja, reason: error.localizedDescription)
            }
        } else if FileManager.default.fileExists(atPath: dir.appendingPathComponent("chat_template.json")) {
            template = try HFJSON.read(file: dir.appendingPathComponent("chat_template.json"), limit: Self.maxConfigBytes).chatTemplate()
        }
        try self.init(tokenizerJSON: tj, tokenizerConfig: tc, vocabSize: vocabSize, chatTemplate: template)
    }

    /// Converts parsed files (the entry point the fuzzer and tests use).
    ///
    /// - Throws: ``HFError`` for a malformed field or an unsupported tokenizer.
    public init(tokenizerJSON tj: HFJSON, tokenizerConfig tc: HFJSON?, vocabSize: Int?, chatTemplate: String? = nil) throws(HFError) {
        let file = tj.file
        guard let model = try tj.object("model") else { throw .invalidField(file: file, field: "model", reason: "is missing") }
        let modelType = try model.string("type") ?? "?"
        guard modelType == "BPE" else { throw .unsupported(file: file, feature: "tokenizer model '\(modelType)' (LowBit converts BPE)") }
        let kind = try HFPreTokenizer.classify(tj)

        // model.vocab: piece → id.
        guard let vocabObject = try model.object("vocab") else { throw .invalidField(file: file, field: "model.vocab", reason: "is missing") }
        var pieces: [Int: String] = [:]
        pieces.reserveCapacity(vocabObject.object.count)
        for (piece, raw) in vocabObject.object {
            guard let id = JSONNumbers.exactInteger(raw), id >= 0, id < Self.maxTokens else {
                throw .invalidField(file: file, field: "model.vocab", reason: "gives '\(piece.abbreviatedForMessage())' an id that is not 0 to \(Self.maxTokens - 1)")
            }
            guard pieces.updateValue(piece, forKey: id) == nil else {
                throw .invalidField(file: file, field: "model.vocab", reason: "gives id \(id) to two pieces")
            }
        }
        let baseCount = pieces.count
        // added_tokens: id, content, special.
        var added: [Int: (content: String, special: Bool)] = [:]
        let addedList = try tj.objects("added_tokens") ?? []
        for a in addedList {
            guard let id = try a.int("id"), id >= 0, id < Self.maxTokens else {
                throw .invalidField(file: file, field: a.path + "id", reason: "is missing or not 0 to \(Self.maxTokens - 1)")
            }
            guard let content = try a.string("content") else { throw .invalidField(file: file, field: a.path + "content", reason: "is missing") }
            added[id] = (content, try a.bool("special") ?? false)
            pieces[id] = content
        }
        converterVocabCount = baseCount + addedList.count
        let maxID = pieces.keys.max() ?? -1
        if let vocabSize {
            guard vocabSize > maxID else {
                throw .invalidField(file: file, field: "model.vocab", reason: "has id \(maxID), beyond config.json's vocab_size \(vocabSize)")
            }
        }
        // Without a vocabulary size from the model, ids must be dense (as in real vocabularies),
        // so that a sparse id cannot make a small file allocate millions of padding tokens.
        if vocabSize == nil, maxID >= 2 * pieces.count + 65536 {
            throw .invalidField(file: file, field: "model.vocab", reason: "has \(pieces.count) tokens but ids up to \(maxID)")
        }
        if let vocabSize, vocabSize > Self.maxTokens {
            throw .invalidField(file: file, field: "vocab_size", reason: "is \(vocabSize), more than \(Self.maxTokens)")
        }
        let count = max(vocabSize ?? 0, maxID + 1)
        guard count > 0 else { throw .invalidField(file: file, field: "model.vocab", reason: "is empty") }

        // Special tokens (SpecialVocab): tokenizer_config's *_token text → its added token's id.
        func specialID(_ kind: String) throws(HFError) -> Int32? {
            guard let tc, tc.has("\(kind)_token") else { return nil }
            var text: String?
            if let s = tc.object["\(kind)_token"] as? String { text = s } else if let o = try tc.object("\(kind)_token") { text = try o.string("content") }
            guard let text, let a = addedList.first(where: { ($0.object["content"] as? String) == text }), let id = try a.int("id"), id < count else { return nil }
            return Int32(id)
        }
        let unkPiece = try model.string("unk_token")

        var tokens: [String] = []
        var types: [TokenizerConfig.TokenType] = []
        tokens.reserveCapacity(count)
        types.reserveCapacity(count)
        for i in 0..<count {
            guard let piece = pieces[i] else {
                tokens.append("[PAD\(i)]")
                types.append(.unused)
                continue
            }
            if let a = added[i] {
                if a.special || Self.looksSpecial(a.content) {
                    tokens.append(a.content)
                    types.append(piece == unkPiece ? .unknown : .control)
                } else {
                    tokens.append(a.content.replacingOccurrences(of: "▁", with: " "))
                    types.append(.userDefined)
                }
            } else if case .sentencePiece = kind, Self.isByteToken(piece) {
                tokens.append(piece)
                types.append(.byte)
            } else if case .sentencePiece = kind, piece == unkPiece {
                tokens.append(piece)
                types.append(.unknown)
            } else {
                tokens.append(piece)
                types.append(.normal)
            }
        }

        let merges = try Self.merges(model)
        var config: TokenizerConfig
        switch kind {
        case .byteLevel(let pre):
            config = TokenizerConfig(model: .gpt2, preTokenizer: pre, tokens: tokens, tokenTypes: types, merges: merges)
        case .sentencePiece(let addSpacePrefix):
            guard try model.bool("byte_fallback") == true else {
                throw .unsupported(file: file, feature: "a SentencePiece-style BPE without byte_fallback")
            }
            // A piece made by merge r scores −r; other normal pieces score below every merge.
            var index: [String: Int] = [:]
            index.reserveCapacity(count)
            for (i, t) in tokens.enumerated() where types[i] == .normal && index[t] == nil { index[t] = i }
            var scores = [Float](repeating: 0, count: count)
            var scored = [Bool](repeating: false, count: count)
            for (r, m) in merges.enumerated() {
                guard let space = m.firstIndex(of: " ") else { continue }
                let joined = String(m[..<space]) + String(m[m.index(after: space)...])
                if let id = index[joined], !scored[id] {
                    scores[id] = -Float(r)
                    scored[id] = true
                }
            }
            for i in 0..<count where types[i] == .normal && !scored[i] { scores[i] = -Float(merges.count + i) }
            for i in 0..<count where types[i] == .unused { scores[i] = -10000 }
            config = TokenizerConfig(model: .llama, tokens: tokens, scores: scores, tokenTypes: types, addSpacePrefix: addSpacePrefix)
        }

        config.bosID = try specialID("bos")
        config.eosID = try specialID("eos")
        config.unknownID = try specialID("unk")
        config.paddingID = try specialID("pad")
        if config.unknownID == nil, let unkPiece, let id = tokens.indices.first(where: { tokens[$0] == unkPiece && types[$0] == .unknown }) {
            config.unknownID = Int32(id)
        }

        // add_bos / add_eos: the post-processor's template first, then tokenizer_config.
        var addBOS: Bool?, addEOS: Bool?
        if let post = try tj.object("post_processor") {
            let processors = try post.string("type") == "Sequence" ? (try post.objects("processors") ?? []) : [post]
            for proc in processors {
                switch try proc.string("type") {
                case "ByteLevel":
                    if addBOS == nil { addBOS = false }
                    if addEOS == nil { addEOS = false }
                case "TemplateProcessing":
                    let single = try proc.objects("single") ?? []
                    guard single.count > 1 else { continue }
                    let bosText = config.bosID.map { tokens[Int($0)] }, eosText = config.eosID.map { tokens[Int($0)] }
                    if let first = try single.first!.object("SpecialToken")?.string("id") { addBOS = first == bosText }
                    if let last = try single.last!.object("SpecialToken")?.string("id") { addEOS = last == eosText }
                default: continue
                }
            }
        }
        if addBOS == nil { addBOS = try tc?.bool("add_bos_token") }
        if addEOS == nil { addEOS = try tc?.bool("add_eos_token") }
        switch kind {
        case .sentencePiece: config.addBOS = addBOS ?? true
        case .byteLevel(let pre): config.addBOS = addBOS ?? (PreTokenizer.named(pre)?.addsBOSByDefault ?? false)
        }
        config.addEOS = addEOS ?? false
        self.config = config
        self.chatTemplate = chatTemplate
    }

    /// Merges as GGUF stores them (`"a b"`), from either of `tokenizer.json`'s layouts
    /// (strings, or pairs since transformers 4.45; a space inside a pair becomes U+0120 as the
    /// converter writes it).
    static func merges(_ model: HFJSON) throws(HFError) -> [String] {
        guard let raw = try model.array("merges") else { return [] }
        var out: [String] = []
        out.reserveCapacity(raw.count)
        for (i, m) in raw.enumerated() {
            if let s = m as? String {
                out.append(s)
            } else if let pair = m as? [Any], pair.count == 2, let a = pair[0] as? String, let b = pair[1] as? String {
                let enc = { (s: String) in s.replacingOccurrences(of: " ", with: "\u{120}") }
                out.append(enc(a) + " " + enc(b))
            } else {
                throw .invalidField(file: model.file, field: model.path + "merges", reason: "element \(i) is neither \"a b\" nor [\"a\", \"b\"]")
            }
        }
        return out
    }

    /// llama.cpp's `does_token_look_special`.
    static func looksSpecial(_ t: String) -> Bool {
        ["<pad>", "<mask>", "<2mass>", "[@BOS@]"].contains(t) || (t.hasPrefix("<|") && t.hasSuffix("|>"))
            || (t.hasPrefix("<｜") && t.hasSuffix("｜>")) || (t.hasPrefix("<unused") && t.hasSuffix(">"))
    }

    /// Whether `piece` is a SentencePiece byte token `<0xXX>`.
    static func isByteToken(_ piece: String) -> Bool {
        let u = Array(piece.utf8)
        func hex(_ c: UInt8) -> Bool { (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102) }
        return u.count == 6 && u[0] == 60 && u[1] == 48 && u[2] == 120 && hex(u[3]) && hex(u[4]) && u[5] == 62
    }

    /// Writes the tokenizer and the chat template into GGUF metadata.
    public func write(into md: inout GGUFMetadata) {
        config.write(into: &md)
        if let chatTemplate { md["tokenizer.chat_template"] = .string(chatTemplate) }
    }
}

extension HFJSON {
    /// `chat_template`: a string, or the `default` entry of a list of named templates.
    func chatTemplate() throws(HFError) -> String? {
        guard has("chat_template") else { return nil }
        if let s = object["chat_template"] as? String { return s }
        let named = try objects("chat_template") ?? []
        for n in named where try n.string("name") == "default" { return try n.string("template") }
        return try named.first?.string("template")
    }
}

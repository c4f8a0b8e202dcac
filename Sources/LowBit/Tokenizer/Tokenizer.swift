/// Text ↔ token ids for Llama-family models, built from a ``TokenizerConfig``, tokenizing as
/// llama.cpp does: SentencePiece-style BPE by scores (`.llama`: Llama 2, Mistral, Gemma) or
/// byte-level BPE by merges after the pre-tokenizer split `tokenizer.ggml.pre` names (`.gpt2`:
/// GPT-2, Llama 3, Qwen2, SmolLM, …; see ``PreTokenizer``).
///
/// ```swift
/// let tokenizer = try Tokenizer(config: config)
/// let ids = tokenizer.encode("Hello world")   // [bos, ▁Hello, ▁world]
/// tokenizer.decode(ids)                        // "Hello world"
/// ```
///
/// Special tokens written in the text (`<s>`, `<|im_start|>`) become their ids when
/// `parseSpecial` is on (``SpecialTokenMatcher``); user-defined tokens always do.
///
/// A `Tokenizer` is an immutable value; encoding and decoding are safe from any thread.
public struct Tokenizer: Sendable {
    /// The tokenizer kind.
    public let model: TokenizerConfig.Model
    /// The pre-tokenizer of a `.gpt2` tokenizer; `nil` for `.llama`, which has none.
    public let preTokenizer: PreTokenizer?
    /// Beginning-of-sequence token, if the vocabulary has one.
    public let bosID: Int32?
    /// End-of-sequence token, if the vocabulary has one.
    public let eosID: Int32?
    /// Tokens that end generation, as llama.cpp's `special_eog_ids`: EOS, the EOT/EOM ids
    /// from the metadata, and tokens whose text is one of llama.cpp's end-of-turn markers
    /// (``endOfGenerationTexts``), so that a chat model's `<|im_end|>` or `<|eot_id|>` stops it.
    public let endOfGeneration: Set<Int32>

    /// llama.cpp's texts of end-of-generation tokens (`llama_vocab::impl::load`).
    public static let endOfGenerationTexts: Set<String> = [
        "<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>", "<|flush|>", "<|calls|>", "<end_of_turn>",
        "<|endoftext|>", "</s>", "<|eom_id|>", "<EOT>", "_<EOT>", "[EOT]", "[EOS]", "<|end_of_text|>",
        "<end_of_utterance>", "<eos>", "<turn|>", "<|tool_response>", "<｜end▁of▁sentence｜>", "[e~[",
    ]
    /// Token used for text the vocabulary cannot spell, if any.
    public let unknownID: Int32?
    /// Whether ``encode(_:addBOS:addEOS:parseSpecial:)`` prepends BOS by default.
    public let addsBOSByDefault: Bool
    /// Whether ``encode(_:addBOS:addEOS:parseSpecial:)`` appends EOS by default.
    public let addsEOSByDefault: Bool
    /// Whether ``encode(_:addBOS:addEOS:parseSpecial:)`` matches control and unknown tokens
    /// written in the text when not told (default `true`; `lowbit run --no-special` sets `false`).
    public var parsesSpecialByDefault = true

    let tokens: [String]
    /// Token types after ``effectiveTypes(_:)``.
    let tokenTypes: [TokenizerConfig.TokenType]
    /// Exact UTF-8 lookup of token text.
    let table: ByteStringTable
    /// The bytes each token contributes to decoded text; token `i` is
    /// `pieceStorage[pieceStarts[i]..<pieceStarts[i + 1]]`.
    let pieceStorage: [UInt8]
    let pieceStarts: [Int]
    let specials: SpecialTokenMatcher
    /// `.llama` with a space prefix: encoding adds it, decoding strips it again.
    let addsSpacePrefix: Bool
    let byteLevel: ByteLevelBPE?
    let sentencePiece: SentencePieceBPE?

    /// Builds and validates a tokenizer.
    /// - Parameter config: Vocabulary, scores or merges, token types and special ids.
    /// - Throws: ``TokenizerError`` naming the field, merge or pre-tokenizer that is wrong.
    public init(config: TokenizerConfig) throws(TokenizerError) {
        let count = config.tokens.count
        guard count > 0 else { throw .emptyVocabulary }
        guard count < Int(Int32.max) else { throw .vocabularyTooLarge(count: count) }
        if !config.scores.isEmpty && config.scores.count != count {
            throw .scoresCountMismatch(tokens: count, scores: config.scores.count)
        }
        if !config.tokenTypes.isEmpty && config.tokenTypes.count != count {
            throw .tokenTypesCountMismatch(tokens: count, tokenTypes: config.tokenTypes.count)
        }
        let specialFields: [(String, Int32?)] = [
            ("bosID", config.bosID), ("eosID", config.eosID), ("unknownID", config.unknownID),
            ("paddingID", config.paddingID),
        ]
        for case let (field, id?) in specialFields where id < 0 || Int(id) >= count {
            throw .specialIDOutOfRange(field: field, id: id, vocabularySize: count)
        }
        switch config.model {
        case .gpt2:
            let name = config.preTokenizer ?? "default"
            guard let pre = PreTokenizer.named(name) else { throw .unknownPreTokenizer(name: name) }
            preTokenizer = pre
        case .llama:
            preTokenizer = nil
        }

        model = config.model
        bosID = config.bosID
        eosID = config.eosID
        var eog = Set([config.eosID, config.eotID, config.eomID].compactMap { $0 }.filter { $0 >= 0 && Int($0) < count })
        for (id, token) in config.tokens.enumerated() where Self.endOfGenerationTexts.contains(token) { eog.insert(Int32(id)) }
        endOfGeneration = eog
        unknownID = config.unknownID
        addsBOSByDefault = config.addBOS
        addsEOSByDefault = config.addEOS
        addsSpacePrefix = config.model == .llama && config.addSpacePrefix
        // llama.cpp gives empty tokens a placeholder text, so that they can never match.
        var tokens = config.tokens
        for id in tokens.indices where tokens[id].isEmpty { tokens[id] = "[EMPTY_\(id)]" }
        self.tokens = tokens

        var table = ByteStringTable(capacity: count)
        for (id, token) in tokens.enumerated() { table.insert(token.utf8, value: Int32(id)) }
        self.table = table

        let types = Self.effectiveTypes(config)
        tokenTypes = types

        var storage: [UInt8] = []
        storage.reserveCapacity(count * 8)
        var starts = [0]
        starts.reserveCapacity(count + 1)
        for id in 0..<count {
            Self.appendPiece(of: tokens[id], type: types[id], model: config.model, to: &storage)
            starts.append(storage.count)
        }
        pieceStorage = storage
        pieceStarts = starts

        var candidates: [SpecialTokenMatcher.Candidate] = []
        for id in 0..<count {
            switch types[id] {
            case .control, .unknown:
                candidates.append(.init(bytes: Array(tokens[id].utf8), id: Int32(id), always: false))
            case .userDefined:
                candidates.append(.init(bytes: Array(tokens[id].utf8), id: Int32(id), always: true))
            default:
                break
            }
        }
        specials = SpecialTokenMatcher(candidates: candidates)

        switch config.model {
        case .gpt2:
            byteLevel = try ByteLevelBPE(
                mergeList: config.merges, table: table, ignoresMerges: preTokenizer?.ignoresMerges ?? false)
            sentencePiece = nil
        case .llama:
            byteLevel = nil
            sentencePiece = SentencePieceBPE(
                table: table, scores: config.scores, vocabularySize: count,
                maxTokenLength: tokens.reduce(0) { max($0, $1.utf8.count) })
        }
    }

    /// Appends the bytes a token stands for in decoded text, as llama.cpp's `token_to_piece`
    /// renders them (special tokens included): control, unknown and user-defined tokens are their
    /// text; normal tokens lose the `▁` space marker (`.llama`) or their byte-level spelling
    /// (`.gpt2`); byte tokens `<0xXX>` are that byte; unused and undefined tokens are nothing.
    static func appendPiece(
        of token: String, type: TokenizerConfig.TokenType, model: TokenizerConfig.Model, to bytes: inout [UInt8]
    ) {
        switch type {
        case .control, .unknown, .userDefined:
            bytes.append(contentsOf: token.utf8)
            return
        case .unused, .undefined:
            return
        case .byte:
            if let byte = SentencePieceBPE.parseByteToken(token) {
                bytes.append(byte)
                return
            }
        case .normal:
            break
        }
        switch model {
        case .llama:
            // ▁ (E2 96 81) stands for a space.
            func unescape(_ utf8: UnsafeBufferPointer<UInt8>) {
                var index = 0
                while index < utf8.count {
                    if index + 2 < utf8.count && utf8[index] == 0xE2 && utf8[index + 1] == 0x96 && utf8[index + 2] == 0x81 {
                        bytes.append(0x20)
                        index += 3
                    } else {
                        bytes.append(utf8[index])
                        index += 1
                    }
                }
            }
            if token.utf8.withContiguousStorageIfAvailable(unescape) == nil {
                Array(token.utf8).withUnsafeBufferPointer(unescape)
            }
        case .gpt2:
            for scalar in token.unicodeScalars {
                if let byte = ByteUnicodeMap.byte(for: scalar) {
                    bytes.append(byte)
                } else {
                    bytes.append(contentsOf: String(scalar).utf8)
                }
            }
        }
    }

    /// Number of tokens in the vocabulary; valid ids are `0..<vocabularySize`.
    public var vocabularySize: Int { tokens.count }

    /// Whether `id` is a control token (BOS, EOS, chat markers, …), which decoding skips.
    /// - Parameter id: Any id; out-of-range ids are not control tokens.
    public func isControl(_ id: Int32) -> Bool {
        id >= 0 && Int(id) < tokens.count && tokenTypes[Int(id)] == .control
    }

    /// The type of a token after llama.cpp's corrections (see ``TokenizerConfig/TokenType``).
    /// - Parameter id: A token id.
    /// - Returns: Its type, or `nil` when `id` is out of range.
    public func tokenType(_ id: Int32) -> TokenizerConfig.TokenType? {
        id >= 0 && Int(id) < tokens.count ? tokenTypes[Int(id)] : nil
    }

    /// The id of the token spelled exactly `token` (byte-for-byte, no Unicode normalization).
    /// - Parameter token: Token text as the vocabulary stores it (e.g. `"▁the"`, `"Ġthe"`, `"<s>"`).
    /// - Returns: Its id, or `nil` if the vocabulary has no such token.
    public func id(of token: String) -> Int32? {
        table.value(for: token.utf8)
    }

    /// The vocabulary's text for `id`, or `nil` when `id` is out of range.
    /// - Parameter id: A token id.
    public func token(at id: Int32) -> String? {
        id >= 0 && Int(id) < tokens.count ? tokens[Int(id)] : nil
    }

    /// The raw bytes a token contributes to decoded text when special tokens are rendered (see
    /// ``appendPiece(of:type:model:to:)``). Empty for out-of-range ids.
    /// - Parameter id: A token id.
    public func pieceBytes(_ id: Int32) -> [UInt8] {
        guard id >= 0, Int(id) < tokens.count else { return [] }
        return Array(pieceStorage[pieceStarts[Int(id)]..<pieceStarts[Int(id) + 1]])
    }
}

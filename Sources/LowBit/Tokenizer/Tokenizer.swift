/// Text ↔ token ids for Llama-family models: SentencePiece-style BPE (`.llama`) or GPT-2
/// byte-level BPE (`.gpt2`), built from a ``TokenizerConfig``.
///
/// ```swift
/// let tokenizer = try Tokenizer(config: config)
/// let ids = tokenizer.encode("Hello world")   // [bos, ▁Hello, ▁world]
/// tokenizer.decode(ids)                        // "Hello world"
/// ```
///
/// A `Tokenizer` is an immutable value; encoding and decoding are safe from any thread.
public struct Tokenizer: Sendable {
    /// The tokenizer kind.
    public let model: TokenizerConfig.Model
    /// Beginning-of-sequence token, if the vocabulary has one.
    public let bosID: Int32?
    /// End-of-sequence token, if the vocabulary has one.
    public let eosID: Int32?
    /// Token used for text the vocabulary cannot spell, if any.
    public let unknownID: Int32?
    /// Whether ``encode(_:addBOS:addEOS:parseSpecial:)`` prepends BOS by default.
    public let addsBOSByDefault: Bool
    /// Whether ``encode(_:addBOS:addEOS:parseSpecial:)`` appends EOS by default.
    public let addsEOSByDefault: Bool

    let tokens: [String]
    /// Token types, filled in when the configuration had none.
    let tokenTypes: [TokenizerConfig.TokenType]
    /// Exact UTF-8 lookup of token text.
    let table: ByteStringTable
    /// The bytes each token contributes to decoded text; token `i` is
    /// `pieceStorage[pieceStarts[i]..<pieceStarts[i + 1]]`.
    let pieceStorage: [UInt8]
    let pieceStarts: [Int]
    let specials: SpecialTokenMatcher
    /// `.llama` with a space prefix: decoding strips the space that encoding added.
    let stripsLeadingSpace: Bool
    let addsSpacePrefix: Bool
    let byteLevel: ByteLevelBPE?
    let sentencePiece: SentencePieceBPE?

    /// Builds and validates a tokenizer.
    /// - Parameter config: Vocabulary, scores or merges, token types and special ids.
    /// - Throws: ``TokenizerError`` naming the field or merge that is inconsistent.
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

        model = config.model
        bosID = config.bosID
        eosID = config.eosID
        unknownID = config.unknownID
        addsBOSByDefault = config.addBOS
        addsEOSByDefault = config.addEOS
        tokens = config.tokens
        addsSpacePrefix = config.model == .llama && config.addSpacePrefix
        stripsLeadingSpace = addsSpacePrefix

        var table = ByteStringTable(capacity: count)
        for (id, token) in config.tokens.enumerated() { table.insert(token.utf8, value: Int32(id)) }
        self.table = table

        let types = Self.effectiveTypes(config)
        tokenTypes = types

        var storage: [UInt8] = []
        var starts = [0]
        starts.reserveCapacity(count + 1)
        for id in 0..<count {
            storage.append(contentsOf: Self.piece(of: config.tokens[id], type: types[id], model: config.model))
            starts.append(storage.count)
        }
        pieceStorage = storage
        pieceStarts = starts

        var candidates: [SpecialTokenMatcher.Candidate] = []
        for id in 0..<count {
            switch types[id] {
            case .control, .unknown:
                candidates.append(.init(bytes: Array(config.tokens[id].utf8), id: Int32(id), always: false))
            case .userDefined:
                candidates.append(.init(bytes: Array(config.tokens[id].utf8), id: Int32(id), always: true))
            default:
                break
            }
        }
        specials = SpecialTokenMatcher(candidates: candidates)

        switch config.model {
        case .gpt2:
            byteLevel = try ByteLevelBPE(mergeList: config.merges, table: table)
            sentencePiece = nil
        case .llama:
            byteLevel = nil
            sentencePiece = SentencePieceBPE(table: table, scores: config.scores, vocabularySize: count)
        }
    }

    /// The configured token types, or, when there are none, types inferred the way llama.cpp
    /// does for old files: special ids are control (unknown for `unknownID`), `<0xXX>` tokens of
    /// a `.llama` vocabulary are bytes, the rest normal.
    static func effectiveTypes(_ config: TokenizerConfig) -> [TokenizerConfig.TokenType] {
        if !config.tokenTypes.isEmpty { return config.tokenTypes }
        var types = [TokenizerConfig.TokenType](repeating: .normal, count: config.tokens.count)
        if config.model == .llama {
            for (id, token) in config.tokens.enumerated() where SentencePieceBPE.parseByteToken(token) != nil {
                types[id] = .byte
            }
        }
        for id in [config.bosID, config.eosID, config.paddingID].compactMap({ $0 }) { types[Int(id)] = .control }
        if let unknown = config.unknownID { types[Int(unknown)] = .unknown }
        return types
    }

    /// The bytes a token stands for in decoded text.
    static func piece(of token: String, type: TokenizerConfig.TokenType, model: TokenizerConfig.Model) -> [UInt8] {
        switch type {
        case .control, .unknown, .userDefined:
            return Array(token.utf8)
        case .byte where model == .llama:
            if let byte = SentencePieceBPE.parseByteToken(token) { return [byte] }
            return Array(token.utf8)
        default:
            break
        }
        switch model {
        case .llama:
            // ▁ (E2 96 81) stands for a space.
            var bytes: [UInt8] = []
            let utf8 = Array(token.utf8)
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
            return bytes
        case .gpt2:
            var bytes: [UInt8] = []
            for scalar in token.unicodeScalars {
                if let byte = ByteUnicodeMap.byte(for: scalar) {
                    bytes.append(byte)
                } else {
                    bytes.append(contentsOf: String(scalar).utf8)
                }
            }
            return bytes
        }
    }

    /// Number of tokens in the vocabulary; valid ids are `0..<vocabularySize`.
    public var vocabularySize: Int { tokens.count }

    /// Whether `id` is a control token (BOS, EOS, chat markers, …), which decoding skips.
    /// - Parameter id: Any id; out-of-range ids are not control tokens.
    public func isControl(_ id: Int32) -> Bool {
        id >= 0 && Int(id) < tokens.count && tokenTypes[Int(id)] == .control
    }

    /// The id of the token spelled exactly `token` (byte-for-byte, no Unicode normalization).
    /// - Parameter token: Token text as the vocabulary stores it (e.g. `"▁the"`, `"Ġthe"`, `"<s>"`).
    /// - Returns: Its id, or `nil` if the vocabulary has no such token.
    public func id(of token: String) -> Int32? {
        table.value(for: Array(token.utf8))
    }

    /// The vocabulary's text for `id`, or `nil` when `id` is out of range.
    /// - Parameter id: A token id.
    public func token(at id: Int32) -> String? {
        id >= 0 && Int(id) < tokens.count ? tokens[Int(id)] : nil
    }

    /// The raw bytes a token contributes to decoded text: `▁` becomes a space and `<0xXX>` its
    /// byte for `.llama`, byte-level spellings turn back into bytes for `.gpt2`, and control,
    /// unknown and user-defined tokens give their text. Empty for out-of-range ids.
    /// - Parameter id: A token id.
    public func pieceBytes(_ id: Int32) -> [UInt8] {
        guard id >= 0, Int(id) < tokens.count else { return [] }
        return Array(pieceStorage[pieceStarts[Int(id)]..<pieceStarts[Int(id) + 1]])
    }
}

/// Everything a tokenizer needs, as GGUF stores it under `tokenizer.ggml.*`.
///
/// `GGUFFile` builds one from its metadata; `Training` builds one for a freshly trained
/// vocabulary. The tokenizer never reads files itself.
public struct TokenizerConfig: Sendable, Equatable {
    /// Kind of tokenizer, from `tokenizer.ggml.model`.
    public enum Model: String, Sendable {
        /// SentencePiece-style BPE by scores, `▁` space marker, `<0xXX>` byte fallback.
        case llama
        /// Byte-level BPE with merges and the GPT-2 pre-tokenizer split.
        case gpt2
    }

    /// GGUF token types (`tokenizer.ggml.token_type`), as llama.cpp numbers them.
    public enum TokenType: Int32, Sendable {
        case undefined = 0, normal = 1, unknown = 2, control = 3, userDefined = 4, unused = 5, byte = 6
    }

    public var model: Model
    /// Token strings, indexed by id (`tokenizer.ggml.tokens`).
    public var tokens: [String]
    /// Merge priorities for `.llama` (`tokenizer.ggml.scores`); empty when absent.
    public var scores: [Float]
    /// Token types (`tokenizer.ggml.token_type`); empty means all `.normal`.
    public var tokenTypes: [TokenType]
    /// Merges `"a b"` in priority order for `.gpt2` (`tokenizer.ggml.merges`).
    public var merges: [String]
    public var bosID: Int32?
    public var eosID: Int32?
    public var unknownID: Int32?
    public var paddingID: Int32?
    /// Whether encoding prepends BOS by default (`tokenizer.ggml.add_bos_token`).
    public var addBOS: Bool
    /// Whether encoding appends EOS by default (`tokenizer.ggml.add_eos_token`).
    public var addEOS: Bool
    /// Whether `.llama` encoding prepends a space (`▁`) to each text fragment and decoding strips
    /// it again (`tokenizer.ggml.add_space_prefix`, default `true`). Ignored by `.gpt2`.
    public var addSpacePrefix: Bool

    public init(
        model: Model, tokens: [String], scores: [Float] = [], tokenTypes: [TokenType] = [], merges: [String] = [],
        bosID: Int32? = nil, eosID: Int32? = nil, unknownID: Int32? = nil, paddingID: Int32? = nil,
        addBOS: Bool = true, addEOS: Bool = false, addSpacePrefix: Bool = true
    ) {
        self.model = model
        self.tokens = tokens
        self.scores = scores
        self.tokenTypes = tokenTypes
        self.merges = merges
        self.bosID = bosID
        self.eosID = eosID
        self.unknownID = unknownID
        self.paddingID = paddingID
        self.addBOS = addBOS
        self.addEOS = addEOS
        self.addSpacePrefix = addSpacePrefix
    }
}

/// Everything a tokenizer needs, as GGUF stores it under `tokenizer.ggml.*`.
///
/// `GGUFFile` builds one from its metadata; `Training` builds one for a freshly trained
/// vocabulary. The tokenizer never reads files itself.
public struct TokenizerConfig: Sendable, Equatable {
    /// Kind of tokenizer, from `tokenizer.ggml.model`.
    public enum Model: String, Sendable {
        /// SentencePiece-style BPE by scores, `▁` space marker, `<0xXX>` byte fallback (Llama 1
        /// and 2, Mistral, Gemma). llama.cpp's "SPM"; it has no pre-tokenizer.
        case llama
        /// Byte-level BPE with merges, after the pre-tokenizer split that ``preTokenizer`` names
        /// (GPT-2, Llama 3, Qwen2, SmolLM, …). llama.cpp's "BPE".
        case gpt2
    }

    /// GGUF token types (`tokenizer.ggml.token_type`), as llama.cpp numbers them.
    ///
    /// What llama.cpp does with each: control and unknown tokens are matched in text only when
    /// special tokens are parsed and are left out of decoded text unless asked for; user-defined
    /// tokens are always matched and always decoded as their text; unused and undefined tokens
    /// decode to nothing; byte tokens (`<0xXX>`) decode to their byte.
    public enum TokenType: Int32, Sendable {
        case undefined = 0, normal = 1, unknown = 2, control = 3, userDefined = 4, unused = 5, byte = 6
    }

    /// Kind of tokenizer (`tokenizer.ggml.model`).
    public var model: Model
    /// The pre-tokenizer's name (`tokenizer.ggml.pre`), looked up in ``PreTokenizer/table`` by
    /// `.gpt2` tokenizers and ignored by `.llama` ones (as llama.cpp ignores it for SPM).
    /// `nil` means the key is absent, which llama.cpp reads as `"default"`. The initializer
    /// puts `"gpt-2"` here for `.gpt2` when given nothing, so vocabularies built in code keep
    /// the GPT-2 split they were trained with, and ``write(into:)`` records it.
    public var preTokenizer: String?
    /// Token strings, indexed by id (`tokenizer.ggml.tokens`).
    public var tokens: [String]
    /// Merge priorities for `.llama` (`tokenizer.ggml.scores`); empty when absent.
    public var scores: [Float]
    /// Token types (`tokenizer.ggml.token_type`); empty means all `.normal`.
    public var tokenTypes: [TokenType]
    /// Merges `"a b"` in priority order for `.gpt2` (`tokenizer.ggml.merges`).
    public var merges: [String]
    /// Beginning-of-sequence token (`tokenizer.ggml.bos_token_id`).
    public var bosID: Int32?
    /// End-of-sequence token (`tokenizer.ggml.eos_token_id`).
    public var eosID: Int32?
    /// End-of-turn and end-of-message tokens (`tokenizer.ggml.eot_token_id`, `eom_token_id`), if given.
    public var eotID: Int32?
    public var eomID: Int32?
    /// Unknown token (`tokenizer.ggml.unknown_token_id`).
    public var unknownID: Int32?
    /// Padding token (`tokenizer.ggml.padding_token_id`).
    public var paddingID: Int32?
    /// Whether encoding prepends BOS by default (`tokenizer.ggml.add_bos_token`).
    public var addBOS: Bool
    /// Whether encoding appends EOS by default (`tokenizer.ggml.add_eos_token`).
    public var addEOS: Bool
    /// Whether `.llama` encoding prepends a space (`▁`) to the first text fragment and to each
    /// one after a special token, and decoding strips it again (`tokenizer.ggml.add_space_prefix`,
    /// default `true`; Gemma sets `false`). Ignored by `.gpt2`.
    public var addSpacePrefix: Bool

    /// Creates a configuration.
    /// - Parameters:
    ///   - model: Kind of tokenizer.
    ///   - preTokenizer: `tokenizer.ggml.pre`; `nil` gives `"gpt-2"` for `.gpt2` (set the
    ///     property to `nil` afterwards for llama.cpp's reading of a missing key).
    ///   - tokens: Token strings by id.
    ///   - scores: Merge scores for `.llama`, or empty.
    ///   - tokenTypes: Token types by id, or empty.
    ///   - merges: Merges for `.gpt2`, in priority order.
    ///   - bosID: Beginning-of-sequence id.
    ///   - eosID: End-of-sequence id.
    ///   - unknownID: Unknown-token id.
    ///   - paddingID: Padding id.
    ///   - addBOS: Whether encoding prepends BOS by default.
    ///   - addEOS: Whether encoding appends EOS by default.
    ///   - addSpacePrefix: Whether `.llama` encoding prefixes a space.
    public init(
        model: Model, preTokenizer: String? = nil, tokens: [String], scores: [Float] = [],
        tokenTypes: [TokenType] = [], merges: [String] = [],
        bosID: Int32? = nil, eosID: Int32? = nil, unknownID: Int32? = nil, paddingID: Int32? = nil,
        addBOS: Bool = true, addEOS: Bool = false, addSpacePrefix: Bool = true
    ) {
        self.model = model
        self.preTokenizer = preTokenizer ?? (model == .gpt2 ? "gpt-2" : nil)
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

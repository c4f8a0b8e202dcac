/// The hyper-parameters of a trainable Llama: sizes, RoPE base and norm epsilon.
///
/// The output head is always tied to `token_embd.weight` (no `output.weight` tensor), which
/// is how llama.cpp treats a GGUF file without an output tensor.
public struct LlamaShape: Sendable, Hashable, Codable {
    /// Number of tokens in the vocabulary.
    public var vocabSize: Int
    /// Width of the residual stream (`llama.embedding_length`).
    public var dim: Int
    /// Number of transformer blocks (`llama.block_count`).
    public var layers: Int
    /// Number of query heads (`llama.attention.head_count`).
    public var heads: Int
    /// Number of key/value heads (`llama.attention.head_count_kv`); divides `heads`.
    public var kvHeads: Int
    /// Hidden width of the SwiGLU feed-forward network (`llama.feed_forward_length`).
    public var ffnDim: Int
    /// Longest sequence the model is trained on (`llama.context_length`).
    public var contextLength: Int
    /// RoPE frequency base (`llama.rope.freq_base`).
    public var ropeBase: Float
    /// RMSNorm epsilon (`llama.attention.layer_norm_rms_epsilon`).
    public var normEps: Float

    /// Creates a shape.
    ///
    /// - Parameters:
    ///   - vocabSize: tokens in the vocabulary.
    ///   - dim: residual width; a multiple of `heads`.
    ///   - layers: transformer blocks.
    ///   - heads: query heads.
    ///   - kvHeads: key/value heads (grouped-query attention when fewer than `heads`).
    ///   - ffnDim: feed-forward hidden width.
    ///   - contextLength: longest training sequence.
    ///   - ropeBase: RoPE base, 10000 for Llama.
    ///   - normEps: RMSNorm epsilon.
    public init(
        vocabSize: Int, dim: Int, layers: Int, heads: Int, kvHeads: Int, ffnDim: Int,
        contextLength: Int, ropeBase: Float = 10000, normEps: Float = 1e-5
    ) {
        self.vocabSize = vocabSize
        self.dim = dim
        self.layers = layers
        self.heads = heads
        self.kvHeads = kvHeads
        self.ffnDim = ffnDim
        self.contextLength = contextLength
        self.ropeBase = ropeBase
        self.normEps = normEps
    }

    /// Elements per attention head.
    public var headDim: Int { dim / heads }
    /// Width of the key and value projections: `kvHeads · headDim`.
    public var kvDim: Int { kvHeads * headDim }

    /// Checks that the sizes describe a buildable model.
    ///
    /// - Throws: `TrainingError.invalidShape` naming the first violated constraint.
    public func validate() throws(TrainingError) {
        func require(_ ok: Bool, _ why: String) throws(TrainingError) {
            if !ok { throw TrainingError.invalidShape(reason: why) }
        }
        try require(vocabSize > 0 && dim > 0 && layers > 0 && ffnDim > 0, "sizes must be positive")
        try require(heads > 0 && kvHeads > 0, "head counts must be positive")
        try require(dim % heads == 0, "dim \(dim) is not a multiple of heads \(heads)")
        try require(heads % kvHeads == 0, "heads \(heads) is not a multiple of kvHeads \(kvHeads)")
        try require(headDim % 2 == 0, "head size \(headDim) must be even for RoPE")
        try require(contextLength > 0, "contextLength must be positive")
        try require(vocabSize <= Int(Int32.max), "vocabSize too large")
    }
}

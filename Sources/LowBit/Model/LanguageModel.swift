/// Which positions' logits a forward pass returns.
public enum LogitsMode: Sendable {
    /// Only the last token's logits: `[vocab]`.
    case last
    /// Every token's logits: `[tokens, vocab]`.
    case all
    /// No logits (prefill only).
    case none
}

/// One sequence of a batched forward pass: its next tokens and its own cache.
public struct BatchSequence {
    /// Tokens to run at positions `cache.length ..< cache.length + tokens.count`.
    public var tokens: [Int32]
    /// The sequence's cache; every sequence of a batch needs its own.
    public var cache: KVCache

    public init(tokens: [Int32], cache: KVCache) {
        self.tokens = tokens
        self.cache = cache
    }
}

/// A causal language model that LowBit can run: what generation, the probe, benchmarks and
/// the CLI need, independent of the family or the weight types behind it.
public protocol LanguageModel: AnyObject, Sendable {
    /// Hyper-parameters.
    var config: ModelConfig { get }
    /// The weights the model was built from (metadata, tokenizer keys, tensors).
    var weights: ModelWeights { get }
    /// Whether any matmul rounds its activations (the integer weight types do, as in ggml).
    var quantizesActivations: Bool { get }

    /// A fresh cache for up to `capacity` positions (default: the model's context length).
    func makeCache(capacity: Int?) -> KVCache

    /// Runs `tokens` at positions `cache.length ..< cache.length + tokens.count`, appending
    /// their keys and values to `cache`, and returns logits as `mode` asks.
    ///
    /// - Throws: ``ModelError/tokenOutOfRange(token:vocabularySize:)`` or
    ///   ``ModelError/contextOverflow(needed:capacity:)``; the cache is unchanged then.
    func forward(_ tokens: [Int32], cache: KVCache, logits mode: LogitsMode, pool: ThreadPool?) throws(ModelError) -> [Float]

    /// Runs several independent sequences in one pass, so that their matmuls read each
    /// weight matrix once (batched decoding: one token per sequence makes decode a GEMM).
    /// Each sequence's logits and cache are bit for bit what running it alone with
    /// ``forward(_:cache:logits:pool:)`` gives.
    ///
    /// - Returns: one logits array per sequence, as `mode` asks (`[]` for a sequence with
    ///   no tokens).
    /// - Throws: ``ModelError/tokenOutOfRange(token:vocabularySize:)``,
    ///   ``ModelError/contextOverflow(needed:capacity:)`` or
    ///   ``ModelError/cacheSharedInBatch``; no cache is changed then.
    func forward(batch: [BatchSequence], logits mode: LogitsMode, pool: ThreadPool?) throws(ModelError) -> [[Float]]

    /// The logit lens: the residual stream at the last of `tokens` after every block, read
    /// through the final norm and the output head.
    ///
    /// - Returns: `[layers][vocab]` logits; the last row equals the `.last` forward logits.
    func logitLens(_ tokens: [Int32], cache: KVCache, pool: ThreadPool?) throws(ModelError) -> [[Float]]
}

extension LanguageModel {
    /// A fresh cache for the model's whole context.
    public func makeCache() -> KVCache { makeCache(capacity: nil) }

    /// ``forward(_:cache:logits:pool:)`` with the last token's logits on one thread by default.
    public func forward(_ tokens: [Int32], cache: KVCache, logits mode: LogitsMode = .last) throws(ModelError) -> [Float] {
        try forward(tokens, cache: cache, logits: mode, pool: nil)
    }

    /// ``forward(_:cache:logits:pool:)`` with the last token's logits.
    public func forward(_ tokens: [Int32], cache: KVCache, pool: ThreadPool?) throws(ModelError) -> [Float] {
        try forward(tokens, cache: cache, logits: .last, pool: pool)
    }

    /// The logit lens on one thread.
    public func logitLens(_ tokens: [Int32], cache: KVCache) throws(ModelError) -> [[Float]] {
        try logitLens(tokens, cache: cache, pool: nil)
    }
}

/// Builds the model for `weights`: the family from `general.architecture`, every tensor
/// checked for presence, shape and type.
///
/// - Throws: ``ModelError`` naming the source and the key or tensor at fault.
public func loadModel(_ weights: ModelWeights) throws(ModelError) -> any LanguageModel {
    try TransformerModel(weights: weights)
}

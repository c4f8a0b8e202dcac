/// Hyperparameters of a Llama-family model, read from the `llama.*` GGUF metadata keys.
public struct LlamaConfig: Sendable, Hashable, Codable {
    public var vocabSize: Int
    /// Embedding width (`llama.embedding_length`).
    public var dim: Int
    /// Transformer blocks (`llama.block_count`).
    public var layers: Int
    /// Query heads (`llama.attention.head_count`).
    public var heads: Int
    /// Key/value heads (`llama.attention.head_count_kv`; equal to `heads` without GQA).
    public var kvHeads: Int
    /// Hidden width of the SwiGLU FFN (`llama.feed_forward_length`).
    public var ffnDim: Int
    /// Maximum positions (`llama.context_length`).
    public var contextLength: Int
    /// RoPE base θ (`llama.rope.freq_base`, default 10000).
    public var ropeBase: Float
    /// RMSNorm ε (`llama.attention.layer_norm_rms_epsilon`, default 1e-5).
    public var normEps: Float

    public var headDim: Int { dim / heads }
    public var kvDim: Int { kvHeads * headDim }

    public init(
        vocabSize: Int, dim: Int, layers: Int, heads: Int, kvHeads: Int, ffnDim: Int, contextLength: Int,
        ropeBase: Float = 10000, normEps: Float = 1e-5
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

    /// Reads the configuration from `weights`' metadata; the vocabulary size comes from
    /// `token_embd.weight`.
    public init(weights: ModelWeights) throws(ModelError) {
        let md = weights.metadata, file = weights.source
        let arch = md["general.architecture"]?.stringValue ?? ""
        guard arch == "llama" else { throw .unsupportedArchitecture(file: file, architecture: arch.isEmpty ? "(none)" : arch) }
        func int(_ key: String, default def: Int? = nil) throws(ModelError) -> Int {
            guard let v = md["llama.\(key)"] else {
                if let def { return def }
                throw .missingMetadata(file: file, key: "llama.\(key)")
            }
            guard let i = v.intValue, i > 0, i <= 1 << 24 else {
                throw .invalidMetadata(file: file, key: "llama.\(key)", reason: "expected a positive integer, got \(v)")
            }
            return i
        }
        func float(_ key: String, default def: Float) throws(ModelError) -> Float {
            guard let v = md["llama.\(key)"] else { return def }
            guard let d = v.doubleValue, d.isFinite, d > 0 else {
                throw .invalidMetadata(file: file, key: "llama.\(key)", reason: "expected a positive number, got \(v)")
            }
            return Float(d)
        }
        dim = try int("embedding_length")
        layers = try int("block_count")
        heads = try int("attention.head_count")
        kvHeads = try int("attention.head_count_kv", default: heads)
        ffnDim = try int("feed_forward_length")
        contextLength = try int("context_length", default: 2048)
        ropeBase = try float("rope.freq_base", default: 10000)
        normEps = try float("attention.layer_norm_rms_epsilon", default: 1e-5)
        guard dim % heads == 0, (dim / heads) % 2 == 0 else {
            throw .invalidMetadata(file: file, key: "llama.attention.head_count", reason: "\(heads) heads do not split \(dim) into even head sizes")
        }
        guard heads % kvHeads == 0 else {
            throw .invalidMetadata(file: file, key: "llama.attention.head_count_kv", reason: "\(kvHeads) does not divide \(heads) heads")
        }
        guard let embd = weights["token_embd.weight"] else { throw .missingTensor(file: file, name: "token_embd.weight") }
        guard embd.shape.count == 2, embd.shape[0] == dim else {
            throw .shapeMismatch(file: file, name: "token_embd.weight", expected: [dim, embd.shape.last ?? 0], found: embd.shape)
        }
        vocabSize = embd.shape[1]
    }

    /// Writes this configuration into GGUF metadata under the `llama.*` keys.
    public func write(into md: inout GGUFMetadata) {
        md["general.architecture"] = .string("llama")
        md["llama.context_length"] = .uint32(UInt32(contextLength))
        md["llama.embedding_length"] = .uint32(UInt32(dim))
        md["llama.block_count"] = .uint32(UInt32(layers))
        md["llama.feed_forward_length"] = .uint32(UInt32(ffnDim))
        md["llama.rope.dimension_count"] = .uint32(UInt32(headDim))
        md["llama.attention.head_count"] = .uint32(UInt32(heads))
        md["llama.attention.head_count_kv"] = .uint32(UInt32(kvHeads))
        md["llama.rope.freq_base"] = .float32(ropeBase)
        md["llama.attention.layer_norm_rms_epsilon"] = .float32(normEps)
        md["llama.vocab_size"] = .uint32(UInt32(vocabSize))
    }
}

import Foundation

/// The hyper-parameters of one transformer, read from the GGUF `{arch}.*` keys with the
/// defaults of its ``Architecture`` (as llama.cpp's `llm_load_hparams` and the family's
/// `load_arch_hparams` read them).
///
/// Widths: queries are `heads × headDim`, keys `kvHeads × headDim`, values
/// `kvHeads × valueDim`; `headDim` need not be `dim / heads` (Gemma, Qwen3).
public struct ModelConfig: Sendable, Hashable, Codable {
    /// `general.architecture` (a name in ``Architecture/all``).
    public var architecture: String
    public var vocabSize: Int
    /// Embedding width (`embedding_length`).
    public var dim: Int
    /// Transformer blocks (`block_count`).
    public var layers: Int
    /// Query heads (`attention.head_count`).
    public var heads: Int
    /// Key/value heads (`attention.head_count_kv`; equal to `heads` without GQA).
    public var kvHeads: Int
    /// Hidden width of the gated FFN (`feed_forward_length`).
    public var ffnDim: Int
    /// Maximum positions (`context_length`).
    public var contextLength: Int
    /// Elements per query/key head (`attention.key_length`, default `dim / heads`).
    public var headDim: Int
    /// Elements per value head (`attention.value_length`, default `dim / heads`).
    public var valueDim: Int
    /// Rotated elements per head (`rope.dimension_count`, default `headDim`).
    public var ropeDims: Int
    /// RoPE θ base of global layers (`rope.freq_base`, default 10000).
    public var ropeBase: Float
    /// RoPE θ base of sliding-window layers (`rope.freq_base_swa` or the family's default).
    public var ropeBaseLocal: Float
    /// Linear RoPE position scale, `1 / rope.scaling.factor` (1 without scaling).
    public var ropeScale: Float
    /// Magnitude factor of RoPE (`rope.scaling.attn_factor`, default 1).
    public var ropeAttentionFactor: Float
    /// RMSNorm ε (`attention.layer_norm_rms_epsilon`, default 1e-5).
    public var normEps: Float
    /// Window of the sliding-window layers, in positions (0: no local layers).
    public var slidingWindow: Int
    /// For each layer, whether it attends within ``slidingWindow`` only.
    public var localLayers: [Bool]
    /// Attention score scale (`1/√headDim`, or the family's rule).
    public var attentionScale: Float
    /// Attention score soft-capping, or `nil`.
    public var attentionSoftcap: Float?
    /// Output logit soft-capping, or `nil`.
    public var finalSoftcap: Float?

    /// Query width, `heads · headDim`.
    public var qDim: Int { heads * headDim }
    /// Key width per position, `kvHeads · headDim`.
    public var kvDim: Int { kvHeads * headDim }
    /// Value width per position, `kvHeads · valueDim`.
    public var vDim: Int { kvHeads * valueDim }
    /// The family description, when ``architecture`` names one LowBit runs.
    public var family: Architecture? { Architecture.named(architecture) }

    /// A Llama configuration with `headDim = dim / heads` and no local layers.
    public init(
        vocabSize: Int, dim: Int, layers: Int, heads: Int, kvHeads: Int, ffnDim: Int, contextLength: Int,
        ropeBase: Float = 10000, normEps: Float = 1e-5
    ) {
        architecture = "llama"
        self.vocabSize = vocabSize
        self.dim = dim
        self.layers = layers
        self.heads = heads
        self.kvHeads = kvHeads
        self.ffnDim = ffnDim
        self.contextLength = contextLength
        headDim = heads > 0 ? dim / heads : 0
        valueDim = headDim
        ropeDims = headDim
        self.ropeBase = ropeBase
        ropeBaseLocal = ropeBase
        ropeScale = 1
        ropeAttentionFactor = 1
        self.normEps = normEps
        slidingWindow = 0
        localLayers = [Bool](repeating: false, count: max(0, layers))
        attentionScale = headDim > 0 ? 1 / Float(headDim).squareRoot() : 1
        attentionSoftcap = nil
        finalSoftcap = nil
    }

    /// Reads the configuration of `weights`: the family from `general.architecture`, its
    /// hyper-parameters from the `{arch}.*` keys, the vocabulary size from
    /// `token_embd.weight`.
    ///
    /// - Throws: ``ModelError`` naming the key that is missing, malformed or unsupported.
    public init(weights: ModelWeights) throws(ModelError) {
        let md = weights.metadata, file = weights.source
        let name = md["general.architecture"]?.stringValue ?? ""
        guard let arch = Architecture.named(name) else {
            throw .unsupportedArchitecture(file: file, architecture: name.isEmpty ? "(none)" : name)
        }
        architecture = name
        let p = name + "."
        func int(_ key: String, default def: Int? = nil) throws(ModelError) -> Int {
            guard let v = md[p + key] else {
                if let def { return def }
                throw .missingMetadata(file: file, key: p + key)
            }
            if let i = v.intValue, i > 0, i <= 1 << 24 { return i }
            // llama.cpp accepts a per-layer array; LowBit runs it when all layers agree.
            if let a = v.arrayValue, let first = a.first?.intValue, first > 0, first <= 1 << 24,
               a.allSatisfy({ $0.intValue == first }) {
                return first
            }
            let why = v.arrayValue == nil ? "expected a positive integer" : "per-layer values that differ are not supported"
            throw .invalidMetadata(file: file, key: p + key, reason: "\(why), got \(v.abbreviated())")
        }
        func float(_ key: String) throws(ModelError) -> Float? {
            guard let v = md[p + key] else { return nil }
            guard let d = v.doubleValue, d.isFinite, d >= 0 else {
                throw .invalidMetadata(file: file, key: p + key, reason: "expected a non-negative number, got \(v.abbreviated())")
            }
            return Float(d)
        }
        dim = try int("embedding_length")
        layers = try int("block_count")
        heads = try int("attention.head_count")
        kvHeads = try int("attention.head_count_kv", default: heads)
        ffnDim = try int("feed_forward_length")
        contextLength = try int("context_length", default: 2048)
        headDim = try int("attention.key_length", default: dim / heads)
        valueDim = try int("attention.value_length", default: dim / heads)
        ropeDims = try int("rope.dimension_count", default: headDim)
        guard heads % kvHeads == 0 else {
            throw .invalidMetadata(file: file, key: p + "attention.head_count_kv", reason: "\(kvHeads) does not divide \(heads) heads")
        }
        guard headDim > 0, valueDim > 0 else {
            throw .invalidMetadata(file: file, key: p + "attention.key_length", reason: "head size is zero")
        }
        guard ropeDims % 2 == 0, ropeDims <= headDim, !arch.ropeCoversWholeHead || ropeDims == headDim else {
            throw .invalidMetadata(
                file: file, key: p + "rope.dimension_count",
                reason: "\(ropeDims) rotated dimensions do not fit head size \(headDim)\(arch.ropeCoversWholeHead ? " (\(name) rotates whole heads)" : "")")
        }
        ropeBase = try float("rope.freq_base") ?? 10000
        if let scaling = md[p + "rope.scaling.type"] {
            let kind = scaling.stringValue ?? ""
            guard ["none", "linear", "longrope", "llama3"].contains(kind) else {
                throw .invalidMetadata(file: file, key: p + "rope.scaling.type",
                                       reason: "RoPE scaling '\(scaling.abbreviated())' is not supported (LowBit applies none, linear, llama3 factors and longrope factors)")
            }
        }
        var factor = try float("rope.scaling.factor") ?? 0
        if factor == 0 { factor = try float("rope.scale_linear") ?? 0 }
        ropeScale = factor == 0 ? 1 : 1 / factor
        ropeAttentionFactor = try float("rope.scaling.attn_factor") ?? 1
        ropeBaseLocal = try float("rope.freq_base_swa") ?? arch.localRopeBase ?? ropeBase
        normEps = try float("attention.layer_norm_rms_epsilon") ?? 1e-5

        localLayers = [Bool](repeating: false, count: layers)
        slidingWindow = 0
        var window: Int? = arch.slidingWindow?.defaultWindow
        if arch.slidingWindow != nil, md[p + "attention.sliding_window"] != nil { window = try int("attention.sliding_window") }
        if let rule = arch.slidingWindow, let window {
            slidingWindow = window
            if let pattern = md[p + "attention.sliding_window_pattern"], let flags = pattern.arrayValue {
                guard flags.count >= layers else {
                    throw .invalidMetadata(file: file, key: p + "attention.sliding_window_pattern",
                                           reason: "\(flags.count) entries for \(layers) layers")
                }
                for l in 0..<layers { localLayers[l] = flags[l].boolValue ?? ((flags[l].intValue ?? 0) != 0) }
            } else {
                var n = rule.pattern
                if md[p + "attention.sliding_window_pattern"] != nil { n = try int("attention.sliding_window_pattern") }
                for l in 0..<layers { localLayers[l] = l % n < n - 1 }
            }
        }
        func cap(_ rule: Architecture.Softcap, _ key: String) throws(ModelError) -> Float? {
            switch rule {
            case .none: return nil
            case .keyOr(let d): return try float(key) ?? d
            case .keyOnly:
                let v = try float(key) ?? 0
                return v == 0 ? nil : v
            }
        }
        attentionSoftcap = try cap(arch.attentionSoftcap, "attn_logit_softcapping")
        finalSoftcap = try cap(arch.finalSoftcap, "final_logit_softcapping")
        attentionScale = arch.attentionScaleByWidthAtLayers.contains(layers)
            ? 1 / Float(dim / heads).squareRoot() : 1 / Float(headDim).squareRoot()

        guard let embd = weights["token_embd.weight"] else { throw .missingTensor(file: file, name: "token_embd.weight") }
        guard embd.shape.count == 2, embd.shape[0] == dim else {
            throw .shapeMismatch(file: file, name: "token_embd.weight", expected: [dim, embd.shape.last ?? 0], found: embd.shape)
        }
        vocabSize = embd.shape[1]
    }

    /// Writes this configuration into GGUF metadata under `general.architecture` and the
    /// `{arch}.*` keys, as llama.cpp's converter names them.
    public func write(into md: inout GGUFMetadata) {
        let p = architecture + "."
        md["general.architecture"] = .string(architecture)
        md[p + "context_length"] = .uint32(UInt32(contextLength))
        md[p + "embedding_length"] = .uint32(UInt32(dim))
        md[p + "block_count"] = .uint32(UInt32(layers))
        md[p + "feed_forward_length"] = .uint32(UInt32(ffnDim))
        md[p + "rope.dimension_count"] = .uint32(UInt32(ropeDims))
        md[p + "attention.head_count"] = .uint32(UInt32(heads))
        md[p + "attention.head_count_kv"] = .uint32(UInt32(kvHeads))
        if headDim != dim / heads { md[p + "attention.key_length"] = .uint32(UInt32(headDim)) }
        if valueDim != dim / heads { md[p + "attention.value_length"] = .uint32(UInt32(valueDim)) }
        md[p + "rope.freq_base"] = .float32(ropeBase)
        md[p + "attention.layer_norm_rms_epsilon"] = .float32(normEps)
        if slidingWindow > 0 { md[p + "attention.sliding_window"] = .uint32(UInt32(slidingWindow)) }
        if let attentionSoftcap { md[p + "attn_logit_softcapping"] = .float32(attentionSoftcap) }
        if let finalSoftcap { md[p + "final_logit_softcapping"] = .float32(finalSoftcap) }
        md[p + "vocab_size"] = .uint32(UInt32(vocabSize))
    }
}

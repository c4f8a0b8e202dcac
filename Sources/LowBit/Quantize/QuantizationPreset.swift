/// A named way to quantize a whole model, as `llama-quantize` names them: the ggml type
/// ordinary matrices get, the `general.file_type` (llama.cpp's `llama_ftype`) the file
/// records, and llama.cpp's per-tensor choices (`llama_tensor_get_type` in
/// `src/llama-quant.cpp`): which tensors a mixture such as `q4_k_m` promotes, what the output
/// head and tied embeddings get, and the fallback for rows that are not a whole number of
/// blocks.
public struct QuantizationPreset: Sendable {
    /// The name `lowbit quantize --type` accepts (lowercase, e.g. `q4_0`, `q4_k_m`).
    public let name: String
    /// llama.cpp's `llama_ftype` value written as `general.file_type`.
    public let fileType: UInt32
    /// The type of ordinary weight matrices (llama.cpp's default type of the file type).
    public let baseType: GGMLType
    /// Other names llama-quantize accepts for it (`q4_k` for `q4_k_m`).
    public let aliases: [String]

    /// Every preset, in llama-quantize's order.
    public static let all: [QuantizationPreset] = [
        QuantizationPreset(name: "f32", fileType: 0, baseType: .f32, aliases: []),
        QuantizationPreset(name: "f16", fileType: 1, baseType: .f16, aliases: []),
        QuantizationPreset(name: "bf16", fileType: 32, baseType: .bf16, aliases: []),
        QuantizationPreset(name: "q8_0", fileType: 7, baseType: .q8_0, aliases: []),
        QuantizationPreset(name: "q4_0", fileType: 2, baseType: .q4_0, aliases: []),
        QuantizationPreset(name: "q4_1", fileType: 3, baseType: .q4_1, aliases: []),
        QuantizationPreset(name: "q5_0", fileType: 8, baseType: .q5_0, aliases: []),
        QuantizationPreset(name: "q5_1", fileType: 9, baseType: .q5_1, aliases: []),
        QuantizationPreset(name: "q2_k", fileType: 10, baseType: .q2_K, aliases: []),
        QuantizationPreset(name: "q3_k_s", fileType: 11, baseType: .q3_K, aliases: []),
        QuantizationPreset(name: "q3_k_m", fileType: 12, baseType: .q3_K, aliases: ["q3_k"]),
        QuantizationPreset(name: "q3_k_l", fileType: 13, baseType: .q3_K, aliases: []),
        QuantizationPreset(name: "q4_k_s", fileType: 14, baseType: .q4_K, aliases: []),
        QuantizationPreset(name: "q4_k_m", fileType: 15, baseType: .q4_K, aliases: ["q4_k"]),
        QuantizationPreset(name: "q5_k_s", fileType: 16, baseType: .q5_K, aliases: []),
        QuantizationPreset(name: "q5_k_m", fileType: 17, baseType: .q5_K, aliases: ["q5_k"]),
        QuantizationPreset(name: "q6_k", fileType: 18, baseType: .q6_K, aliases: []),
    ]

    /// The preset called `name` or one of its aliases (case-insensitive), or `nil`.
    public static func named(_ name: String) -> QuantizationPreset? {
        let lower = name.lowercased()
        return all.first { $0.name == lower || $0.aliases.contains(lower) }
    }

    /// The preset whose ordinary matrices are `type` (for the k-quants with several, the one
    /// llama-quantize also calls by the type's name, e.g. `q4_k_m` for `q4_K`), or `nil`.
    public static func pure(_ type: GGMLType) -> QuantizationPreset? {
        let matching = all.filter { $0.baseType == type }
        return matching.first { !$0.aliases.isEmpty } ?? matching.first
    }

    /// What llama-quantize's choice of one tensor's type depends on besides its name.
    public struct ModelFacts: Sendable {
        /// Transformer blocks.
        public var layers: Int
        /// Query heads per key/value head (`n_gqa`).
        public var gqa: Int
        /// Whether the output head is the token embeddings (no `output.weight`).
        public var tiedEmbeddings: Bool
        /// Whether llama.cpp classifies the model as a 70B (8 query heads per V row there).
        public var is70B: Bool
        /// Tensors in the attention-V category (`attn_v`, `attn_qkv`, `attn_kv_b`).
        public var attentionVCount: Int

        public init(layers: Int, gqa: Int, tiedEmbeddings: Bool, is70B: Bool, attentionVCount: Int) {
            self.layers = layers
            self.gqa = gqa
            self.tiedEmbeddings = tiedEmbeddings
            self.is70B = is70B
            self.attentionVCount = attentionVCount
        }

        /// The facts of `weights`, read from its metadata and tensor names.
        public init(_ weights: ModelWeights) {
            let config = try? ModelConfig(weights: weights)
            layers = config?.layers ?? 0
            gqa = config.map { max(1, $0.heads / max(1, $0.kvHeads)) } ?? 1
            tiedEmbeddings = weights["output.weight"] == nil
            is70B = layers == 80 && (config?.architecture == "qwen2" || (config?.architecture == "llama" && gqa > 1))
            attentionVCount = weights.tensors.filter { Category($0.name).isAttentionV }.count
        }
    }

    /// llama-quantize's tensor categories (`tensor_get_category`).
    enum Category {
        case output, tokenEmbedding, attentionQKV, attentionKVB, attentionV, attentionK, attentionQ, attentionOutput
        case ffnUp, ffnGate, ffnDown, other

        init(_ name: String) {
            func has(_ s: String) -> Bool { name.contains(s) }
            if name == "output.weight" { self = .output }
            else if name == "token_embd.weight" { self = .tokenEmbedding }
            else if has("attn_qkv.weight") { self = .attentionQKV }
            else if has("attn_kv_b.weight") { self = .attentionKVB }
            else if has("attn_v.weight") { self = .attentionV }
            else if has("attn_k.weight") { self = .attentionK }
            else if has("attn_q.weight") { self = .attentionQ }
            else if has("attn_output.weight") { self = .attentionOutput }
            else if has("ffn_up") { self = .ffnUp }
            else if has("ffn_gate") { self = .ffnGate }
            else if has("ffn_down") { self = .ffnDown }
            else { self = .other }
        }

        var isAttentionV: Bool { self == .attentionV || self == .attentionQKV || self == .attentionKVB }
    }

    /// Whether llama-quantize quantizes a tensor at all (`tensor_allows_quantization`): 2-D
    /// or more, named `…weight`, not a norm.
    public static func isQuantizable(name: String, shape: [Int]) -> Bool {
        shape.count >= 2 && name.hasSuffix("weight") && !name.contains("_norm.weight")
    }

    /// The type llama-quantize gives tensor `name` (`shape` innermost first) under this preset,
    /// or `nil` when the tensor is not quantized (it keeps its type).
    ///
    /// - Parameters:
    ///   - pure: every quantizable tensor gets ``baseType`` (llama-quantize's `--pure`), apart
    ///     from the row-length fallback.
    public func type(forTensor name: String, shape: [Int], facts f: ModelFacts, pure: Bool = false) -> GGMLType? {
        guard Self.isQuantizable(name: name, shape: shape) else { return nil }
        guard baseType.blockSize > 1 else { return baseType }  // f32, f16, bf16: no mixture logic
        let chosen = pure ? baseType : mixtureType(name: name, rowLength: shape[0], facts: f)
        return Self.fallback(chosen, rowLength: shape[0])
    }

    /// `llama_tensor_get_type_impl`, for the families LowBit runs (no Falcon, no experts).
    func mixtureType(name: String, rowLength nx: Int, facts f: ModelFacts) -> GGMLType {
        let category = Category(name)
        let layer = Self.layerIndex(name) ?? 0
        let n = f.layers
        func useMoreBits(_ i: Int, _ n: Int) -> Bool { i < n / 8 || i >= 7 * n / 8 || (i - n / 8) % 3 == 2 }
        var t = baseType
        switch category {
        case .output, .tokenEmbedding where f.tiedEmbeddings:
            if nx % t.blockSize != 0 { t = .q8_0 } else if t != .q8_0 { t = .q6_K }
        case .tokenEmbedding:
            break
        case _ where category.isAttentionV:
            // The V projection of layer `i` is the i-th attention-V tensor in llama.cpp's order.
            let i = layer, nv = f.attentionVCount
            switch name {
            case _ where fileType == 10: t = f.gqa >= 4 ? .q4_K : .q3_K                 // Q2_K
            case _ where fileType == 12: t = i < 2 ? .q5_K : .q4_K                       // Q3_K_M
            case _ where fileType == 13: t = .q5_K                                       // Q3_K_L
            case _ where (fileType == 15 || fileType == 17) && useMoreBits(i, nv): t = .q6_K  // Q4_K_M, Q5_K_M
            case _ where fileType == 14 && i < 4: t = .q5_K                              // Q4_K_S
            default: break
            }
            if f.is70B && (t == .q3_K || t == .q4_K) { t = .q5_K }
        case .ffnDown:
            switch fileType {
            case 10: t = .q3_K                                                            // Q2_K
            case 12: t = layer < n / 16 ? .q5_K : .q4_K                                   // Q3_K_M (not Falcon)
            case 13: t = .q5_K                                                            // Q3_K_L
            case 15: if useMoreBits(layer, n) { t = .q6_K }                               // Q4_K_M
            case 17: if useMoreBits(layer, n) { t = .q6_K }                               // Q5_K_M
            case 14: if layer < n / 8 { t = .q5_K }                                       // Q4_K_S
            default: break
            }
        case .attentionOutput:
            switch fileType {
            case 10: t = .q3_K
            case 12: t = .q4_K
            case 13: t = .q5_K
            default: break
            }
        default:
            break
        }
        return t
    }

    /// llama.cpp's `tensor_type_fallback`: a type whose block does not divide the row length
    /// is replaced (Q2_K/Q3_K → Q4_0, Q4_K → Q5_0, Q5_K → Q5_1, Q6_K → Q8_0), and by F16
    /// when even that does not fit.
    static func fallback(_ t: GGMLType, rowLength nx: Int) -> GGMLType {
        guard nx % t.blockSize != 0 else { return t }
        let replacement: GGMLType
        switch t {
        case .q2_K, .q3_K: replacement = .q4_0
        case .q4_K: replacement = .q5_0
        case .q5_K: replacement = .q5_1
        case .q6_K: replacement = .q8_0
        default: replacement = t
        }
        return nx % replacement.blockSize == 0 ? replacement : .f16
    }

    /// The block index in `blk.N.…`, or `nil`.
    static func layerIndex(_ name: String) -> Int? {
        guard name.hasPrefix("blk.") else { return nil }
        return Int(name.dropFirst(4).prefix { $0.isNumber })
    }
}

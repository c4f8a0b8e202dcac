/// The tensors of one transformer block, bound from GGUF names the way llama.cpp's
/// `load_arch_tensors` binds them: required tensors must exist with the right shape and a
/// type LowBit computes with; optional ones (biases, a fused QKV) are used when present.
struct TransformerLayer {
    let attnNorm: [Float]             // [dim]
    let wq: LinearWeights             // [qDim, dim]   (a slice of attn_qkv when fused)
    let wk: LinearWeights             // [kvDim, dim]
    let wv: LinearWeights             // [vDim, dim]
    let bq: [Float]?, bk: [Float]?, bv: [Float]?
    let qNorm: [Float]?               // [headDim], per-head RMSNorm (QK-norm)
    let kNorm: [Float]?               // [headDim]
    let wo: LinearWeights             // [dim, heads·valueDim]
    let bo: [Float]?
    let attnPostNorm: [Float]?        // [dim]
    let ffnNorm: [Float]              // [dim]
    let wGate: LinearWeights?         // [ffn, dim]; nil when ffn_up holds [gate; up]
    let wUp: LinearWeights            // [ffn, dim] or [2·ffn, dim]
    let wDown: LinearWeights          // [dim, ffn]
    let bGate: [Float]?, bUp: [Float]?, bDown: [Float]?
    let ffnPostNorm: [Float]?         // [dim]
    /// The keys this layer's queries see: `window` positions back, or all (`nil`).
    let window: Int?
    /// RoPE of this layer (local layers may use another base).
    let rope: RoPE

    var matrices: [LinearWeights] { [wq, wk, wv, wo, wUp, wDown] + (wGate.map { [$0] } ?? []) }
}

/// Looks tensors up by name with the checks every binding needs. Names are hashed once, so
/// binding a model costs O(tensors), not O(layers × tensors) as a linear search per name
/// would (a file with thousands of tiny layers would make that quadratic).
struct TensorBinder {
    let weights: ModelWeights
    private let index: [String: Int]
    var file: String { weights.source }

    init(weights: ModelWeights) {
        self.weights = weights
        var index: [String: Int] = [:]
        index.reserveCapacity(weights.tensors.count)
        for (i, t) in weights.tensors.enumerated() where index[t.name] == nil { index[t.name] = i }
        self.index = index
    }

    /// The tensor named `name`, or `nil`.
    subscript(name: String) -> WeightTensor? { index[name].map { weights.tensors[$0] } }

    func tensor(_ name: String, _ shape: [Int]) throws(ModelError) -> WeightTensor {
        guard let t = self[name] else { throw .missingTensor(file: file, name: name) }
        guard t.shape == shape else { throw .shapeMismatch(file: file, name: name, expected: shape, found: t.shape) }
        guard t.type.isSupported else { throw .unsupportedTensorType(file: file, name: name, type: t.type) }
        return t
    }

    func optionalTensor(_ name: String, _ shape: [Int]) throws(ModelError) -> WeightTensor? {
        self[name] == nil ? nil : try tensor(name, shape)
    }

    func vector(_ name: String, _ n: Int) throws(ModelError) -> [Float] {
        try tensor(name, [n]).floats()
    }

    func optionalVector(_ name: String, _ n: Int) throws(ModelError) -> [Float]? {
        try optionalTensor(name, [n])?.floats()
    }

    /// `name` as a `[rows, cols]` matrix (GGUF shape `[cols, rows]`).
    func linear(_ name: String, cols: Int, rows: Int) throws(ModelError) -> LinearWeights {
        try linear(tensor(name, [cols, rows]))
    }

    func linear(_ t: WeightTensor, rows range: Range<Int>? = nil) throws(ModelError) -> LinearWeights {
        let rows = range ?? 0..<t.rowCount
        let rowBytes = t.type.byteCount(elements: t.rowLength) ?? 0
        let bytes = UnsafeRawBufferPointer(rebasing: t.storage.bytes[(rows.lowerBound * rowBytes)..<(rows.upperBound * rowBytes)])
        do {
            let w = try LinearWeights(type: t.type, rows: rows.count, cols: t.rowLength, bytes: bytes, owner: t.storage)
            // A repacked matrix lives in its own memory: drop the file's pages it came from.
            if w.ownsStorage { t.storage.releasePages(of: bytes) }
            return w
        } catch {
            throw .invalidTensor(file: file, name: t.name, reason: error.description)
        }
    }

    /// Binds block `l` of a model with configuration `c` in family `arch`.
    func layer(_ l: Int, config c: ModelConfig, architecture arch: Architecture, ropeFactors: [Float]) throws(ModelError)
        -> TransformerLayer
    {
        let p = "blk.\(l)."
        let wq: LinearWeights, wk: LinearWeights, wv: LinearWeights
        var bq: [Float]?, bk: [Float]?, bv: [Float]?
        if let fused = try optionalTensor(p + "attn_qkv.weight", [c.dim, c.qDim + c.kvDim + c.vDim]) {
            wq = try linear(fused, rows: 0..<c.qDim)
            wk = try linear(fused, rows: c.qDim..<(c.qDim + c.kvDim))
            wv = try linear(fused, rows: (c.qDim + c.kvDim)..<(c.qDim + c.kvDim + c.vDim))
            if let b = try optionalVector(p + "attn_qkv.bias", c.qDim + c.kvDim + c.vDim) {
                bq = Array(b[0..<c.qDim])
                bk = Array(b[c.qDim..<(c.qDim + c.kvDim)])
                bv = Array(b[(c.qDim + c.kvDim)...])
            }
        } else {
            wq = try linear(p + "attn_q.weight", cols: c.dim, rows: c.qDim)
            wk = try linear(p + "attn_k.weight", cols: c.dim, rows: c.kvDim)
            wv = try linear(p + "attn_v.weight", cols: c.dim, rows: c.vDim)
        }
        if bq == nil { bq = try optionalVector(p + "attn_q.bias", c.qDim) }
        if bk == nil { bk = try optionalVector(p + "attn_k.bias", c.kvDim) }
        if bv == nil { bv = try optionalVector(p + "attn_v.bias", c.vDim) }

        let wGate: LinearWeights?, wUp: LinearWeights
        switch arch.feedForward {
        case .swiGLU, .geGLU:
            wGate = try linear(p + "ffn_gate.weight", cols: c.dim, rows: c.ffnDim)
            wUp = try linear(p + "ffn_up.weight", cols: c.dim, rows: c.ffnDim)
        case .fusedSwiGLU:
            wGate = nil
            wUp = try linear(p + "ffn_up.weight", cols: c.dim, rows: 2 * c.ffnDim)
        }
        let local = c.localLayers[l]
        return TransformerLayer(
            attnNorm: try vector(p + "attn_norm.weight", c.dim),
            wq: wq, wk: wk, wv: wv, bq: bq, bk: bk, bv: bv,
            qNorm: arch.qkNorm ? try vector(p + "attn_q_norm.weight", c.headDim) : nil,
            kNorm: arch.qkNorm ? try vector(p + "attn_k_norm.weight", c.headDim) : nil,
            wo: try linear(p + "attn_output.weight", cols: c.heads * c.valueDim, rows: c.dim),
            bo: try optionalVector(p + "attn_output.bias", c.dim),
            attnPostNorm: arch.postNorms ? try vector(p + "post_attention_norm.weight", c.dim) : nil,
            ffnNorm: try vector(p + "ffn_norm.weight", c.dim),
            wGate: wGate, wUp: wUp,
            wDown: try linear(p + "ffn_down.weight", cols: c.ffnDim, rows: c.dim),
            bGate: wGate == nil ? nil : try optionalVector(p + "ffn_gate.bias", c.ffnDim),
            bUp: try optionalVector(p + "ffn_up.bias", wGate == nil ? 2 * c.ffnDim : c.ffnDim),
            bDown: try optionalVector(p + "ffn_down.bias", c.dim),
            ffnPostNorm: arch.postNorms ? try vector(p + "post_ffw_norm.weight", c.dim) : nil,
            window: local ? c.slidingWindow : nil,
            rope: RoPE(
                dims: c.ropeDims, layout: arch.ropeLayout, base: local ? c.ropeBaseLocal : c.ropeBase,
                scale: c.ropeScale, factors: ropeFactors, mscale: c.ropeAttentionFactor))
    }
}

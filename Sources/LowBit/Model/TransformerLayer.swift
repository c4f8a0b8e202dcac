/// The tensors of one transformer block, bound from GGUF names the way llama.cpp's
/// `load_arch_tensors` binds them: required tensors must exist with the right shape and a
/// type LowBit computes with; optional ones (biases, a fused QKV) are used when present.
struct TransformerLayer {
    let attnNorm: [Float]             // [dim]
    /// The query, key and value projections: three matrices, or one of their rows stacked.
    let qkv: QKV
    enum QKV {
        case separate(q: LinearWeights, k: LinearWeights, v: LinearWeights)  // [qDim|kvDim|vDim, dim]
        case stacked(LinearWeights)   // [qDim + kvDim + vDim, dim]
        var matrices: [LinearWeights] {
            switch self {
            case let .separate(q, k, v): [q, k, v]
            case let .stacked(w): [w]
            }
        }
    }
    let bq: [Float]?, bk: [Float]?, bv: [Float]?
    let qNorm: [Float]?               // [headDim], per-head RMSNorm (QK-norm)
    let kNorm: [Float]?               // [headDim]
    let wo: LinearWeights             // [dim, heads·valueDim]
    let bo: [Float]?
    let attnPostNorm: [Float]?        // [dim]
    let ffnNorm: [Float]              // [dim]
    let wGate: LinearWeights?         // [ffn, dim]; nil when wUp holds [gate; up]
    let wUp: LinearWeights            // [ffn, dim] or [2·ffn, dim]
    let wDown: LinearWeights          // [dim, ffn]
    let bGate: [Float]?, bUp: [Float]?, bDown: [Float]?
    let ffnPostNorm: [Float]?         // [dim]
    /// The keys this layer's queries see: `window` positions back, or all (`nil`).
    let window: Int?
    /// RoPE of this layer (local layers may use another base).
    let rope: RoPE

    var matrices: [LinearWeights] { qkv.matrices + [wo, wUp, wDown] + (wGate.map { [$0] } ?? []) }
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

    /// `parts` (tensors of one type and row length) as one matrix of their rows stacked in
    /// order, or `nil` where stacking could change a result or cost memory: the type must
    /// repack at load (so the stack replaces the repacked copies the parts would have had,
    /// rather than adding to the file's pages) and every part's rows must be a multiple of
    /// 64, so each part's rows fall in the same panels and chunks as alone. A stacked
    /// matrix's row `r` is then bit for bit the part's. One product instead of several
    /// quantizes and interleaves the shared input once.
    func stacked(_ parts: [WeightTensor]) throws(ModelError) -> LinearWeights? {
        guard let first = parts.first, first.type.traits?.repacksAtLoad == true,
              parts.allSatisfy({ $0.type == first.type && $0.rowLength == first.rowLength && $0.rowCount % 64 == 0 }),
              let rowBytes = first.type.byteCount(elements: first.rowLength)
        else { return nil }
        let rows = parts.reduce(0) { $0 + $1.rowCount }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, rows * rowBytes), alignment: 64)
        defer { buffer.deallocate() }
        var offset = 0
        for t in parts {
            let n = t.rowCount * rowBytes
            guard n > 0 else { continue }
            (buffer.baseAddress! + offset).copyMemory(from: t.storage.bytes.baseAddress!, byteCount: n)
            offset += n
        }
        do {
            let w = try LinearWeights(type: first.type, rows: rows, cols: first.rowLength, bytes: UnsafeRawBufferPointer(buffer))
            for t in parts { t.storage.releasePages(of: UnsafeRawBufferPointer(rebasing: t.storage.bytes[0..<(t.rowCount * rowBytes)])) }
            return w
        } catch {
            throw .invalidTensor(file: file, name: first.name, reason: error.description)
        }
    }

    /// Binds block `l` of a model with configuration `c` in family `arch`.
    /// With `stack`, same-typed q/k/v and gate/up matrices become one matrix each
    /// (``stacked(_:)``), with bit-identical results.
    func layer(_ l: Int, config c: ModelConfig, architecture arch: Architecture, ropeFactors: [Float], stack: Bool = true)
        throws(ModelError) -> TransformerLayer
    {
        let p = "blk.\(l)."
        let qkv: TransformerLayer.QKV
        var bq: [Float]?, bk: [Float]?, bv: [Float]?
        if let fused = try optionalTensor(p + "attn_qkv.weight", [c.dim, c.qDim + c.kvDim + c.vDim]) {
            qkv = .separate(q: try linear(fused, rows: 0..<c.qDim), k: try linear(fused, rows: c.qDim..<(c.qDim + c.kvDim)),
                            v: try linear(fused, rows: (c.qDim + c.kvDim)..<(c.qDim + c.kvDim + c.vDim)))
            if let b = try optionalVector(p + "attn_qkv.bias", c.qDim + c.kvDim + c.vDim) {
                bq = Array(b[0..<c.qDim])
                bk = Array(b[c.qDim..<(c.qDim + c.kvDim)])
                bv = Array(b[(c.qDim + c.kvDim)...])
            }
        } else {
            let parts = [try tensor(p + "attn_q.weight", [c.dim, c.qDim]), try tensor(p + "attn_k.weight", [c.dim, c.kvDim]),
                         try tensor(p + "attn_v.weight", [c.dim, c.vDim])]
            if stack, let w = try stacked(parts) {
                qkv = .stacked(w)
            } else {
                qkv = .separate(q: try linear(parts[0]), k: try linear(parts[1]), v: try linear(parts[2]))
            }
        }
        if bq == nil { bq = try optionalVector(p + "attn_q.bias", c.qDim) }
        if bk == nil { bk = try optionalVector(p + "attn_k.bias", c.kvDim) }
        if bv == nil { bv = try optionalVector(p + "attn_v.bias", c.vDim) }

        let wGate: LinearWeights?, wUp: LinearWeights
        switch arch.feedForward {
        case .swiGLU, .geGLU:
            let gate = try tensor(p + "ffn_gate.weight", [c.dim, c.ffnDim]), up = try tensor(p + "ffn_up.weight", [c.dim, c.ffnDim])
            // Stacked as [gate; up], the layout the fused SwiGLU path reads (without biases,
            // which would have to be stacked too).
            if stack, arch.feedForward == .swiGLU, self[p + "ffn_gate.bias"] == nil, self[p + "ffn_up.bias"] == nil,
               let w = try stacked([gate, up]) {
                wGate = nil
                wUp = w
            } else {
                wGate = try linear(gate)
                wUp = try linear(up)
            }
        case .fusedSwiGLU:
            wGate = nil
            wUp = try linear(p + "ffn_up.weight", cols: c.dim, rows: 2 * c.ffnDim)
        }
        let local = c.localLayers[l]
        return TransformerLayer(
            attnNorm: try vector(p + "attn_norm.weight", c.dim),
            qkv: qkv, bq: bq, bk: bk, bv: bv,
            qNorm: arch.qkNorm ? try vector(p + "attn_q_norm.weight", c.headDim) : nil,
            kNorm: arch.qkNorm ? try vector(p + "attn_k_norm.weight", c.headDim) : nil,
            wo: try linear(p + "attn_output.weight", cols: c.heads * c.valueDim, rows: c.dim),
            bo: try optionalVector(p + "attn_output.bias", c.dim),
            attnPostNorm: arch.postNorms ? try vector(p + "post_attention_norm.weight", c.dim) : nil,
            ffnNorm: try vector(p + "ffn_norm.weight", c.dim),
            wGate: wGate, wUp: wUp,
            wDown: try linear(p + "ffn_down.weight", cols: c.ffnDim, rows: c.dim),
            bGate: wGate == nil ? nil : try optionalVector(p + "ffn_gate.bias", c.ffnDim),
            bUp: try optionalVector(p + "ffn_up.bias", arch.feedForward == .fusedSwiGLU ? 2 * c.ffnDim : c.ffnDim),
            bDown: try optionalVector(p + "ffn_down.bias", c.dim),
            ffnPostNorm: arch.postNorms ? try vector(p + "post_ffw_norm.weight", c.dim) : nil,
            window: local ? c.slidingWindow : nil,
            rope: RoPE(
                dims: c.ropeDims, layout: arch.ropeLayout, base: local ? c.ropeBaseLocal : c.ropeBase,
                scale: c.ropeScale, factors: ropeFactors, mscale: c.ropeAttentionFactor))
    }
}

/// Which positions' logits a forward pass returns.
public enum LogitsMode: Sendable {
    /// Only the last token's logits: `[vocab]`.
    case last
    /// Every token's logits: `[tokens, vocab]`.
    case all
    /// No logits (prefill only).
    case none
}

/// A Llama-family transformer ready to run: RMSNorm, RoPE (llama.cpp's layout for GGUF
/// llama files), grouped-query attention, SwiGLU, and a tied or separate output head. Every
/// matmul goes through `Kernels.LinearWeights`; activations are f32.
public final class LlamaModel: @unchecked Sendable {
    /// Hyperparameters.
    public let config: LlamaConfig
    /// The weights this model was built from (metadata, tokenizer keys, tensors).
    public let weights: ModelWeights

    struct Layer {
        let attnNorm: [Float]        // [dim]
        let wq: LinearWeights        // [dim, dim]
        let wk: LinearWeights        // [kvDim, dim]
        let wv: LinearWeights        // [kvDim, dim]
        let wo: LinearWeights        // [dim, dim]
        let ffnNorm: [Float]         // [dim]
        let wGate: LinearWeights     // [ffnDim, dim]
        let wUp: LinearWeights       // [ffnDim, dim]
        let wDown: LinearWeights     // [dim, ffnDim]
    }

    let tokenEmbedding: WeightTensor // [dim, vocab] in GGUF order: one row of dim per token
    let layers: [Layer]
    let outputNorm: [Float]          // [dim]
    let output: LinearWeights        // [vocab, dim]

    /// Builds the model from `weights`, checking every tensor's presence and shape.
    ///
    /// - Throws: ``ModelError`` naming the source and the tensor or key at fault.
    public init(weights: ModelWeights) throws(ModelError) {
        let c = try LlamaConfig(weights: weights)
        config = c
        self.weights = weights
        let file = weights.source

        func tensor(_ name: String, _ shape: [Int]) throws(ModelError) -> WeightTensor {
            guard let t = weights[name] else { throw .missingTensor(file: file, name: name) }
            guard t.shape == shape else { throw .shapeMismatch(file: file, name: name, expected: shape, found: t.shape) }
            return t
        }
        func vector(_ name: String, _ n: Int) throws(ModelError) -> [Float] {
            try tensor(name, [n]).floats()
        }
        func linear(_ name: String, cols: Int, rows: Int) throws(ModelError) -> LinearWeights {
            try Self.linear(try tensor(name, [cols, rows]), file: file)
        }

        tokenEmbedding = try tensor("token_embd.weight", [c.dim, c.vocabSize])
        var layers: [Layer] = []
        for i in 0..<c.layers {
            let p = "blk.\(i)."
            layers.append(Layer(
                attnNorm: try vector(p + "attn_norm.weight", c.dim),
                wq: try linear(p + "attn_q.weight", cols: c.dim, rows: c.dim),
                wk: try linear(p + "attn_k.weight", cols: c.dim, rows: c.kvDim),
                wv: try linear(p + "attn_v.weight", cols: c.dim, rows: c.kvDim),
                wo: try linear(p + "attn_output.weight", cols: c.dim, rows: c.dim),
                ffnNorm: try vector(p + "ffn_norm.weight", c.dim),
                wGate: try linear(p + "ffn_gate.weight", cols: c.dim, rows: c.ffnDim),
                wUp: try linear(p + "ffn_up.weight", cols: c.dim, rows: c.ffnDim),
                wDown: try linear(p + "ffn_down.weight", cols: c.ffnDim, rows: c.dim)))
        }
        self.layers = layers
        outputNorm = try vector("output_norm.weight", c.dim)
        if weights["output.weight"] != nil {
            output = try linear("output.weight", cols: c.dim, rows: c.vocabSize)
        } else {
            output = try Self.linear(tokenEmbedding, file: file)
        }
    }

    private static func linear(_ t: WeightTensor, file: String) throws(ModelError) -> LinearWeights {
        do {
            return try LinearWeights(type: t.type, rows: t.rowCount, cols: t.rowLength, bytes: t.storage.bytes, owner: t.storage)
        } catch {
            throw .invalidTensor(file: file, name: t.name, reason: error.description)
        }
    }

    /// Whether any matmul quantizes its activations to Q8_0 (integer weight types do, as in
    /// ggml).
    public var quantizesActivations: Bool {
        output.quantizesActivations || layers.contains { l in
            [l.wq, l.wk, l.wv, l.wo, l.wGate, l.wUp, l.wDown].contains { $0.quantizesActivations }
        }
    }

    /// A fresh cache for up to `capacity` positions (default: the model's context length).
    public func makeCache(capacity: Int? = nil) -> KVCache {
        KVCache(layers: config.layers, kvDim: config.kvDim, capacity: capacity ?? config.contextLength)
    }

    /// Runs `tokens` at positions `cache.length ..< cache.length + tokens.count`, appending
    /// their keys and values to `cache`, and returns logits as `mode` asks.
    ///
    /// Prefill passes the whole prompt at once so that every matmul is a GEMM.
    ///
    /// - Throws: ``ModelError/tokenOutOfRange(token:vocabularySize:)`` or
    ///   ``ModelError/contextOverflow(needed:capacity:)``; the cache is unchanged then.
    public func forward(
        _ tokens: [Int32], cache: KVCache, logits mode: LogitsMode = .last, pool: ThreadPool? = nil
    ) throws(ModelError) -> [Float] {
        let c = config, T = tokens.count, start = cache.length
        guard T > 0 else { return [] }
        guard start + T <= cache.capacity else { throw .contextOverflow(needed: start + T, capacity: cache.capacity) }
        for t in tokens where t < 0 || Int(t) >= c.vocabSize { throw .tokenOutOfRange(token: t, vocabularySize: c.vocabSize) }
        let pool = pool ?? ThreadPool(threads: 1)
        let dim = c.dim, kvDim = c.kvDim, hd = c.headDim, ffn = c.ffnDim

        var x = [Float](repeating: 0, count: T * dim)      // [T, dim] residual stream
        var xn = [Float](repeating: 0, count: T * dim)     // [T, dim] normed
        var q = [Float](repeating: 0, count: T * dim)      // [T, dim]
        var k = [Float](repeating: 0, count: T * kvDim)    // [T, kvDim]
        var v = [Float](repeating: 0, count: T * kvDim)    // [T, kvDim]
        var att = [Float](repeating: 0, count: T * dim)    // [T, dim]
        var proj = [Float](repeating: 0, count: T * dim)   // [T, dim]
        var gate = [Float](repeating: 0, count: T * ffn)   // [T, ffn]
        var up = [Float](repeating: 0, count: T * ffn)     // [T, ffn]
        var scores = [Float](repeating: 0, count: pool.threadCount * (start + T))

        x.withUnsafeMutableBufferPointer { xb in
            for (t, tok) in tokens.enumerated() {
                tokenEmbedding.dequantizeRow(Int(tok), into: UnsafeMutableBufferPointer(rebasing: xb[(t * dim)..<((t + 1) * dim)]))
            }
        }

        for (l, layer) in layers.enumerated() {
            rmsNormRows(x, weight: layer.attnNorm, into: &xn, rows: T)
            matmul(layer.wq, xn, T, &q, pool)
            matmul(layer.wk, xn, T, &k, pool)
            matmul(layer.wv, xn, T, &v, pool)
            q.withUnsafeMutableBufferPointer { qb in
                k.withUnsafeMutableBufferPointer { kb in
                    v.withUnsafeBufferPointer { vb in
                        for t in 0..<T {
                            VectorOps.rope(UnsafeMutableBufferPointer(rebasing: qb[(t * dim)..<((t + 1) * dim)]),
                                           heads: c.heads, headDim: hd, position: start + t, freqBase: c.ropeBase)
                            VectorOps.rope(UnsafeMutableBufferPointer(rebasing: kb[(t * kvDim)..<((t + 1) * kvDim)]),
                                           heads: c.kvHeads, headDim: hd, position: start + t, freqBase: c.ropeBase)
                            let kr = cache.keyRow(l, start + t), vr = cache.valueRow(l, start + t)
                            for i in 0..<kvDim {
                                kr[i] = kb[t * kvDim + i]
                                vr[i] = vb[t * kvDim + i]
                            }
                        }
                    }
                }
            }
            attention(layer: l, q: q, tokens: T, start: start, cache: cache, out: &att, scores: &scores, pool: pool)
            matmul(layer.wo, att, T, &proj, pool)
            for i in 0..<(T * dim) { x[i] += proj[i] }

            rmsNormRows(x, weight: layer.ffnNorm, into: &xn, rows: T)
            matmul(layer.wGate, xn, T, &gate, pool)
            matmul(layer.wUp, xn, T, &up, pool)
            gate.withUnsafeMutableBufferPointer { g in up.withUnsafeBufferPointer { u in VectorOps.swiGLU(gate: g, up: u) } }
            matmul(layer.wDown, gate, T, &proj, pool)
            for i in 0..<(T * dim) { x[i] += proj[i] }
        }
        cache.length = start + T

        switch mode {
        case .none:
            return []
        case .last:
            let last = Array(x[((T - 1) * dim)..<(T * dim)])
            var normed = [Float](repeating: 0, count: dim)
            rmsNormRows(last, weight: outputNorm, into: &normed, rows: 1)
            var out = [Float](repeating: 0, count: c.vocabSize)
            matmul(output, normed, 1, &out, pool)
            return out
        case .all:
            rmsNormRows(x, weight: outputNorm, into: &xn, rows: T)
            var out = [Float](repeating: 0, count: T * c.vocabSize)
            matmul(output, xn, T, &out, pool)
            return out
        }
    }

    private func matmul(_ w: LinearWeights, _ x: [Float], _ tokens: Int, _ y: inout [Float], _ pool: ThreadPool) {
        x.withUnsafeBufferPointer { xb in
            y.withUnsafeMutableBufferPointer { yb in w.apply(xb, tokens: tokens, into: yb, pool: pool) }
        }
    }

    private func rmsNormRows(_ x: [Float], weight: [Float], into y: inout [Float], rows: Int) {
        let n = weight.count
        x.withUnsafeBufferPointer { xb in
            weight.withUnsafeBufferPointer { wb in
                y.withUnsafeMutableBufferPointer { yb in
                    for r in 0..<rows {
                        VectorOps.rmsNorm(UnsafeBufferPointer(rebasing: xb[(r * n)..<((r + 1) * n)]), weight: wb, eps: config.normEps,
                                          into: UnsafeMutableBufferPointer(rebasing: yb[(r * n)..<((r + 1) * n)]))
                    }
                }
            }
        }
    }

    private func attention(
        layer l: Int, q: [Float], tokens T: Int, start: Int, cache: KVCache, out: inout [Float], scores: inout [Float],
        pool: ThreadPool
    ) {
        let c = config, heads = c.heads, hd = c.headDim, dim = c.dim, stride = start + T
        let keys = UnsafeBufferPointer(start: cache.keyRow(l, 0), count: (start + T) * c.kvDim)
        let values = UnsafeBufferPointer(start: cache.valueRow(l, 0), count: (start + T) * c.kvDim)
        q.withUnsafeBufferPointer { qb in
            out.withUnsafeMutableBufferPointer { ob in
                scores.withUnsafeMutableBufferPointer { sb in
                    let ob = UncheckedSendable(ob), sb = UncheckedSendable(sb)
                    pool.parallelFor(T * heads) { range, thread in
                        let scratch = UnsafeMutableBufferPointer(rebasing: sb.value[(thread * stride)..<((thread + 1) * stride)])
                        for item in range {
                            let t = item / heads, h = item % heads
                            Attention.attendHead(
                                h, query: UnsafeBufferPointer(rebasing: qb[(t * dim)..<((t + 1) * dim)]),
                                keys: keys, values: values, positions: start + t + 1, heads: heads, kvHeads: c.kvHeads,
                                headDim: hd, out: UnsafeMutableBufferPointer(rebasing: ob.value[(t * dim)..<((t + 1) * dim)]),
                                scores: scratch)
                        }
                    }
                }
            }
        }
    }
}

/// Wraps a value whose concurrent use the caller has proven safe (disjoint writes).
struct UncheckedSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

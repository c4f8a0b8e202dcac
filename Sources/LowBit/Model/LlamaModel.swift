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
            guard t.type.isSupported else { throw .unsupportedTensorType(file: file, name: name, type: t.type) }
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
        try run(tokens, cache: cache, logits: mode, pool: pool, afterLayer: nil)
    }

    /// The logit lens: after every transformer block, the residual stream at the last of
    /// `tokens` is put through the final RMSNorm and the output head, as if the model ended
    /// there. Knowledge that unlearning only suppresses in the last layers still ranks high
    /// in the earlier rows (REFERENCE §2, probe 4).
    ///
    /// - Returns: `[layers][vocab]` logits; row `l` reads the stream after block `l`, so the
    ///   last row equals `forward(tokens, cache:, logits: .last)`.
    /// - Throws: as ``forward(_:cache:logits:pool:)``.
    public func logitLens(_ tokens: [Int32], cache: KVCache, pool: ThreadPool? = nil) throws(ModelError) -> [[Float]] {
        let dim = config.dim, vocab = config.vocabSize, eps = config.normEps
        let outputNorm = self.outputNorm, output = self.output
        var rows: [[Float]] = []
        rows.reserveCapacity(config.layers)
        var normed = [Float](repeating: 0, count: dim)
        _ = try run(tokens, cache: cache, logits: .none, pool: pool) { _, x, pool in
            let last = UnsafeBufferPointer(rebasing: x[(x.count - dim)..<x.count])
            normed.withUnsafeMutableBufferPointer { n in
                outputNorm.withUnsafeBufferPointer { w in VectorOps.rmsNorm(last, weight: w, eps: eps, into: n) }
            }
            rows.append([Float](unsafeUninitializedCapacity: vocab) { out, count in
                normed.withUnsafeBufferPointer { output.apply($0, tokens: 1, into: out, pool: pool) }
                count = vocab
            })
        }
        return rows
    }

    /// The forward pass; `afterLayer(l, x, pool)` sees the residual stream `x` ([tokens, dim])
    /// after block `l`.
    private func run(
        _ tokens: [Int32], cache: KVCache, logits mode: LogitsMode, pool: ThreadPool?,
        afterLayer: ((Int, UnsafeMutableBufferPointer<Float>, ThreadPool) -> Void)?
    ) throws(ModelError) -> [Float] {
        let c = config, T = tokens.count, start = cache.length
        guard T > 0 else { return [] }
        guard start + T <= cache.capacity else { throw .contextOverflow(needed: start + T, capacity: cache.capacity) }
        for t in tokens where t < 0 || Int(t) >= c.vocabSize { throw .tokenOutOfRange(token: t, vocabularySize: c.vocabSize) }
        let pool = pool ?? ThreadPool(threads: 1)
        let dim = c.dim, kvDim = c.kvDim, hd = c.headDim, ffn = c.ffnDim
        let s = cache.scratch(dim: dim, kvDim: kvDim, ffnDim: ffn)
        s.reserve(tokens: T, positions: start + T, threads: pool.threadCount)
        func rows(_ b: UnsafeMutableBufferPointer<Float>, _ width: Int) -> UnsafeMutableBufferPointer<Float> {
            UnsafeMutableBufferPointer(rebasing: b[0..<(T * width)])
        }
        let x = rows(s.x, dim), xn = rows(s.xn, dim), q = rows(s.q, dim), k = rows(s.k, kvDim), v = rows(s.v, kvDim)
        let att = rows(s.att, dim), proj = rows(s.proj, dim), gate = rows(s.gate, ffn), up = rows(s.up, ffn)

        for (t, tok) in tokens.enumerated() {
            tokenEmbedding.dequantizeRow(Int(tok), into: UnsafeMutableBufferPointer(rebasing: x[(t * dim)..<((t + 1) * dim)]))
        }

        for (l, layer) in layers.enumerated() {
            rmsNormRows(x, weight: layer.attnNorm, into: xn, rows: T, pool: pool)
            layer.wq.apply(UnsafeBufferPointer(xn), tokens: T, into: q, pool: pool)
            layer.wk.apply(UnsafeBufferPointer(xn), tokens: T, into: k, pool: pool)
            layer.wv.apply(UnsafeBufferPointer(xn), tokens: T, into: v, pool: pool)
            for t in 0..<T {
                VectorOps.rope(UnsafeMutableBufferPointer(rebasing: q[(t * dim)..<((t + 1) * dim)]),
                               heads: c.heads, headDim: hd, position: start + t, freqBase: c.ropeBase)
                VectorOps.rope(UnsafeMutableBufferPointer(rebasing: k[(t * kvDim)..<((t + 1) * kvDim)]),
                               heads: c.kvHeads, headDim: hd, position: start + t, freqBase: c.ropeBase)
            }
            cache.keyRow(l, start).update(from: k.baseAddress!, count: T * kvDim)
            cache.valueRow(l, start).update(from: v.baseAddress!, count: T * kvDim)
            attention(layer: l, q: UnsafeBufferPointer(q), tokens: T, start: start, cache: cache, out: att, scores: s.scores, pool: pool)
            layer.wo.apply(UnsafeBufferPointer(att), tokens: T, into: proj, pool: pool)
            VectorOps.add(UnsafeBufferPointer(proj), into: x)

            rmsNormRows(x, weight: layer.ffnNorm, into: xn, rows: T, pool: pool)
            layer.wGate.apply(UnsafeBufferPointer(xn), tokens: T, into: gate, pool: pool)
            layer.wUp.apply(UnsafeBufferPointer(xn), tokens: T, into: up, pool: pool)
            swiGLU(gate: gate, up: up, pool: pool)
            layer.wDown.apply(UnsafeBufferPointer(gate), tokens: T, into: proj, pool: pool)
            VectorOps.add(UnsafeBufferPointer(proj), into: x)
            afterLayer?(l, x, pool)
        }
        cache.length = start + T

        switch mode {
        case .none:
            return []
        case .last:
            let last = UnsafeMutableBufferPointer(rebasing: x[((T - 1) * dim)..<(T * dim)])
            let normed = UnsafeMutableBufferPointer(rebasing: xn[0..<dim])
            rmsNormRows(last, weight: outputNorm, into: normed, rows: 1, pool: pool)
            return [Float](unsafeUninitializedCapacity: c.vocabSize) { out, n in
                output.apply(UnsafeBufferPointer(normed), tokens: 1, into: out, pool: pool)
                n = c.vocabSize
            }
        case .all:
            rmsNormRows(x, weight: outputNorm, into: xn, rows: T, pool: pool)
            return [Float](unsafeUninitializedCapacity: T * c.vocabSize) { out, n in
                output.apply(UnsafeBufferPointer(xn), tokens: T, into: out, pool: pool)
                n = T * c.vocabSize
            }
        }
    }

    /// RMSNorm of each of `rows` rows of `x` into `y`, rows split over the pool.
    private func rmsNormRows(
        _ x: UnsafeMutableBufferPointer<Float>, weight: [Float], into y: UnsafeMutableBufferPointer<Float>, rows: Int,
        pool: ThreadPool
    ) {
        let n = weight.count, eps = config.normEps
        let xs = UncheckedBox(x), ys = UncheckedBox(y)
        weight.withUnsafeBufferPointer { wb in
            let work: (Range<Int>, Int) -> Void = { range, _ in
                for r in range {
                    VectorOps.rmsNorm(UnsafeBufferPointer(rebasing: xs.value[(r * n)..<((r + 1) * n)]), weight: wb, eps: eps,
                                      into: UnsafeMutableBufferPointer(rebasing: ys.value[(r * n)..<((r + 1) * n)]))
                }
            }
            if rows > 1 { pool.parallelFor(rows, work) } else { work(0..<rows, 0) }
        }
    }

    /// SwiGLU over `gate` and `up` in slices of 512 elements split over the pool.
    private func swiGLU(gate: UnsafeMutableBufferPointer<Float>, up: UnsafeMutableBufferPointer<Float>, pool: ThreadPool) {
        let slice = 512, count = gate.count
        let g = UncheckedBox(gate), u = UncheckedBox(up)
        pool.parallelFor((count + slice - 1) / slice) { range, _ in
            let lo = range.lowerBound * slice, hi = min(count, range.upperBound * slice)
            VectorOps.swiGLU(gate: UnsafeMutableBufferPointer(rebasing: g.value[lo..<hi]), up: UnsafeBufferPointer(rebasing: u.value[lo..<hi]))
        }
    }

    private func attention(
        layer l: Int, q: UnsafeBufferPointer<Float>, tokens T: Int, start: Int, cache: KVCache,
        out: UnsafeMutableBufferPointer<Float>, scores: UnsafeMutableBufferPointer<Float>, pool: ThreadPool
    ) {
        let c = config, heads = c.heads, hd = c.headDim, dim = c.dim, stride = start + T
        let keys = UnsafeBufferPointer(start: cache.keyRow(l, 0), count: (start + T) * c.kvDim)
        let values = UnsafeBufferPointer(start: cache.valueRow(l, 0), count: (start + T) * c.kvDim)
        let ob = UncheckedBox(out), sb = UncheckedBox(scores)
        pool.parallelFor(T * heads) { range, thread in
            let scratch = UnsafeMutableBufferPointer(rebasing: sb.value[(thread * stride)..<((thread + 1) * stride)])
            for item in range {
                let t = item / heads, h = item % heads
                Attention.attendHead(
                    h, query: UnsafeBufferPointer(rebasing: q[(t * dim)..<((t + 1) * dim)]),
                    keys: keys, values: values, positions: start + t + 1, heads: heads, kvHeads: c.kvHeads,
                    headDim: hd, out: UnsafeMutableBufferPointer(rebasing: ob.value[(t * dim)..<((t + 1) * dim)]),
                    scores: scratch)
            }
        }
    }
}

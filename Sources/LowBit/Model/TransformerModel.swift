import Foundation

/// The one forward pass of every family in ``Architecture/all``, following its description:
///
/// ```
/// x = embed(tokens) (· √dim)                                    [T, dim]
/// per block:
///   h = rmsnorm(x) · attn_norm
///   q, k, v = h·Wqᵀ (+b), h·Wkᵀ (+b), h·Wvᵀ (+b)                [T, qDim], [T, kvDim], [T, vDim]
///   q, k = rmsnorm per head (QK-norm); rope(q), rope(k)
///   a = attention(q, cache ∪ k, v; window, scale, soft-cap)     [T, heads·valueDim]
///   a = a·Woᵀ (+b) (→ rmsnorm · post_attention_norm)
///   x += a
///   h = rmsnorm(x) · ffn_norm
///   f = down(act(gate(h)) · up(h)) (→ rmsnorm · post_ffw_norm)   act: silu or gelu
///   x += f
/// logits = (rmsnorm(x) · output_norm)·Wheadᵀ (+b) (→ soft-cap)  [T, vocab]
/// ```
///
/// Every matmul goes through `Kernels.LinearWeights`; activations are f32.
public final class TransformerModel: LanguageModel, @unchecked Sendable {
    public let config: ModelConfig
    public let weights: ModelWeights
    /// The family description the forward pass follows.
    public let architecture: Architecture

    let tokenEmbedding: WeightTensor  // [dim, vocab] in GGUF order: one row of dim per token
    let layers: [TransformerLayer]
    let outputNorm: [Float]           // [dim]
    let output: LinearWeights         // [vocab, dim]
    let outputBias: [Float]?          // [vocab]

    /// Builds the model from `weights`, checking every tensor's presence, shape and type.
    ///
    /// - Throws: ``ModelError`` naming the source and the tensor or key at fault.
    public init(weights: ModelWeights) throws(ModelError) {
        let c = try ModelConfig(weights: weights)
        guard let arch = c.family else { throw .unsupportedArchitecture(file: weights.source, architecture: c.architecture) }
        config = c
        architecture = arch
        self.weights = weights
        let bind = TensorBinder(weights: weights)

        tokenEmbedding = try bind.tensor("token_embd.weight", [c.dim, c.vocabSize])
        // Llama 3.1 stores its RoPE factors once; Phi-3 has short and long ones (LowBit's
        // contexts stay within the original length, where llama.cpp uses the short ones).
        let factorNames = ["rope_freqs.weight", "rope_factors_short.weight", "rope_factors_long.weight"]
        var factors: [Float] = []
        if let name = factorNames.first(where: { bind[$0] != nil }) { factors = try bind.vector(name, c.ropeDims / 2) }
        var layers: [TransformerLayer] = []
        for l in 0..<c.layers { layers.append(try bind.layer(l, config: c, architecture: arch, ropeFactors: factors)) }
        self.layers = layers
        outputNorm = try bind.vector("output_norm.weight", c.dim)
        if arch.head == .outputOrTied, bind["output.weight"] != nil {
            output = try bind.linear("output.weight", cols: c.dim, rows: c.vocabSize)
            outputBias = try bind.optionalVector("output.bias", c.vocabSize)
        } else {
            output = try bind.linear(tokenEmbedding)
            outputBias = nil
        }
    }

    public var quantizesActivations: Bool {
        output.quantizesActivations || layers.contains { $0.matrices.contains(where: \.quantizesActivations) }
    }

    public func makeCache(capacity: Int? = nil) -> KVCache {
        KVCache(layers: config.layers, keyWidth: config.kvDim, valueWidth: config.vDim, capacity: capacity ?? config.contextLength)
    }

    public func forward(
        _ tokens: [Int32], cache: KVCache, logits mode: LogitsMode = .last, pool: ThreadPool? = nil
    ) throws(ModelError) -> [Float] {
        try run(tokens, cache: cache, logits: mode, pool: pool, afterLayer: nil)
    }

    public func logitLens(_ tokens: [Int32], cache: KVCache, pool: ThreadPool? = nil) throws(ModelError) -> [[Float]] {
        let dim = config.dim, eps = config.normEps, outputNorm = self.outputNorm
        var rows: [[Float]] = []
        rows.reserveCapacity(config.layers)
        var normed = [Float](repeating: 0, count: dim)
        _ = try run(tokens, cache: cache, logits: .none, pool: pool) { _, x, pool in
            let last = UnsafeBufferPointer(rebasing: x[(x.count - dim)..<x.count])
            normed.withUnsafeMutableBufferPointer { n in
                outputNorm.withUnsafeBufferPointer { w in VectorOps.rmsNorm(last, weight: w, eps: eps, into: n) }
            }
            rows.append(normed.withUnsafeBufferPointer { self.head($0, tokens: 1, pool: pool) })
        }
        return rows
    }

    /// The output head on `tokens` normed rows: logits with bias and soft-capping.
    private func head(_ x: UnsafeBufferPointer<Float>, tokens: Int, pool: ThreadPool) -> [Float] {
        let vocab = config.vocabSize
        return [Float](unsafeUninitializedCapacity: tokens * vocab) { out, n in
            output.apply(x, tokens: tokens, into: out, pool: pool)
            n = tokens * vocab
            if let b = outputBias { b.withUnsafeBufferPointer { VectorOps.addBias($0, toRows: UnsafeMutableBufferPointer(rebasing: out[0..<n])) } }
            if let cap = config.finalSoftcap { VectorOps.softcap(UnsafeMutableBufferPointer(rebasing: out[0..<n]), cap: cap) }
        }
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
        let fusedUp = architecture.feedForward == .fusedSwiGLU
        let s = cache.scratch(ForwardScratch.Widths(
            dim: c.dim, q: c.qDim, k: c.kvDim, v: c.vDim, att: c.heads * c.valueDim, ffn: c.ffnDim,
            up: fusedUp ? 2 * c.ffnDim : c.ffnDim))
        s.reserve(tokens: T, positions: start + T, threads: pool.threadCount)
        func rows(_ b: UnsafeMutableBufferPointer<Float>, _ width: Int) -> UnsafeMutableBufferPointer<Float> {
            UnsafeMutableBufferPointer(rebasing: b[0..<(T * width)])
        }
        let x = rows(s.x, c.dim), xn = rows(s.xn, c.dim), proj = rows(s.proj, c.dim)
        let q = rows(s.q, c.qDim), k = rows(s.k, c.kvDim), v = rows(s.v, c.vDim)
        let att = rows(s.att, c.heads * c.valueDim), gate = rows(s.gate, c.ffnDim)
        let up = rows(s.up, fusedUp ? 2 * c.ffnDim : c.ffnDim)

        for (t, tok) in tokens.enumerated() {
            tokenEmbedding.dequantizeRow(Int(tok), into: UnsafeMutableBufferPointer(rebasing: x[(t * c.dim)..<((t + 1) * c.dim)]))
        }
        if architecture.scalesEmbeddings { VectorOps.scale(x, by: Float(c.dim).squareRoot()) }

        for (l, layer) in layers.enumerated() {
            rmsNormRows(x, weight: layer.attnNorm, into: xn, pool: pool)
            linear(layer.wq, layer.bq, xn, into: q, tokens: T, pool: pool)
            linear(layer.wk, layer.bk, xn, into: k, tokens: T, pool: pool)
            linear(layer.wv, layer.bv, xn, into: v, tokens: T, pool: pool)
            if let qn = layer.qNorm, let kn = layer.kNorm {
                rmsNormRows(q, weight: qn, into: q, pool: pool)
                rmsNormRows(k, weight: kn, into: k, pool: pool)
            }
            applyRoPE(layer.rope, q: q, k: k, tokens: T, start: start)
            cache.keyRow(l, start).update(from: k.baseAddress!, count: T * c.kvDim)
            cache.valueRow(l, start).update(from: v.baseAddress!, count: T * c.vDim)
            attention(layer: l, window: layer.window, q: UnsafeBufferPointer(q), tokens: T, start: start, cache: cache,
                      out: att, scores: s.scores, pool: pool)
            linear(layer.wo, layer.bo, att, into: proj, tokens: T, pool: pool)
            if let post = layer.attnPostNorm { rmsNormRows(proj, weight: post, into: proj, pool: pool) }
            VectorOps.add(UnsafeBufferPointer(proj), into: x)

            rmsNormRows(x, weight: layer.ffnNorm, into: xn, pool: pool)
            if let wGate = layer.wGate { linear(wGate, layer.bGate, xn, into: gate, tokens: T, pool: pool) }
            linear(layer.wUp, layer.bUp, xn, into: up, tokens: T, pool: pool)
            activate(gate: gate, up: up, tokens: T, pool: pool)
            linear(layer.wDown, layer.bDown, gate, into: proj, tokens: T, pool: pool)
            if let post = layer.ffnPostNorm { rmsNormRows(proj, weight: post, into: proj, pool: pool) }
            VectorOps.add(UnsafeBufferPointer(proj), into: x)
            afterLayer?(l, x, pool)
        }
        cache.length = start + T

        switch mode {
        case .none:
            return []
        case .last:
            let last = UnsafeMutableBufferPointer(rebasing: x[((T - 1) * c.dim)..<(T * c.dim)])
            let normed = UnsafeMutableBufferPointer(rebasing: xn[0..<c.dim])
            rmsNormRows(last, weight: outputNorm, into: normed, pool: pool)
            return head(UnsafeBufferPointer(normed), tokens: 1, pool: pool)
        case .all:
            rmsNormRows(x, weight: outputNorm, into: xn, pool: pool)
            return head(UnsafeBufferPointer(xn), tokens: T, pool: pool)
        }
    }

    /// `y = x·Wᵀ (+ bias)` for `tokens` rows.
    private func linear(
        _ w: LinearWeights, _ bias: [Float]?, _ x: UnsafeMutableBufferPointer<Float>,
        into y: UnsafeMutableBufferPointer<Float>, tokens: Int, pool: ThreadPool
    ) {
        w.apply(UnsafeBufferPointer(x), tokens: tokens, into: y, pool: pool)
        if let bias { bias.withUnsafeBufferPointer { VectorOps.addBias($0, toRows: y) } }
    }

    /// RMSNorm of each `weight.count`-wide row of `x` into `y` (which may be `x`), rows
    /// split over the pool. Per-head norms pass `[headDim]` weights over `[T, heads·headDim]`.
    private func rmsNormRows(
        _ x: UnsafeMutableBufferPointer<Float>, weight: [Float], into y: UnsafeMutableBufferPointer<Float>, pool: ThreadPool
    ) {
        let n = weight.count, rows = x.count / n, eps = config.normEps
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

    /// RoPE on the queries and keys of `tokens` rows at positions `start…`.
    private func applyRoPE(
        _ rope: RoPE, q: UnsafeMutableBufferPointer<Float>, k: UnsafeMutableBufferPointer<Float>, tokens T: Int, start: Int
    ) {
        let c = config
        withUnsafeTemporaryAllocation(of: Float.self, capacity: max(2, c.ropeDims)) { cache in
            for t in 0..<T {
                rope.angles(position: start + t, into: cache)
                let angles = UnsafeBufferPointer(cache)
                rope.apply(UnsafeMutableBufferPointer(rebasing: q[(t * c.qDim)..<((t + 1) * c.qDim)]),
                           heads: c.heads, headDim: c.headDim, cache: angles)
                rope.apply(UnsafeMutableBufferPointer(rebasing: k[(t * c.kvDim)..<((t + 1) * c.kvDim)]),
                           heads: c.kvHeads, headDim: c.headDim, cache: angles)
            }
        }
    }

    /// The gated activation into `gate`: `act(gate) · up`, or for a fused projection
    /// `silu(up[:, :ffn]) · up[:, ffn:]`; slices of 512 elements split over the pool.
    private func activate(gate: UnsafeMutableBufferPointer<Float>, up: UnsafeMutableBufferPointer<Float>, tokens T: Int, pool: ThreadPool) {
        let ffn = config.ffnDim, kind = architecture.feedForward
        let g = UncheckedBox(gate), u = UncheckedBox(up)
        if kind == .fusedSwiGLU {
            pool.parallelFor(T) { range, _ in
                for t in range {
                    let out = UnsafeMutableBufferPointer(rebasing: g.value[(t * ffn)..<((t + 1) * ffn)])
                    out.update(fromContentsOf: u.value[(2 * t * ffn)..<((2 * t + 1) * ffn)])
                    VectorOps.swiGLU(gate: out, up: UnsafeBufferPointer(rebasing: u.value[((2 * t + 1) * ffn)..<((2 * t + 2) * ffn)]))
                }
            }
            return
        }
        let slice = 512, count = gate.count
        pool.parallelFor((count + slice - 1) / slice) { range, _ in
            let lo = range.lowerBound * slice, hi = min(count, range.upperBound * slice)
            let gs = UnsafeMutableBufferPointer(rebasing: g.value[lo..<hi]), us = UnsafeBufferPointer(rebasing: u.value[lo..<hi])
            if kind == .geGLU { VectorOps.geluGLU(gate: gs, up: us) } else { VectorOps.swiGLU(gate: gs, up: us) }
        }
    }

    private func attention(
        layer l: Int, window: Int?, q: UnsafeBufferPointer<Float>, tokens T: Int, start: Int, cache: KVCache,
        out: UnsafeMutableBufferPointer<Float>, scores: UnsafeMutableBufferPointer<Float>, pool: ThreadPool
    ) {
        let c = config, heads = c.heads, stride = start + T, qDim = c.qDim, oDim = heads * c.valueDim
        let settings = Attention.Settings(
            heads: heads, kvHeads: c.kvHeads, keyDim: c.headDim, valueDim: c.valueDim,
            scale: c.attentionScale, softcap: c.attentionSoftcap)
        let keys = UnsafeBufferPointer(start: cache.keyRow(l, 0), count: (start + T) * c.kvDim)
        let values = UnsafeBufferPointer(start: cache.valueRow(l, 0), count: (start + T) * c.vDim)
        let ob = UncheckedBox(out), sb = UncheckedBox(scores)
        pool.parallelFor(T * heads) { range, thread in
            let scratch = UnsafeMutableBufferPointer(rebasing: sb.value[(thread * stride)..<((thread + 1) * stride)])
            for item in range {
                let t = item / heads, h = item % heads
                let position = start + t
                // llama.cpp's standard window: key p is visible from query i when i − p < window.
                let first = window.map { max(0, position - $0 + 1) } ?? 0
                Attention.attendHead(
                    h, query: UnsafeBufferPointer(rebasing: q[(t * qDim)..<((t + 1) * qDim)]),
                    keys: keys, values: values, first: first, positions: position + 1, settings: settings,
                    out: UnsafeMutableBufferPointer(rebasing: ob.value[(t * oDim)..<((t + 1) * oDim)]),
                    scores: scratch)
            }
        }
    }
}

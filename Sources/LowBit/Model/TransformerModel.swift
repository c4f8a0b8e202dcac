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
    /// LLM.int8()'s outlier threshold when the inputs of the block matrices are quantized
    /// that way (`lowbit.quantization.activation_scheme = llm.int8`), else `nil`.
    let int8Threshold: Float?

    /// Row width of the forward pass's `up` scratch: the up projection (`2 · ffn` when it
    /// holds [gate; up]), or a stacked q/k/v product when that is wider.
    let upWidth: Int

    /// Builds the model from `weights`, checking every tensor's presence, shape and type.
    ///
    /// - Parameter stackProjections: Multiply same-typed q/k/v and gate/up matrices as one
    ///   matrix each (``TensorBinder/stacked(_:)``); the results are bit for bit the same.
    /// - Throws: ``ModelError`` naming the source and the tensor or key at fault.
    public init(weights: ModelWeights, stackProjections: Bool = true) throws(ModelError) {
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
        for l in 0..<c.layers {
            layers.append(try bind.layer(l, config: c, architecture: arch, ropeFactors: factors, stack: stackProjections))
        }
        self.layers = layers
        let stackedQKV = layers.contains { if case .stacked = $0.qkv { true } else { false } }
        upWidth = max(layers.contains { $0.wGate == nil } ? 2 * c.ffnDim : c.ffnDim,
                      stackedQKV ? c.qDim + c.kvDim + c.vDim : 0)
        outputNorm = try bind.vector("output_norm.weight", c.dim)
        if arch.head == .outputOrTied, bind["output.weight"] != nil {
            output = try bind.linear("output.weight", cols: c.dim, rows: c.vocabSize)
            outputBias = try bind.optionalVector("output.bias", c.vocabSize)
        } else {
            output = try bind.linear(tokenEmbedding)
            outputBias = nil
        }
        switch weights.metadata["lowbit.quantization.activation_scheme"] {
        case nil:
            int8Threshold = nil
        case .string(LLMInt8.activationScheme)?:
            guard case let .float32(t)? = weights.metadata["lowbit.quantization.outlier_threshold"], t > 0 else {
                throw .invalidMetadata(file: weights.source, key: "lowbit.quantization.outlier_threshold", reason: "expected a positive float32")
            }
            int8Threshold = t
        case let other?:
            throw .invalidMetadata(file: weights.source, key: "lowbit.quantization.activation_scheme",
                                   reason: "unknown activation scheme \(other) (LowBit knows '\(LLMInt8.activationScheme)')")
        }
    }

    public var quantizesActivations: Bool {
        int8Threshold != nil || output.quantizesActivations || layers.contains { $0.matrices.contains(where: \.quantizesActivations) }
    }

    public func makeCache(capacity: Int? = nil) -> KVCache {
        KVCache(layers: config.layers, keyWidth: config.kvDim, valueWidth: config.vDim, capacity: capacity ?? config.contextLength)
    }

    public func forward(
        _ tokens: [Int32], cache: KVCache, logits mode: LogitsMode = .last, pool: ThreadPool? = nil
    ) throws(ModelError) -> [Float] {
        try run([BatchSequence(tokens: tokens, cache: cache)], logits: mode, pool: pool, afterLayer: nil).first ?? []
    }

    public func forward(batch: [BatchSequence], logits mode: LogitsMode, pool: ThreadPool?) throws(ModelError) -> [[Float]] {
        try run(batch, logits: mode, pool: pool, afterLayer: nil)
    }

    public func logitLens(_ tokens: [Int32], cache: KVCache, pool: ThreadPool? = nil) throws(ModelError) -> [[Float]] {
        let dim = config.dim, eps = config.normEps, outputNorm = self.outputNorm
        var rows: [[Float]] = []
        rows.reserveCapacity(config.layers)
        var normed = [Float](repeating: 0, count: dim)
        _ = try run([BatchSequence(tokens: tokens, cache: cache)], logits: .none, pool: pool) { _, x, pool in
            let last = UnsafeBufferPointer(rebasing: x[(x.count - dim)..<x.count])
            normed.withUnsafeMutableBufferPointer { n in
                outputNorm.withUnsafeBufferPointer { w in VectorOps.rmsNorm(last, weight: w, eps: eps, into: n) }
            }
            rows.append(normed.withUnsafeBufferPointer { self.head($0, runs: [Run(rows: 0..<1, single: true)], pool: pool) })
        }
        return rows
    }

    /// Runs `tokens` from position 0 through block `observer.layer` only, handing `observer`
    /// the inputs of that block's linear layers (for GPTQ's Hessians and AWQ's statistics).
    public func observeLinearInputs(_ tokens: [Int32], observer: any LinearInputObserver, pool: ThreadPool? = nil) throws(ModelError) {
        guard (0..<config.layers).contains(observer.layer) else { return }
        let cache = makeCache(capacity: tokens.count)
        _ = try run([BatchSequence(tokens: tokens, cache: cache)], logits: .none, pool: pool, afterLayer: nil, observer: observer)
    }

    /// The output head on normed rows (in `runs`): logits with bias and soft-capping.
    private func head(_ x: UnsafeBufferPointer<Float>, runs: [Run], pool: ThreadPool) -> [Float] {
        let vocab = config.vocabSize, tokens = runs.last?.rows.upperBound ?? 0
        return [Float](unsafeUninitializedCapacity: tokens * vocab) { out, n in
            project(output, nil, UnsafeMutableBufferPointer(mutating: x), into: out, runs: runs, pool: pool)
            n = tokens * vocab
            if let b = outputBias { b.withUnsafeBufferPointer { VectorOps.addBias($0, toRows: UnsafeMutableBufferPointer(rebasing: out[0..<n])) } }
            if let cap = config.finalSoftcap { VectorOps.softcap(UnsafeMutableBufferPointer(rebasing: out[0..<n]), cap: cap) }
        }
    }

    /// Consecutive rows of a batch that are multiplied together: the rows of sequences
    /// with one token each (`single`: every row as its own GEMV computes it, so a decode
    /// step gives the same bits batched or alone), or the rows of sequences with several
    /// (the GEMM, whose result for a row does not depend on the rows beside it).
    struct Run {
        var rows: Range<Int>
        var single: Bool
    }

    /// Groups the sequences (by their row counts, in order) into ``Run``s.
    static func runs(_ counts: [Int]) -> [Run] {
        var runs: [Run] = [], row = 0
        for n in counts {
            let single = n == 1
            if let last = runs.last, last.single == single, last.rows.upperBound == row {
                runs[runs.count - 1].rows = last.rows.lowerBound..<(row + n)
            } else {
                runs.append(Run(rows: row..<(row + n), single: single))
            }
            row += n
        }
        return runs
    }

    /// The forward pass over a batch of independent sequences, whose rows are stacked in
    /// order; `afterLayer(l, x, pool)` sees the residual stream `x` ([rows, dim]) after block
    /// `l`. Each sequence's results are bit for bit those of running it alone.
    private func run(
        _ batch: [BatchSequence], logits mode: LogitsMode, pool: ThreadPool?,
        afterLayer: ((Int, UnsafeMutableBufferPointer<Float>, ThreadPool) -> Void)?,
        observer: (any LinearInputObserver)? = nil
    ) throws(ModelError) -> [[Float]] {
        let c = config
        var seen = Set<ObjectIdentifier>()
        for item in batch {
            let start = item.cache.length, n = item.tokens.count
            guard seen.insert(ObjectIdentifier(item.cache)).inserted else { throw .cacheSharedInBatch }
            guard start + n <= item.cache.capacity else { throw .contextOverflow(needed: start + n, capacity: item.cache.capacity) }
            for t in item.tokens where t < 0 || Int(t) >= c.vocabSize { throw .tokenOutOfRange(token: t, vocabularySize: c.vocabSize) }
        }
        let live = batch.filter { !$0.tokens.isEmpty }
        guard let first = live.first else { return batch.map { _ in [] } }
        let counts = live.map(\.tokens.count), starts = live.map(\.cache.length)
        var offsets: [Int] = [], T = 0
        for n in counts { offsets.append(T); T += n }
        let runs = Self.runs(counts)
        // Per row: its sequence and its position.
        var sequenceOf = [Int](repeating: 0, count: T), positionOf = [Int](repeating: 0, count: T)
        for (i, n) in counts.enumerated() {
            for j in 0..<n { sequenceOf[offsets[i] + j] = i; positionOf[offsets[i] + j] = starts[i] + j }
        }
        let positions = zip(starts, counts).map { $0 + $1 }.max() ?? 0

        let pool = pool ?? ThreadPool(threads: 1)
        let s = first.cache.scratch(ForwardScratch.Widths(
            dim: c.dim, q: c.qDim, k: c.kvDim, v: c.vDim, att: c.heads * c.valueDim, ffn: c.ffnDim, up: upWidth))
        // Each attention work item scores one key/value group: its heads' rows of `positions`.
        let scoreRow = c.heads / c.kvHeads * positions
        s.reserve(tokens: T, positions: scoreRow, threads: pool.threadCount)
        func rows(_ b: UnsafeMutableBufferPointer<Float>, _ width: Int) -> UnsafeMutableBufferPointer<Float> {
            UnsafeMutableBufferPointer(rebasing: b[0..<(T * width)])
        }
        let x = rows(s.x, c.dim), xn = rows(s.xn, c.dim), proj = rows(s.proj, c.dim)
        let q = rows(s.q, c.qDim), k = rows(s.k, c.kvDim), v = rows(s.v, c.vDim)
        let att = rows(s.att, c.heads * c.valueDim), gate = rows(s.gate, c.ffnDim)
        let tokens = live.flatMap(\.tokens)

        for (t, tok) in tokens.enumerated() {
            tokenEmbedding.dequantizeRow(Int(tok), into: UnsafeMutableBufferPointer(rebasing: x[(t * c.dim)..<((t + 1) * c.dim)]))
        }
        if architecture.scalesEmbeddings { VectorOps.scale(x, by: Float(c.dim).squareRoot()) }

        for (l, layer) in layers.enumerated() {
            let watch = observer.flatMap { $0.layer == l ? $0 : nil }
            rmsNormRows(x, weight: layer.attnNorm, into: xn, pool: pool)
            quantizeInput(xn, width: c.dim)
            watch?.observe(.attention, rows: UnsafeBufferPointer(xn), width: c.dim)
            switch layer.qkv {
            case let .separate(wq, wk, wv):
                project(wq, layer.bq, xn, into: q, runs: runs, pool: pool)
                project(wk, layer.bk, xn, into: k, runs: runs, pool: pool)
                project(wv, layer.bv, xn, into: v, runs: runs, pool: pool)
            case let .stacked(w):
                // One product into the (not yet used) up scratch, then each row split.
                let out = rows(s.up, w.rows)
                project(w, nil, xn, into: out, runs: runs, pool: pool)
                split(out, width: w.rows, into: [(q, c.qDim, layer.bq), (k, c.kvDim, layer.bk), (v, c.vDim, layer.bv)], tokens: T)
            }
            if let qn = layer.qNorm, let kn = layer.kNorm {
                rmsNormRows(q, weight: qn, into: q, pool: pool)
                rmsNormRows(k, weight: kn, into: k, pool: pool)
            }
            applyRoPE(layer.rope, q: q, k: k, positions: positionOf)
            for (i, item) in live.enumerated() {
                item.cache.keyRow(l, starts[i]).update(from: k.baseAddress! + offsets[i] * c.kvDim, count: counts[i] * c.kvDim)
                item.cache.valueRow(l, starts[i]).update(from: v.baseAddress! + offsets[i] * c.vDim, count: counts[i] * c.vDim)
            }
            attention(layer: l, window: layer.window, q: UnsafeBufferPointer(q), caches: live.map(\.cache),
                      sequenceOf: sequenceOf, positionOf: positionOf, stride: scoreRow, out: att, scores: s.scores, pool: pool)
            quantizeInput(att, width: c.heads * c.valueDim)
            watch?.observe(.attentionOutput, rows: UnsafeBufferPointer(att), width: c.heads * c.valueDim)
            project(layer.wo, layer.bo, att, into: proj, runs: runs, pool: pool)
            if let post = layer.attnPostNorm { rmsNormRows(proj, weight: post, into: proj, pool: pool) }
            VectorOps.add(UnsafeBufferPointer(proj), into: x)

            rmsNormRows(x, weight: layer.ffnNorm, into: xn, pool: pool)
            quantizeInput(xn, width: c.dim)
            watch?.observe(.feedForward, rows: UnsafeBufferPointer(xn), width: c.dim)
            let up = rows(s.up, layer.wUp.rows)
            if let wGate = layer.wGate { project(wGate, layer.bGate, xn, into: gate, runs: runs, pool: pool) }
            project(layer.wUp, layer.bUp, xn, into: up, runs: runs, pool: pool)
            activate(gate: gate, up: up, stacked: layer.wGate == nil, tokens: T, pool: pool)
            quantizeInput(gate, width: c.ffnDim)
            watch?.observe(.feedForwardDown, rows: UnsafeBufferPointer(gate), width: c.ffnDim)
            project(layer.wDown, layer.bDown, gate, into: proj, runs: runs, pool: pool)
            if let post = layer.ffnPostNorm { rmsNormRows(proj, weight: post, into: proj, pool: pool) }
            VectorOps.add(UnsafeBufferPointer(proj), into: x)
            afterLayer?(l, x, pool)
            if watch != nil { break }
        }
        for (i, item) in live.enumerated() { item.cache.length = starts[i] + counts[i] }

        var outputs: [[Float]]
        let vocab = c.vocabSize
        switch observer == nil ? mode : .none {
        case .none:
            outputs = live.map { _ in [] }
        case .last:
            // Each sequence's last row, normed into consecutive rows of xn: all single rows.
            for (i, n) in counts.enumerated() {
                let r = offsets[i] + n - 1
                rmsNormRows(UnsafeMutableBufferPointer(rebasing: x[(r * c.dim)..<((r + 1) * c.dim)]), weight: outputNorm,
                            into: UnsafeMutableBufferPointer(rebasing: xn[(i * c.dim)..<((i + 1) * c.dim)]), pool: pool)
            }
            let all = head(UnsafeBufferPointer(rebasing: xn[0..<(live.count * c.dim)]),
                           runs: [Run(rows: 0..<live.count, single: true)], pool: pool)
            outputs = live.count == 1 ? [all] : (0..<live.count).map { Array(all[($0 * vocab)..<(($0 + 1) * vocab)]) }
        case .all:
            rmsNormRows(x, weight: outputNorm, into: xn, pool: pool)
            let all = head(UnsafeBufferPointer(xn), runs: runs, pool: pool)
            // One sequence owns every row: hand the buffer over rather than copy it (a
            // 250-token PrivLeak text's logits are 32 MB).
            outputs = live.count == 1
                ? [all] : (0..<live.count).map { Array(all[(offsets[$0] * vocab)..<((offsets[$0] + counts[$0]) * vocab)]) }
        }
        // Back in the order of `batch`, with [] for empty sequences.
        var next = 0
        return batch.map { item in
            guard !item.tokens.isEmpty else { return [] }
            defer { next += 1 }
            return outputs[next]
        }
    }

    /// The activation rule of the block matrices' inputs (LLM.int8()), applied in place.
    private func quantizeInput(_ x: UnsafeMutableBufferPointer<Float>, width: Int) {
        if let t = int8Threshold { LLMInt8Activations.apply(x, width: width, threshold: t) }
    }

    /// `y = x·Wᵀ (+ bias)` over the rows of `runs`.
    private func project(
        _ w: LinearWeights, _ bias: [Float]?, _ x: UnsafeMutableBufferPointer<Float>,
        into y: UnsafeMutableBufferPointer<Float>, runs: [Run], pool: ThreadPool
    ) {
        for run in runs {
            let xs = UnsafeBufferPointer(rebasing: x[(run.rows.lowerBound * w.cols)..<(run.rows.upperBound * w.cols)])
            let ys = UnsafeMutableBufferPointer(rebasing: y[(run.rows.lowerBound * w.rows)..<(run.rows.upperBound * w.rows)])
            if run.single {
                w.applyEach(xs, tokens: run.rows.count, into: ys, pool: pool)
            } else {
                w.apply(xs, tokens: run.rows.count, into: ys, pool: pool)
            }
        }
        if let bias {
            let n = (runs.last?.rows.upperBound ?? 0) * w.rows
            bias.withUnsafeBufferPointer { VectorOps.addBias($0, toRows: UnsafeMutableBufferPointer(rebasing: y[0..<n])) }
        }
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

    /// RoPE on the queries and keys of each row at its position.
    private func applyRoPE(
        _ rope: RoPE, q: UnsafeMutableBufferPointer<Float>, k: UnsafeMutableBufferPointer<Float>, positions: [Int]
    ) {
        let c = config
        withUnsafeTemporaryAllocation(of: Float.self, capacity: max(2, c.ropeDims)) { cache in
            for (t, position) in positions.enumerated() {
                rope.angles(position: position, into: cache)
                let angles = UnsafeBufferPointer(cache)
                rope.apply(UnsafeMutableBufferPointer(rebasing: q[(t * c.qDim)..<((t + 1) * c.qDim)]),
                           heads: c.heads, headDim: c.headDim, cache: angles)
                rope.apply(UnsafeMutableBufferPointer(rebasing: k[(t * c.kvDim)..<((t + 1) * c.kvDim)]),
                           heads: c.kvHeads, headDim: c.headDim, cache: angles)
            }
        }
    }

    /// Rows of `out` (`[tokens, width]`) cut into consecutive column ranges, each copied
    /// into its buffer's rows and given its bias: a stacked projection's parts.
    private func split(
        _ out: UnsafeMutableBufferPointer<Float>, width: Int,
        into parts: [(UnsafeMutableBufferPointer<Float>, Int, [Float]?)], tokens T: Int
    ) {
        var column = 0
        for (dst, n, bias) in parts {
            for t in 0..<T {
                (dst.baseAddress! + t * n).update(from: out.baseAddress! + t * width + column, count: n)
            }
            if let bias {
                bias.withUnsafeBufferPointer { VectorOps.addBias($0, toRows: UnsafeMutableBufferPointer(rebasing: dst[0..<(T * n)])) }
            }
            column += n
        }
    }

    /// The gated activation into `gate`: `act(gate) · up`, or for a fused or stacked
    /// projection `silu(up[:, :ffn]) · up[:, ffn:]`; slices of 512 elements split over the pool.
    private func activate(
        gate: UnsafeMutableBufferPointer<Float>, up: UnsafeMutableBufferPointer<Float>, stacked: Bool, tokens T: Int,
        pool: ThreadPool
    ) {
        let ffn = config.ffnDim, kind = architecture.feedForward
        let g = UncheckedBox(gate), u = UncheckedBox(up)
        if stacked {
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

    /// Attention of every row and head over its own sequence's cache (`stride`: the width of
    /// each thread's score scratch, a key/value group's heads times the longest sequence's
    /// positions).
    private func attention(
        layer l: Int, window: Int?, q: UnsafeBufferPointer<Float>, caches: [KVCache], sequenceOf: [Int], positionOf: [Int],
        stride: Int, out: UnsafeMutableBufferPointer<Float>, scores: UnsafeMutableBufferPointer<Float>, pool: ThreadPool
    ) {
        let c = config, heads = c.heads, qDim = c.qDim, oDim = heads * c.valueDim, T = positionOf.count
        let settings = Attention.Settings(
            heads: heads, kvHeads: c.kvHeads, keyDim: c.headDim, valueDim: c.valueDim,
            scale: c.attentionScale, softcap: c.attentionSoftcap)
        let ob = UncheckedBox(out), sb = UncheckedBox(scores), groups = c.kvHeads
        // One work item per token and key/value group: the group's heads read each cached row once.
        pool.parallelFor(T * groups) { range, thread in
            let scratch = UnsafeMutableBufferPointer(rebasing: sb.value[(thread * stride)..<((thread + 1) * stride)])
            for item in range {
                let t = item / groups, g = item % groups
                let position = positionOf[t], cache = caches[sequenceOf[t]]
                let keys = UnsafeBufferPointer(start: cache.keyRow(l, 0), count: (position + 1) * c.kvDim)
                let values = UnsafeBufferPointer(start: cache.valueRow(l, 0), count: (position + 1) * c.vDim)
                // llama.cpp's standard window: key p is visible from query i when i − p < window.
                let first = window.map { max(0, position - $0 + 1) } ?? 0
                Attention.attendGroup(
                    g, query: UnsafeBufferPointer(rebasing: q[(t * qDim)..<((t + 1) * qDim)]),
                    keys: keys, values: values, first: first, positions: position + 1, settings: settings,
                    out: UnsafeMutableBufferPointer(rebasing: ob.value[(t * oDim)..<((t + 1) * oDim)]),
                    scores: scratch)
            }
        }
    }
}

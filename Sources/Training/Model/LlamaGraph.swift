import Kernels

/// The differentiable Llama: a forward pass over a batch of packed sequences that keeps
/// its activations, and an explicit reverse-mode backward pass (llama2.c / llm.c style).
///
/// One graph is a reusable workspace for one shape. Call `forward(_:sequences:)`, read or
/// score the logits (see `LlamaGraph+Losses.swift`, which also fills the logit gradients),
/// then call `backward(_:into:)` to add the parameter gradients into a flat buffer laid out
/// like `LlamaParameters.values`. Not thread-safe; it uses its own thread pool inside.
public final class LlamaGraph {
    /// The model's sizes.
    public let shape: LlamaShape
    let layout: ParameterLayout
    let pool: ThreadPool
    let rope: RoPETable

    var batch = PackedBatch.empty
    var geometry = AttentionGeometry(heads: 1, kvHeads: 1, headDim: 2, offsets: [], lengths: [])

    // Activations kept for the backward pass, one set per layer. Rows are packed tokens.
    var xIn: [FloatBuffer] = []  // [rows, dim] residual stream entering the block
    var invA: [FloatBuffer] = []  // [rows] 1/rms of the attention norm
    var xnA: [FloatBuffer] = []  // [rows, dim] attention norm output
    var q: [FloatBuffer] = []  // [rows, dim] queries after RoPE
    var k: [FloatBuffer] = []  // [rows, kvDim] keys after RoPE
    var v: [FloatBuffer] = []  // [rows, kvDim] values
    var probs: [FloatBuffer] = []  // per sequence [heads, T, T] causal softmax
    var attn: [FloatBuffer] = []  // [rows, dim] attention output before attn_output
    var xMid: [FloatBuffer] = []  // [rows, dim] residual after attention
    var invF: [FloatBuffer] = []  // [rows] 1/rms of the FFN norm
    var xnF: [FloatBuffer] = []  // [rows, dim] FFN norm output
    var gate: [FloatBuffer] = []  // [rows, ffn] gate pre-activation
    var up: [FloatBuffer] = []  // [rows, ffn] up projection
    var hAct: [FloatBuffer] = []  // [rows, ffn] silu(gate)·up
    let xOut = FloatBuffer()  // [rows, dim] residual after the last block
    let invOut = FloatBuffer()  // [rows]
    let xnOut = FloatBuffer()  // [rows, dim] final norm output
    let logitBuffer = FloatBuffer()  // [rows, vocab]
    let dLogitBuffer = FloatBuffer()  // [rows, vocab] ∂loss/∂logits, filled by the losses

    // Backward scratch, reused across layers.
    let dx = FloatBuffer()  // [rows, dim] gradient of the residual stream
    let dxn = FloatBuffer()  // [rows, dim]
    let dq = FloatBuffer(), dk = FloatBuffer(), dv = FloatBuffer(), dAttn = FloatBuffer()
    let dGate = FloatBuffer(), dUp = FloatBuffer(), dH = FloatBuffer()
    let scratch = FloatBuffer()  // transposes

    /// Creates a workspace.
    ///
    /// - Parameters:
    ///   - shape: the model's sizes.
    ///   - threads: threads used by every kernel (results do not depend on it).
    /// - Throws: `TrainingError.invalidShape` if `shape` does not validate.
    public init(shape: LlamaShape, threads: Int) throws(TrainingError) {
        try shape.validate()
        self.shape = shape
        layout = ParameterLayout(shape: shape)
        pool = ThreadPool(threads: threads)
        rope = RoPETable(headDim: shape.headDim, positions: shape.contextLength, base: shape.ropeBase)
        for _ in 0..<shape.layers {
            xIn.append(FloatBuffer()); invA.append(FloatBuffer()); xnA.append(FloatBuffer())
            q.append(FloatBuffer()); k.append(FloatBuffer()); v.append(FloatBuffer())
            probs.append(FloatBuffer()); attn.append(FloatBuffer()); xMid.append(FloatBuffer())
            invF.append(FloatBuffer()); xnF.append(FloatBuffer()); gate.append(FloatBuffer())
            up.append(FloatBuffer()); hAct.append(FloatBuffer())
        }
    }

    /// Number of rows (predictions) in the current batch.
    public var rows: Int { batch.rows }

    /// Runs the forward pass on `sequences` and keeps the activations for `backward`.
    ///
    /// - Parameters:
    ///   - parameters: the weights; their shape must equal `shape`.
    ///   - sequences: the batch; each contributes `tokens.count − 1` rows.
    /// - Throws: `TrainingError` if a sequence is invalid or the shapes differ.
    public func forward(_ parameters: LlamaParameters, sequences: [TokenSequence]) throws(TrainingError) {
        guard parameters.shape == shape else {
            throw TrainingError.invalidConfiguration(reason: "parameters shape differs from the graph's")
        }
        try forward(parameters, batch: PackedBatch(sequences, shape: shape))
    }

    func forward(_ parameters: LlamaParameters, batch: PackedBatch) {
        self.batch = batch
        let s = shape, n = batch.rows, dim = s.dim, kvDim = s.kvDim, ffn = s.ffnDim
        geometry = AttentionGeometry(
            heads: s.heads, kvHeads: s.kvHeads, headDim: s.headDim,
            offsets: batch.offsets, lengths: batch.lengths)
        parameters.values.withUnsafeBufferPointer { wp in
            let w = wp.baseAddress!
            func t(_ i: Int) -> UnsafePointer<Float> { w + layout.entries[i].offset }
            for l in 0..<s.layers {
                let b = layout.blocks[l]
                let x = xIn[l].reserve(n * dim)
                if l == 0 { LayerKernels.embed(tokens: batch.inputs, table: t(layout.embedding), x: x, dim: dim) }
                let xa = xnA[l].reserve(n * dim), ia = invA[l].reserve(n)
                LayerKernels.rmsNormForward(
                    x: x, w: t(b.attnNorm), y: xa, inv: ia, rows: n, dim: dim, eps: s.normEps, pool: pool)
                let qb = q[l].reserve(n * dim), kb = k[l].reserve(n * kvDim), vb = v[l].reserve(n * kvDim)
                Matmul.forward(x: xa, w: t(b.q), y: qb, rows: n, inDim: dim, outDim: dim, scratch: scratch, pool: pool)
                Matmul.forward(x: xa, w: t(b.k), y: kb, rows: n, inDim: dim, outDim: kvDim, scratch: scratch, pool: pool)
                Matmul.forward(x: xa, w: t(b.v), y: vb, rows: n, inDim: dim, outDim: kvDim, scratch: scratch, pool: pool)
                applyRoPE(q: qb, k: kb, inverse: false)
                let pb = probs[l].reserve(geometry.probCount), ab = attn[l].reserve(n * dim)
                AttentionKernels.forward(q: qb, k: kb, v: vb, out: ab, probs: pb, geometry: geometry, pool: pool)
                let xm = xMid[l].reserve(n * dim)
                Matmul.forward(x: ab, w: t(b.o), y: xm, rows: n, inDim: dim, outDim: dim, scratch: scratch, pool: pool)
                addInPlace(xm, x, n * dim)
                let xf = xnF[l].reserve(n * dim), iff = invF[l].reserve(n)
                LayerKernels.rmsNormForward(
                    x: xm, w: t(b.ffnNorm), y: xf, inv: iff, rows: n, dim: dim, eps: s.normEps, pool: pool)
                let gb = gate[l].reserve(n * ffn), ub = up[l].reserve(n * ffn), hb = hAct[l].reserve(n * ffn)
                Matmul.forward(x: xf, w: t(b.gate), y: gb, rows: n, inDim: dim, outDim: ffn, scratch: scratch, pool: pool)
                Matmul.forward(x: xf, w: t(b.up), y: ub, rows: n, inDim: dim, outDim: ffn, scratch: scratch, pool: pool)
                LayerKernels.swiGLUForward(gate: gb, up: ub, h: hb, rows: n, width: ffn, pool: pool)
                let next = l + 1 < s.layers ? xIn[l + 1].reserve(n * dim) : xOut.reserve(n * dim)
                Matmul.forward(x: hb, w: t(b.down), y: next, rows: n, inDim: ffn, outDim: dim, scratch: scratch, pool: pool)
                addInPlace(next, xm, n * dim)
            }
            let xo = xOut.pointer, xn = xnOut.reserve(n * dim), io = invOut.reserve(n)
            LayerKernels.rmsNormForward(
                x: xo, w: t(layout.outputNorm), y: xn, inv: io, rows: n, dim: dim, eps: s.normEps, pool: pool)
            let lg = logitBuffer.reserve(n * s.vocabSize)
            Matmul.forward(
                x: xn, w: t(layout.embedding), y: lg, rows: n, inDim: dim, outDim: s.vocabSize,
                scratch: scratch, pool: pool)
        }
        dLogitBuffer.reserve(n * s.vocabSize)
        dLogitBuffer.zero(n * s.vocabSize)
    }

    /// Adds the gradient of the loss whose logit gradients were filled by a loss function
    /// (`LlamaGraph+Losses.swift`) since the last `forward` into `gradients`.
    ///
    /// - Parameters:
    ///   - parameters: the same weights the forward pass used.
    ///   - gradients: a flat buffer of `parameters.count` floats; gradients are added.
    public func backward(_ parameters: LlamaParameters, into gradients: inout [Float]) {
        precondition(gradients.count == parameters.count, "backward: gradient buffer has the wrong size")
        let s = shape, n = batch.rows, dim = s.dim, kvDim = s.kvDim, ffn = s.ffnDim, V = s.vocabSize
        guard n > 0 else { return }
        parameters.values.withUnsafeBufferPointer { wp in
            gradients.withUnsafeMutableBufferPointer { gp in
                let w = wp.baseAddress!, g = gp.baseAddress!
                func t(_ i: Int) -> UnsafePointer<Float> { w + layout.entries[i].offset }
                func d(_ i: Int) -> UnsafeMutablePointer<Float> { g + layout.entries[i].offset }
                let dX = dx.reserve(n * dim), dXn = dxn.reserve(n * dim)
                let dL = dLogitBuffer.pointer
                // Tied head: logits = xnOut · Eᵀ.
                Matmul.backwardInput(dy: dL, w: t(layout.embedding), dx: dXn, rows: n, inDim: dim, outDim: V, accumulate: false, pool: pool)
                Matmul.backwardWeight(dy: dL, x: xnOut.pointer, dw: d(layout.embedding), rows: n, inDim: dim, outDim: V, scratch: scratch, pool: pool)
                LayerKernels.rmsNormBackward(
                    x: xOut.pointer, w: t(layout.outputNorm), inv: invOut.pointer, dy: dXn, dx: dX,
                    dw: d(layout.outputNorm), rows: n, dim: dim, accumulate: false, pool: pool)
                let dQ = dq.reserve(n * dim), dK = dk.reserve(n * kvDim), dV = dv.reserve(n * kvDim)
                let dA = dAttn.reserve(n * dim)
                let dG = dGate.reserve(n * ffn), dU = dUp.reserve(n * ffn), dHh = dH.reserve(n * ffn)
                for l in stride(from: s.layers - 1, through: 0, by: -1) {
                    let b = layout.blocks[l]
                    // x_{l+1} = xMid + hAct · downᵀ
                    Matmul.backwardInput(dy: dX, w: t(b.down), dx: dHh, rows: n, inDim: ffn, outDim: dim, accumulate: false, pool: pool)
                    Matmul.backwardWeight(dy: dX, x: hAct[l].pointer, dw: d(b.down), rows: n, inDim: ffn, outDim: dim, scratch: scratch, pool: pool)
                    LayerKernels.swiGLUBackward(
                        gate: gate[l].pointer, up: up[l].pointer, dh: dHh, dGate: dG, dUp: dU, rows: n, width: ffn, pool: pool)
                    Matmul.backwardInput(dy: dG, w: t(b.gate), dx: dXn, rows: n, inDim: dim, outDim: ffn, accumulate: false, pool: pool)
                    Matmul.backwardInput(dy: dU, w: t(b.up), dx: dXn, rows: n, inDim: dim, outDim: ffn, accumulate: true, pool: pool)
                    Matmul.backwardWeight(dy: dG, x: xnF[l].pointer, dw: d(b.gate), rows: n, inDim: dim, outDim: ffn, scratch: scratch, pool: pool)
                    Matmul.backwardWeight(dy: dU, x: xnF[l].pointer, dw: d(b.up), rows: n, inDim: dim, outDim: ffn, scratch: scratch, pool: pool)
                    LayerKernels.rmsNormBackward(
                        x: xMid[l].pointer, w: t(b.ffnNorm), inv: invF[l].pointer, dy: dXn, dx: dX,
                        dw: d(b.ffnNorm), rows: n, dim: dim, accumulate: true, pool: pool)
                    // xMid = xIn + attn · oᵀ
                    Matmul.backwardInput(dy: dX, w: t(b.o), dx: dA, rows: n, inDim: dim, outDim: dim, accumulate: false, pool: pool)
                    Matmul.backwardWeight(dy: dX, x: attn[l].pointer, dw: d(b.o), rows: n, inDim: dim, outDim: dim, scratch: scratch, pool: pool)
                    AttentionKernels.backward(
                        q: q[l].pointer, k: k[l].pointer, v: v[l].pointer, probs: probs[l].pointer, dOut: dA,
                        dq: dQ, dk: dK, dv: dV, geometry: geometry, pool: pool)
                    applyRoPE(q: dQ, k: dK, inverse: true)
                    let xa = xnA[l].pointer
                    Matmul.backwardInput(dy: dQ, w: t(b.q), dx: dXn, rows: n, inDim: dim, outDim: dim, accumulate: false, pool: pool)
                    Matmul.backwardInput(dy: dK, w: t(b.k), dx: dXn, rows: n, inDim: dim, outDim: kvDim, accumulate: true, pool: pool)
                    Matmul.backwardInput(dy: dV, w: t(b.v), dx: dXn, rows: n, inDim: dim, outDim: kvDim, accumulate: true, pool: pool)
                    Matmul.backwardWeight(dy: dQ, x: xa, dw: d(b.q), rows: n, inDim: dim, outDim: dim, scratch: scratch, pool: pool)
                    Matmul.backwardWeight(dy: dK, x: xa, dw: d(b.k), rows: n, inDim: dim, outDim: kvDim, scratch: scratch, pool: pool)
                    Matmul.backwardWeight(dy: dV, x: xa, dw: d(b.v), rows: n, inDim: dim, outDim: kvDim, scratch: scratch, pool: pool)
                    LayerKernels.rmsNormBackward(
                        x: xIn[l].pointer, w: t(b.attnNorm), inv: invA[l].pointer, dy: dXn, dx: dX,
                        dw: d(b.attnNorm), rows: n, dim: dim, accumulate: true, pool: pool)
                }
                LayerKernels.embedBackward(tokens: batch.inputs, dx: dX, dTable: d(layout.embedding), dim: dim)
            }
        }
    }

    private func applyRoPE(q: UnsafeMutablePointer<Float>, k: UnsafeMutablePointer<Float>, inverse: Bool) {
        let s = shape, dim = s.dim, kvDim = s.kvDim
        let positions = batch.positionOfRow
        pool.parallelFor(batch.rows) { range, _ in
            for r in range {
                rope.apply(q + r * dim, heads: s.heads, position: positions[r], inverse: inverse)
                rope.apply(k + r * kvDim, heads: s.kvHeads, position: positions[r], inverse: inverse)
            }
        }
    }

    private func addInPlace(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, _ count: Int) {
        pool.parallelFor((count + 4095) / 4096) { range, _ in
            for i in (range.lowerBound * 4096)..<min(count, range.upperBound * 4096) { y[i] += x[i] }
        }
    }
}

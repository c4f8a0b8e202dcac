import Kernels

/// The differentiable Llama: a forward pass over a batch of packed sequences that keeps
/// its activations, and an explicit reverse-mode backward pass (llama2.c / llm.c style).
///
/// It reads the same ``ModelConfig`` and ``Architecture`` description the runtime reads,
/// and computes with Kernels' kernels: the runtime's blocked GEMM (``MatrixProducts``), its
/// RMSNorm, SwiGLU, ``RoPE`` and per-head attention (``CausalAttention``), plus their
/// backward passes. So the model a trainer writes and the model the runtime runs compute
/// the same function.
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
    let rope: RoPE
    /// `[positions, ropeDims]` interleaved cos, sin per position (``RoPE/angles(position:into:)``).
    let angles: [Float]

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
        let rope = RoPE(dims: shape.ropeDims, layout: shape.family?.ropeLayout ?? .normal, base: shape.ropeBase,
                        scale: shape.ropeScale, mscale: shape.ropeAttentionFactor)
        self.rope = rope
        var angles = [Float](repeating: 0, count: shape.contextLength * shape.ropeDims)
        angles.withUnsafeMutableBufferPointer { a in
            for p in 0..<shape.contextLength {
                rope.angles(position: p, into: UnsafeMutableBufferPointer(rebasing: a[(p * shape.ropeDims)..<((p + 1) * shape.ropeDims)]))
            }
        }
        self.angles = angles
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
        parameters.values.withUnsafeBufferPointer { w in
            func t(_ i: Int) -> UnsafeBufferPointer<Float> { UnsafeBufferPointer(rebasing: w[layout.entries[i].range]) }
            func mm(_ x: UnsafeMutableBufferPointer<Float>, _ wi: Int, _ y: UnsafeMutableBufferPointer<Float>, _ inDim: Int, _ outDim: Int) {
                MatrixProducts.forward(x: UnsafeBufferPointer(x), w: t(wi), y: y, rows: n, inDim: inDim, outDim: outDim, pool: pool)
            }
            for l in 0..<s.layers {
                let b = layout.blocks[l]
                let x = xIn[l].reserve(n * dim)
                if l == 0 { RowKernels.embed(tokens: batch.inputs, table: t(layout.embedding), x: x, dim: dim) }
                let xa = xnA[l].reserve(n * dim), ia = invA[l].reserve(n)
                RowKernels.rmsNormForward(x: UnsafeBufferPointer(x), w: t(b.attnNorm), y: xa, inv: ia, rows: n, dim: dim, eps: s.normEps, pool: pool)
                let qb = q[l].reserve(n * dim), kb = k[l].reserve(n * kvDim), vb = v[l].reserve(n * kvDim)
                mm(xa, b.q, qb, dim, dim)
                mm(xa, b.k, kb, dim, kvDim)
                mm(xa, b.v, vb, dim, kvDim)
                applyRoPE(q: qb, k: kb, inverse: false)
                let pb = probs[l].reserve(geometry.probCount), ab = attn[l].reserve(n * dim)
                CausalAttention.forward(
                    q: UnsafeBufferPointer(qb), k: UnsafeBufferPointer(kb), v: UnsafeBufferPointer(vb), out: ab, probs: pb,
                    geometry: geometry, pool: pool)
                let xm = xMid[l].reserve(n * dim)
                mm(ab, b.o, xm, dim, dim)
                RowKernels.add(UnsafeBufferPointer(x), into: xm, count: n * dim, pool: pool)
                let xf = xnF[l].reserve(n * dim), iff = invF[l].reserve(n)
                RowKernels.rmsNormForward(x: UnsafeBufferPointer(xm), w: t(b.ffnNorm), y: xf, inv: iff, rows: n, dim: dim, eps: s.normEps, pool: pool)
                let gb = gate[l].reserve(n * ffn), ub = up[l].reserve(n * ffn), hb = hAct[l].reserve(n * ffn)
                mm(xf, b.gate, gb, dim, ffn)
                mm(xf, b.up, ub, dim, ffn)
                RowKernels.swiGLUForward(gate: UnsafeBufferPointer(gb), up: UnsafeBufferPointer(ub), h: hb, rows: n, width: ffn, pool: pool)
                let next = l + 1 < s.layers ? xIn[l + 1].reserve(n * dim) : xOut.reserve(n * dim)
                mm(hb, b.down, next, ffn, dim)
                RowKernels.add(UnsafeBufferPointer(xm), into: next, count: n * dim, pool: pool)
            }
            let xo = xOut.prefix(n * dim), xn = xnOut.reserve(n * dim), io = invOut.reserve(n)
            RowKernels.rmsNormForward(x: UnsafeBufferPointer(xo), w: t(layout.outputNorm), y: xn, inv: io, rows: n, dim: dim, eps: s.normEps, pool: pool)
            mm(xn, layout.embedding, logitBuffer.reserve(n * s.vocabSize), dim, s.vocabSize)
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
        parameters.values.withUnsafeBufferPointer { w in
            gradients.withUnsafeMutableBufferPointer { g in
                func t(_ i: Int) -> UnsafeBufferPointer<Float> { UnsafeBufferPointer(rebasing: w[layout.entries[i].range]) }
                func d(_ i: Int) -> UnsafeMutableBufferPointer<Float> { UnsafeMutableBufferPointer(rebasing: g[layout.entries[i].range]) }
                func ro(_ b: FloatBuffer, _ count: Int) -> UnsafeBufferPointer<Float> { UnsafeBufferPointer(b.prefix(count)) }
                /// dx (+)= dy·W and dW += dyᵀ·x for one projection `W [outDim, inDim]`.
                func project(dy: UnsafeMutableBufferPointer<Float>, wi: Int, x: UnsafeBufferPointer<Float>,
                             dx: UnsafeMutableBufferPointer<Float>, inDim: Int, outDim: Int, accumulate: Bool) {
                    MatrixProducts.backwardInput(dy: UnsafeBufferPointer(dy), w: t(wi), dx: dx, rows: n, inDim: inDim, outDim: outDim,
                                                 accumulate: accumulate, scratch: scratch, pool: pool)
                    MatrixProducts.backwardWeight(dy: UnsafeBufferPointer(dy), x: x, dw: d(wi), rows: n, inDim: inDim, outDim: outDim,
                                                  scratch: scratch, pool: pool)
                }
                let dX = dx.reserve(n * dim), dXn = dxn.reserve(n * dim)
                // Tied head: logits = xnOut · Eᵀ.
                project(dy: dLogitBuffer.prefix(n * V), wi: layout.embedding, x: ro(xnOut, n * dim), dx: dXn,
                        inDim: dim, outDim: V, accumulate: false)
                RowKernels.rmsNormBackward(
                    x: ro(xOut, n * dim), w: t(layout.outputNorm), inv: ro(invOut, n), dy: UnsafeBufferPointer(dXn), dx: dX,
                    dw: d(layout.outputNorm), rows: n, dim: dim, accumulate: false, pool: pool)
                let dQ = dq.reserve(n * dim), dK = dk.reserve(n * kvDim), dV = dv.reserve(n * kvDim)
                let dA = dAttn.reserve(n * dim)
                let dG = dGate.reserve(n * ffn), dU = dUp.reserve(n * ffn), dHh = dH.reserve(n * ffn)
                for l in stride(from: s.layers - 1, through: 0, by: -1) {
                    let b = layout.blocks[l]
                    // x_{l+1} = xMid + hAct · downᵀ
                    project(dy: dX, wi: b.down, x: ro(hAct[l], n * ffn), dx: dHh, inDim: ffn, outDim: dim, accumulate: false)
                    RowKernels.swiGLUBackward(
                        gate: ro(gate[l], n * ffn), up: ro(up[l], n * ffn), dh: UnsafeBufferPointer(dHh), dGate: dG, dUp: dU,
                        rows: n, width: ffn, pool: pool)
                    project(dy: dG, wi: b.gate, x: ro(xnF[l], n * dim), dx: dXn, inDim: dim, outDim: ffn, accumulate: false)
                    project(dy: dU, wi: b.up, x: ro(xnF[l], n * dim), dx: dXn, inDim: dim, outDim: ffn, accumulate: true)
                    RowKernels.rmsNormBackward(
                        x: ro(xMid[l], n * dim), w: t(b.ffnNorm), inv: ro(invF[l], n), dy: UnsafeBufferPointer(dXn), dx: dX,
                        dw: d(b.ffnNorm), rows: n, dim: dim, accumulate: true, pool: pool)
                    // xMid = xIn + attn · oᵀ
                    project(dy: dX, wi: b.o, x: ro(attn[l], n * dim), dx: dA, inDim: dim, outDim: dim, accumulate: false)
                    CausalAttention.backward(
                        q: ro(q[l], n * dim), k: ro(k[l], n * kvDim), v: ro(v[l], n * kvDim), probs: ro(probs[l], geometry.probCount),
                        dOut: UnsafeBufferPointer(dA), dq: dQ, dk: dK, dv: dV, geometry: geometry, pool: pool)
                    applyRoPE(q: dQ, k: dK, inverse: true)
                    let xa = ro(xnA[l], n * dim)
                    project(dy: dQ, wi: b.q, x: xa, dx: dXn, inDim: dim, outDim: dim, accumulate: false)
                    project(dy: dK, wi: b.k, x: xa, dx: dXn, inDim: dim, outDim: kvDim, accumulate: true)
                    project(dy: dV, wi: b.v, x: xa, dx: dXn, inDim: dim, outDim: kvDim, accumulate: true)
                    RowKernels.rmsNormBackward(
                        x: ro(xIn[l], n * dim), w: t(b.attnNorm), inv: ro(invA[l], n), dy: UnsafeBufferPointer(dXn), dx: dX,
                        dw: d(b.attnNorm), rows: n, dim: dim, accumulate: true, pool: pool)
                }
                RowKernels.embedBackward(tokens: batch.inputs, dx: UnsafeBufferPointer(dX), dTable: d(layout.embedding), dim: dim)
            }
        }
    }

    /// RoPE on every row's queries and keys at the row's position; `inverse` rotates
    /// gradients back.
    private func applyRoPE(q: UnsafeMutableBufferPointer<Float>, k: UnsafeMutableBufferPointer<Float>, inverse: Bool) {
        let s = shape, dim = s.qDim, kvDim = s.kvDim, rd = s.ropeDims
        let positions = batch.positionOfRow
        let qb = UncheckedBox(q), kb = UncheckedBox(k), rope = self.rope
        angles.withUnsafeBufferPointer { a in
            pool.parallelFor(batch.rows) { range, _ in
                for r in range {
                    let cache = UnsafeBufferPointer(rebasing: a[(positions[r] * rd)..<((positions[r] + 1) * rd)])
                    rope.apply(UnsafeMutableBufferPointer(rebasing: qb.value[(r * dim)..<((r + 1) * dim)]),
                               heads: s.heads, headDim: s.headDim, cache: cache, inverse: inverse)
                    rope.apply(UnsafeMutableBufferPointer(rebasing: kb.value[(r * kvDim)..<((r + 1) * kvDim)]),
                               heads: s.kvHeads, headDim: s.headDim, cache: cache, inverse: inverse)
                }
            }
        }
    }
}

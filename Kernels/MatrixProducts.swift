/// The three f32 matrix products of training, on row-major matrices, all computed by the
/// runtime's blocked GEMM (``LinearWeights``' prefill kernel):
///
/// ```
/// forward:        Y[n, out]  = X[n, in] · W[out, in]ᵀ
/// backwardInput:  dX[n, in] (+)= dY[n, out] · W[out, in]
/// backwardWeight: dW[out, in] += dY[n, out]ᵀ · X[n, in]
/// ```
///
/// Each output element is one FMA chain over the reduction index in order, starting from
/// zero (or from the output when accumulating), computed by exactly one thread, so results
/// are bit-identical for any thread count.
public enum MatrixProducts {
    private static func check(_ ok: Bool, _ what: String) { precondition(ok, "MatrixProducts.\(what): shape mismatch") }

    /// `y = x · wᵀ`.
    public static func forward(
        x: UnsafeBufferPointer<Float>, w: UnsafeBufferPointer<Float>, y: UnsafeMutableBufferPointer<Float>,
        rows: Int, inDim: Int, outDim: Int, pool: ThreadPool
    ) {
        check(x.count >= rows * inDim && w.count >= outDim * inDim && y.count >= rows * outDim, "forward")
        guard rows > 0, outDim > 0, inDim > 0 else { return y.prefix(rows * outDim).update(repeating: 0) }
        BlockedGemm.run(
            FloatWeights<F32Row>.self, w: UnsafeRawPointer(w.baseAddress!), rows: outDim, cols: inDim,
            x: x.baseAddress!, tokens: rows, y: y.baseAddress!, pool: pool)
    }

    /// `dx = dy · w` (or `dx += dy · w` when `accumulate`); `scratch` holds `wᵀ`.
    public static func backwardInput(
        dy: UnsafeBufferPointer<Float>, w: UnsafeBufferPointer<Float>, dx: UnsafeMutableBufferPointer<Float>,
        rows: Int, inDim: Int, outDim: Int, accumulate: Bool, scratch: FloatBuffer, pool: ThreadPool
    ) {
        check(dy.count >= rows * outDim && w.count >= outDim * inDim && dx.count >= rows * inDim, "backwardInput")
        guard rows > 0, inDim > 0 else { return }
        guard outDim > 0 else {
            if !accumulate { dx.prefix(rows * inDim).update(repeating: 0) }
            return
        }
        let wt = scratch.reserve(inDim * outDim)
        transpose(w, rows: outDim, cols: inDim, into: wt, pool: pool)
        BlockedGemm.run(
            FloatWeights<F32Row>.self, w: UnsafeRawPointer(wt.baseAddress!), rows: inDim, cols: outDim,
            x: dy.baseAddress!, tokens: rows, y: dx.baseAddress!, pool: pool, accumulate: accumulate)
    }

    /// `dw += dyᵀ · x`; `scratch` holds `xᵀ`.
    public static func backwardWeight(
        dy: UnsafeBufferPointer<Float>, x: UnsafeBufferPointer<Float>, dw: UnsafeMutableBufferPointer<Float>,
        rows: Int, inDim: Int, outDim: Int, scratch: FloatBuffer, pool: ThreadPool
    ) {
        check(dy.count >= rows * outDim && x.count >= rows * inDim && dw.count >= outDim * inDim, "backwardWeight")
        guard rows > 0, inDim > 0, outDim > 0 else { return }
        let xt = scratch.reserve(rows * inDim)
        transpose(x, rows: rows, cols: inDim, into: xt, pool: pool)
        // Rows of the "weights" are xᵀ's (one per input feature); the "activations" are dyᵀ,
        // read straight from dy.
        BlockedGemm.run(
            FloatWeights<F32Row>.self, w: UnsafeRawPointer(xt.baseAddress!), rows: inDim, cols: rows,
            x: dy.baseAddress!, tokens: outDim, y: dw.baseAddress!, pool: pool, accumulate: true, transposedX: true)
    }

    /// `dst[c, r] = src[r, c]` for a `rows × cols` source, in 32 × 32 tiles.
    public static func transpose(
        _ src: UnsafeBufferPointer<Float>, rows: Int, cols: Int, into dst: UnsafeMutableBufferPointer<Float>, pool: ThreadPool
    ) {
        check(src.count >= rows * cols && dst.count >= rows * cols, "transpose")
        let tile = 32
        let s = UncheckedBox(src.baseAddress!), d = UncheckedBox(dst.baseAddress!)
        pool.parallelFor((cols + tile - 1) / tile) { range, _ in
            for cb in range {
                let c0 = cb * tile, c1 = min(cols, c0 + tile)
                var r0 = 0
                while r0 < rows {
                    let r1 = min(rows, r0 + tile)
                    for c in c0..<c1 {
                        for r in r0..<r1 { d.value[c &* rows &+ r] = s.value[r &* cols &+ c] }
                    }
                    r0 = r1
                }
            }
        }
    }
}

extension UnsafeMutableBufferPointer {
    /// The first `n` elements.
    @inlinable
    func prefix(_ n: Int) -> UnsafeMutableBufferPointer { UnsafeMutableBufferPointer(rebasing: self[0..<n]) }
}

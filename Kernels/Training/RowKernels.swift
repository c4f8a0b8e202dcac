import Foundation

/// Row-wise pieces of the Llama block for training, forward and backward: RMSNorm, SwiGLU
/// and the embedding gather. The forward halves are the runtime's ``VectorOps`` kernels.
/// Rows are split across threads; cross-row reductions (weight gradients) run in a fixed
/// row order on one thread, so results never depend on the thread count.
public enum RowKernels {
    /// `y[r] = rmsnorm(x[r]) · w` for `rows` rows of `dim`, keeping `inv[r] = 1/rms(x[r])`.
    public static func rmsNormForward(
        x: UnsafeBufferPointer<Float>, w: UnsafeBufferPointer<Float>, y: UnsafeMutableBufferPointer<Float>,
        inv: UnsafeMutableBufferPointer<Float>, rows: Int, dim: Int, eps: Float, pool: ThreadPool
    ) {
        precondition(x.count >= rows * dim && y.count >= rows * dim && w.count == dim && inv.count >= rows, "rmsNormForward: shape mismatch")
        let yb = UncheckedBox(y), ib = UncheckedBox(inv)
        pool.parallelFor(rows) { range, _ in
            for r in range {
                ib.value[r] = VectorOps.rmsNorm(
                    UnsafeBufferPointer(rebasing: x[(r * dim)..<((r + 1) * dim)]), weight: w, eps: eps,
                    into: UnsafeMutableBufferPointer(rebasing: yb.value[(r * dim)..<((r + 1) * dim)]))
            }
        }
    }

    /// Backward of RMSNorm: `dx (+)= inv·(g − x̂·mean(g·x̂))` with `g = dy·w`, `x̂ = x·inv`,
    /// and `dw += Σ_r dy·x̂`.
    public static func rmsNormBackward(
        x: UnsafeBufferPointer<Float>, w: UnsafeBufferPointer<Float>, inv: UnsafeBufferPointer<Float>,
        dy: UnsafeBufferPointer<Float>, dx: UnsafeMutableBufferPointer<Float>, dw: UnsafeMutableBufferPointer<Float>,
        rows: Int, dim: Int, accumulate: Bool, pool: ThreadPool
    ) {
        precondition(x.count >= rows * dim && dy.count >= rows * dim && dx.count >= rows * dim && w.count == dim
                     && dw.count == dim && inv.count >= rows, "rmsNormBackward: shape mismatch")
        guard rows > 0 else { return }
        let dxb = UncheckedBox(dx)
        pool.parallelFor(rows) { range, _ in
            for r in range {
                let xr = r * dim
                let s = inv[r]
                var dot: Float = 0
                for i in 0..<dim { dot = dot.addingProduct(dy[xr + i] * w[i], x[xr + i] * s) }
                let m = dot / Float(dim)
                for i in 0..<dim {
                    let xhat = x[xr + i] * s
                    let v = s * (dy[xr + i] * w[i] - xhat * m)
                    dxb.value[xr + i] = accumulate ? dxb.value[xr + i] + v : v
                }
            }
        }
        for r in 0..<rows {
            let s = inv[r]
            for i in 0..<dim { dw[i] = dw[i].addingProduct(dy[r * dim + i], x[r * dim + i] * s) }
        }
    }

    /// `h = silu(g) · u` over `rows` rows of `width` (the runtime's ``VectorOps/swiGLU(gate:up:)``).
    public static func swiGLUForward(
        gate: UnsafeBufferPointer<Float>, up: UnsafeBufferPointer<Float>, h: UnsafeMutableBufferPointer<Float>,
        rows: Int, width: Int, pool: ThreadPool
    ) {
        precondition(gate.count >= rows * width && up.count >= rows * width && h.count >= rows * width, "swiGLUForward: shape mismatch")
        let hb = UncheckedBox(h)
        pool.parallelFor(rows) { range, _ in
            let lo = range.lowerBound * width, hi = range.upperBound * width
            let out = UnsafeMutableBufferPointer(rebasing: hb.value[lo..<hi])
            out.update(fromContentsOf: gate[lo..<hi])
            VectorOps.swiGLU(gate: out, up: UnsafeBufferPointer(rebasing: up[lo..<hi]))
        }
    }

    /// Backward of SwiGLU: `dg = dh·u·σ(g)(1 + g(1 − σ(g)))`, `du = dh·silu(g)`.
    public static func swiGLUBackward(
        gate: UnsafeBufferPointer<Float>, up: UnsafeBufferPointer<Float>, dh: UnsafeBufferPointer<Float>,
        dGate: UnsafeMutableBufferPointer<Float>, dUp: UnsafeMutableBufferPointer<Float>,
        rows: Int, width: Int, pool: ThreadPool
    ) {
        let n = rows * width
        precondition(gate.count >= n && up.count >= n && dh.count >= n && dGate.count >= n && dUp.count >= n,
                     "swiGLUBackward: shape mismatch")
        let dg = UncheckedBox(dGate), du = UncheckedBox(dUp)
        pool.parallelFor(rows) { range, _ in
            for i in (range.lowerBound * width)..<(range.upperBound * width) {
                let g = gate[i]
                let sig = 1 / (1 + Exponential.expRef(-g))
                let silu = g * sig
                dg.value[i] = dh[i] * up[i] * (sig * (1 + g * (1 - sig)))
                du.value[i] = dh[i] * silu
            }
        }
    }

    /// `x[r] = table[tokens[r]]` (rows of `dim`).
    public static func embed(
        tokens: [Int32], table: UnsafeBufferPointer<Float>, x: UnsafeMutableBufferPointer<Float>, dim: Int
    ) {
        precondition(x.count >= tokens.count * dim, "embed: shape mismatch")
        for (r, t) in tokens.enumerated() {
            let row = Int(t) * dim
            precondition(row >= 0 && row + dim <= table.count, "embed: token out of range")
            UnsafeMutableBufferPointer(rebasing: x[(r * dim)..<((r + 1) * dim)]).update(fromContentsOf: table[row..<(row + dim)])
        }
    }

    /// `dTable[tokens[r]] += dx[r]`, rows in order.
    public static func embedBackward(
        tokens: [Int32], dx: UnsafeBufferPointer<Float>, dTable: UnsafeMutableBufferPointer<Float>, dim: Int
    ) {
        precondition(dx.count >= tokens.count * dim, "embedBackward: shape mismatch")
        for (r, t) in tokens.enumerated() {
            let row = Int(t) * dim
            precondition(row >= 0 && row + dim <= dTable.count, "embedBackward: token out of range")
            for i in 0..<dim { dTable[row + i] += dx[r * dim + i] }
        }
    }

    /// `y += x` over `count` elements, in slices split over the pool.
    public static func add(_ x: UnsafeBufferPointer<Float>, into y: UnsafeMutableBufferPointer<Float>, count: Int, pool: ThreadPool) {
        precondition(x.count >= count && y.count >= count, "add: shape mismatch")
        let yb = UncheckedBox(y)
        pool.parallelFor((count + 4095) / 4096) { range, _ in
            for i in (range.lowerBound * 4096)..<min(count, range.upperBound * 4096) { yb.value[i] += x[i] }
        }
    }
}

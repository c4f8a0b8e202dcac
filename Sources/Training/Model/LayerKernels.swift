import Foundation
import Kernels

/// Element-wise pieces of the Llama block with their backward passes: RMSNorm, SwiGLU and
/// the embedding gather. Rows are split across threads; cross-row reductions (weight
/// gradients) run in a fixed row order on one thread, so results never depend on threads.
enum LayerKernels {
    /// `y[r] = x[r] · inv[r] · w`, `inv[r] = 1/sqrt(mean(x[r]²) + eps)`, as `VectorOps.rmsNorm`.
    static func rmsNormForward(
        x: UnsafePointer<Float>, w: UnsafePointer<Float>, y: UnsafeMutablePointer<Float>,
        inv: UnsafeMutablePointer<Float>, rows: Int, dim: Int, eps: Float, pool: ThreadPool
    ) {
        pool.parallelFor(rows) { range, _ in
            for r in range {
                let xr = x + r * dim, yr = y + r * dim
                var ss: Float = 0
                for i in 0..<dim { ss = ss.addingProduct(xr[i], xr[i]) }
                let scale = 1 / (ss / Float(dim) + eps).squareRoot()
                inv[r] = scale
                for i in 0..<dim { yr[i] = xr[i] * scale * w[i] }
            }
        }
    }

    /// Backward of RMSNorm: `dx (+)= inv·(g − x̂·mean(g·x̂))` with `g = dy·w`, `x̂ = x·inv`,
    /// and `dw += Σ_r dy·x̂`.
    static func rmsNormBackward(
        x: UnsafePointer<Float>, w: UnsafePointer<Float>, inv: UnsafePointer<Float>,
        dy: UnsafePointer<Float>, dx: UnsafeMutablePointer<Float>, dw: UnsafeMutablePointer<Float>,
        rows: Int, dim: Int, accumulate: Bool, pool: ThreadPool
    ) {
        pool.parallelFor(rows) { range, _ in
            for r in range {
                let xr = x + r * dim, gr = dy + r * dim, dxr = dx + r * dim
                let s = inv[r]
                var dot: Float = 0
                for i in 0..<dim { dot = dot.addingProduct(gr[i] * w[i], xr[i] * s) }
                let m = dot / Float(dim)
                for i in 0..<dim {
                    let xhat = xr[i] * s
                    let v = s * (gr[i] * w[i] - xhat * m)
                    dxr[i] = accumulate ? dxr[i] + v : v
                }
            }
        }
        for r in 0..<rows {
            let xr = x + r * dim, gr = dy + r * dim
            let s = inv[r]
            for i in 0..<dim { dw[i] = dw[i].addingProduct(gr[i], xr[i] * s) }
        }
    }

    /// `h = silu(g) · u` over `count` elements.
    static func swiGLUForward(
        gate: UnsafePointer<Float>, up: UnsafePointer<Float>, h: UnsafeMutablePointer<Float>,
        rows: Int, width: Int, pool: ThreadPool
    ) {
        pool.parallelFor(rows) { range, _ in
            for i in (range.lowerBound * width)..<(range.upperBound * width) {
                let g = gate[i]
                h[i] = g / (1 + expf(-g)) * up[i]
            }
        }
    }

    /// Backward of SwiGLU: `dg = dh·u·σ(g)(1 + g(1 − σ(g)))`, `du = dh·silu(g)`.
    static func swiGLUBackward(
        gate: UnsafePointer<Float>, up: UnsafePointer<Float>, dh: UnsafePointer<Float>,
        dGate: UnsafeMutablePointer<Float>, dUp: UnsafeMutablePointer<Float>,
        rows: Int, width: Int, pool: ThreadPool
    ) {
        pool.parallelFor(rows) { range, _ in
            for i in (range.lowerBound * width)..<(range.upperBound * width) {
                let g = gate[i]
                let sig = 1 / (1 + expf(-g))
                let silu = g * sig
                dGate[i] = dh[i] * up[i] * (sig * (1 + g * (1 - sig)))
                dUp[i] = dh[i] * silu
            }
        }
    }

    /// `x[r] = table[tokens[r]]`.
    static func embed(
        tokens: [Int32], table: UnsafePointer<Float>, x: UnsafeMutablePointer<Float>, dim: Int
    ) {
        for (r, t) in tokens.enumerated() { (x + r * dim).update(from: table + Int(t) * dim, count: dim) }
    }

    /// `dTable[tokens[r]] += dx[r]`, rows in order.
    static func embedBackward(
        tokens: [Int32], dx: UnsafePointer<Float>, dTable: UnsafeMutablePointer<Float>, dim: Int
    ) {
        for (r, t) in tokens.enumerated() {
            let d = dTable + Int(t) * dim, s = dx + r * dim
            for i in 0..<dim { d[i] += s[i] }
        }
    }
}

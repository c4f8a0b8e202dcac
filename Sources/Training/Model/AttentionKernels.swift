import Foundation
import Kernels

/// Causal grouped-query self-attention over packed sequences, forward and backward.
///
/// Shapes (rows = packed tokens of all sequences):
/// `q [rows, heads·hd]`, `k, v [rows, kvHeads·hd]` (after RoPE for q and k),
/// `out [rows, heads·hd]`, and the softmax probabilities of sequence `s` at
/// `probs[probOffsets[s] ..]` as `[heads, T_s, T_s]` (only `u ≤ t` is written).
/// Query head `h` reads key/value head `h / (heads/kvHeads)`.
struct AttentionGeometry {
    let heads: Int
    let kvHeads: Int
    let headDim: Int
    let offsets: [Int]
    let lengths: [Int]
    let probOffsets: [Int]
    let probCount: Int

    init(heads: Int, kvHeads: Int, headDim: Int, offsets: [Int], lengths: [Int]) {
        self.heads = heads
        self.kvHeads = kvHeads
        self.headDim = headDim
        self.offsets = offsets
        self.lengths = lengths
        var p: [Int] = []
        var total = 0
        for t in lengths {
            p.append(total)
            total += heads * t * t
        }
        probOffsets = p
        probCount = total
    }

    var dim: Int { heads * headDim }
    var kvDim: Int { kvHeads * headDim }
    var group: Int { heads / kvHeads }
}

enum AttentionKernels {
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc = SIMD8<Float>()
        var i = 0
        while i + 8 <= n {
            acc.addProduct(
                UnsafeRawPointer(a + i).loadUnaligned(as: SIMD8<Float>.self),
                UnsafeRawPointer(b + i).loadUnaligned(as: SIMD8<Float>.self))
            i += 8
        }
        var s = acc.sum()
        while i < n {
            s.addProduct(a[i], b[i])
            i += 1
        }
        return s
    }

    /// `y += alpha · x` over `n` elements.
    @inline(__always)
    static func axpy(_ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        for i in 0..<n { y[i] = y[i].addingProduct(alpha, x[i]) }
    }

    static func forward(
        q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
        out: UnsafeMutablePointer<Float>, probs: UnsafeMutablePointer<Float>,
        geometry g: AttentionGeometry, pool: ThreadPool
    ) {
        let hd = g.headDim, dim = g.dim, kvDim = g.kvDim
        let scale = 1 / Float(hd).squareRoot()
        pool.parallelFor(g.lengths.count * g.heads) { range, _ in
            for idx in range {
                let s = idx / g.heads, h = idx % g.heads, kvh = h / g.group
                let T = g.lengths[s], off = g.offsets[s]
                let P = probs + g.probOffsets[s] + h * T * T
                for t in 0..<T {
                    let qr = q + (off + t) * dim + h * hd
                    let pr = P + t * T
                    var mx = -Float.infinity
                    for u in 0...t {
                        let sc = dot(qr, k + (off + u) * kvDim + kvh * hd, hd) * scale
                        pr[u] = sc
                        mx = max(mx, sc)
                    }
                    var sum: Float = 0
                    for u in 0...t {
                        let e = expf(pr[u] - mx)
                        pr[u] = e
                        sum += e
                    }
                    let invSum = 1 / sum
                    let or = out + (off + t) * dim + h * hd
                    or.update(repeating: 0, count: hd)
                    for u in 0...t {
                        pr[u] *= invSum
                        axpy(pr[u], v + (off + u) * kvDim + kvh * hd, or, hd)
                    }
                }
            }
        }
    }

    /// Gradients of `forward` with respect to (roped) `q`, `k` and `v`; all three are
    /// overwritten. Work splits over (sequence, kv head), so one thread owns each dk/dv row.
    static func backward(
        q: UnsafePointer<Float>, k: UnsafePointer<Float>, v: UnsafePointer<Float>,
        probs: UnsafePointer<Float>, dOut: UnsafePointer<Float>,
        dq: UnsafeMutablePointer<Float>, dk: UnsafeMutablePointer<Float>, dv: UnsafeMutablePointer<Float>,
        geometry g: AttentionGeometry, pool: ThreadPool
    ) {
        let hd = g.headDim, dim = g.dim, kvDim = g.kvDim
        let scale = 1 / Float(hd).squareRoot()
        let maxT = g.lengths.max() ?? 0
        pool.parallelFor(g.lengths.count * g.kvHeads) { range, _ in
            let dP = UnsafeMutablePointer<Float>.allocate(capacity: max(maxT, 1))
            defer { dP.deallocate() }
            for idx in range {
                let s = idx / g.kvHeads, kvh = idx % g.kvHeads
                let T = g.lengths[s], off = g.offsets[s]
                for t in 0..<T {
                    (dk + (off + t) * kvDim + kvh * hd).update(repeating: 0, count: hd)
                    (dv + (off + t) * kvDim + kvh * hd).update(repeating: 0, count: hd)
                }
                for h in (kvh * g.group)..<((kvh + 1) * g.group) {
                    let P = probs + g.probOffsets[s] + h * T * T
                    for t in 0..<T {
                        let dor = dOut + (off + t) * dim + h * hd
                        let qr = q + (off + t) * dim + h * hd
                        let dqr = dq + (off + t) * dim + h * hd
                        let pr = P + t * T
                        var sum: Float = 0
                        for u in 0...t {
                            let vr = v + (off + u) * kvDim + kvh * hd
                            let d = dot(dor, vr, hd)
                            dP[u] = d
                            sum = sum.addingProduct(pr[u], d)
                            axpy(pr[u], dor, dv + (off + u) * kvDim + kvh * hd, hd)
                        }
                        dqr.update(repeating: 0, count: hd)
                        for u in 0...t {
                            let ds = pr[u] * (dP[u] - sum) * scale
                            axpy(ds, k + (off + u) * kvDim + kvh * hd, dqr, hd)
                            axpy(ds, qr, dk + (off + u) * kvDim + kvh * hd, hd)
                        }
                    }
                }
            }
        }
    }
}

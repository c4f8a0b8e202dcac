import Foundation

/// The shapes of causal grouped-query self-attention over packed sequences, as training
/// batches them: rows are the packed tokens of all sequences, `q [rows, heads·hd]`,
/// `k, v [rows, kvHeads·hd]` (after RoPE for q and k), `out [rows, heads·hd]`, and the
/// softmax probabilities of sequence `s` at `probs[probOffsets[s]…]` as `[heads, T_s, T_s]`
/// (row `t` holds positions `0…t`). Query head `h` reads key/value head `h / (heads/kvHeads)`.
public struct AttentionGeometry: Sendable {
    public let heads: Int
    public let kvHeads: Int
    public let headDim: Int
    /// First row of each sequence.
    public let offsets: [Int]
    /// Rows of each sequence.
    public let lengths: [Int]
    /// Where each sequence's probabilities start.
    public let probOffsets: [Int]
    /// Floats of probabilities the batch needs.
    public let probCount: Int

    public init(heads: Int, kvHeads: Int, headDim: Int, offsets: [Int], lengths: [Int]) {
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

    public var dim: Int { heads * headDim }
    public var kvDim: Int { kvHeads * headDim }
    var group: Int { heads / kvHeads }
    var rows: Int { zip(offsets, lengths).map { $0 + $1 }.max() ?? 0 }
}

/// Causal attention over packed sequences, forward (the runtime's
/// ``Attention/attendHead(_:query:keys:values:first:positions:settings:out:scores:)`` per
/// query, keeping its probabilities) and backward.
public enum CausalAttention {
    private static func check(_ g: AttentionGeometry, _ buffers: [(Int, Int)]) {
        for (have, need) in buffers { precondition(have >= need, "CausalAttention: buffer of \(have) floats, \(need) needed") }
    }

    /// `out = softmax(q·kᵀ/√hd, causal) · v` per sequence and head; `probs` keeps the softmax.
    public static func forward(
        q: UnsafeBufferPointer<Float>, k: UnsafeBufferPointer<Float>, v: UnsafeBufferPointer<Float>,
        out: UnsafeMutableBufferPointer<Float>, probs: UnsafeMutableBufferPointer<Float>,
        geometry g: AttentionGeometry, pool: ThreadPool
    ) {
        let rows = g.rows, dim = g.dim, kvDim = g.kvDim
        check(g, [(q.count, rows * dim), (k.count, rows * kvDim), (v.count, rows * kvDim), (out.count, rows * dim),
                  (probs.count, g.probCount)])
        let settings = Attention.Settings(heads: g.heads, kvHeads: g.kvHeads, keyDim: g.headDim, valueDim: g.headDim,
                                          scale: 1 / Float(g.headDim).squareRoot())
        let ob = UncheckedBox(out), pb = UncheckedBox(probs)
        pool.parallelFor(g.lengths.count * g.heads) { range, _ in
            for idx in range {
                let s = idx / g.heads, h = idx % g.heads
                let T = g.lengths[s], off = g.offsets[s]
                let keys = UnsafeBufferPointer(rebasing: k[(off * kvDim)..<((off + T) * kvDim)])
                let values = UnsafeBufferPointer(rebasing: v[(off * kvDim)..<((off + T) * kvDim)])
                let P = g.probOffsets[s] + h * T * T
                for t in 0..<T {
                    Attention.attendHead(
                        h, query: UnsafeBufferPointer(rebasing: q[((off + t) * dim)..<((off + t + 1) * dim)]),
                        keys: keys, values: values, first: 0, positions: t + 1, settings: settings,
                        out: UnsafeMutableBufferPointer(rebasing: ob.value[((off + t) * dim)..<((off + t + 1) * dim)]),
                        scores: UnsafeMutableBufferPointer(rebasing: pb.value[(P + t * T)..<(P + (t + 1) * T)]))
                }
            }
        }
    }

    /// Gradients of ``forward(q:k:v:out:probs:geometry:pool:)`` with respect to (roped) `q`,
    /// `k` and `v`; all three are overwritten. Work splits over (sequence, kv head), so one
    /// thread owns each `dk`/`dv` row and results do not depend on the thread count.
    public static func backward(
        q: UnsafeBufferPointer<Float>, k: UnsafeBufferPointer<Float>, v: UnsafeBufferPointer<Float>,
        probs: UnsafeBufferPointer<Float>, dOut: UnsafeBufferPointer<Float>,
        dq: UnsafeMutableBufferPointer<Float>, dk: UnsafeMutableBufferPointer<Float>, dv: UnsafeMutableBufferPointer<Float>,
        geometry g: AttentionGeometry, pool: ThreadPool
    ) {
        let rows = g.rows, hd = g.headDim, dim = g.dim, kvDim = g.kvDim
        check(g, [(q.count, rows * dim), (k.count, rows * kvDim), (v.count, rows * kvDim), (probs.count, g.probCount),
                  (dOut.count, rows * dim), (dq.count, rows * dim), (dk.count, rows * kvDim), (dv.count, rows * kvDim)])
        guard rows > 0 else { return }
        let scale = 1 / Float(hd).squareRoot()
        let maxT = g.lengths.max() ?? 0
        let qp = UncheckedBox(q.baseAddress!), kp = UncheckedBox(k.baseAddress!), vp = UncheckedBox(v.baseAddress!)
        let pp = UncheckedBox(probs.baseAddress!), dop = UncheckedBox(dOut.baseAddress!)
        let dqp = UncheckedBox(dq.baseAddress!), dkp = UncheckedBox(dk.baseAddress!), dvp = UncheckedBox(dv.baseAddress!)
        pool.parallelFor(g.lengths.count * g.kvHeads) { range, _ in
            let q = qp.value, k = kp.value, v = vp.value, probs = pp.value, dOut = dop.value
            let dq = dqp.value, dk = dkp.value, dv = dvp.value
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
                            let d = Attention.dot(dor, vr, hd)
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

    /// `y += alpha · x` over `n` elements.
    @inline(__always)
    static func axpy(_ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int) {
        for i in 0..<n { y[i] = y[i].addingProduct(alpha, x[i]) }
    }
}

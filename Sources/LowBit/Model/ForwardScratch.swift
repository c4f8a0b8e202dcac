import Kernels

/// The activation buffers of one forward pass, kept with a ``KVCache`` so that decode steps
/// reuse them instead of allocating ten arrays per token. Grows on demand; never shrinks.
///
/// One scratch per cache keeps concurrent forward passes on different caches independent
/// (forward passes on the same cache are sequential by nature).
final class ForwardScratch {
    /// Row widths of the buffers.
    struct Widths: Hashable {
        /// Residual stream.
        var dim: Int
        /// Queries (`heads · headDim`).
        var q: Int
        /// Keys (`kvHeads · headDim`).
        var k: Int
        /// Values (`kvHeads · valueDim`).
        var v: Int
        /// Attention output (`heads · valueDim`).
        var att: Int
        /// FFN hidden width.
        var ffn: Int
        /// FFN up-projection output (`ffn`, or `2 · ffn` when gate and up are fused).
        var up: Int
    }

    let widths: Widths
    private(set) var tokens = 0
    private(set) var positions = 0
    private(set) var threads = 0

    /// `[tokens, dim]` residual stream.
    private(set) var x = UnsafeMutableBufferPointer<Float>(start: nil, count: 0)
    /// `[tokens, dim]` normed rows.
    private(set) var xn = UnsafeMutableBufferPointer<Float>(start: nil, count: 0)
    /// `[tokens, q]` queries.
    private(set) var q = UnsafeMutableBufferPointer<Float>(start: nil, count: 0)
    /// `[tokens, k]` keys.
    private(set) var k = UnsafeMutableBufferPointer<Float>(start: nil, count: 0)
    /// `[tokens, v]` values.
    private(set) var v = UnsafeMutableBufferPointer<Float>(start: nil, count: 0)
    /// `[tokens, att]` attention output.
    private(set) var att = UnsafeMutableBufferPointer<Float>(start: nil, count: 0)
    /// `[tokens, dim]` projection output.
    private(set) var proj = UnsafeMutableBufferPointer<Float>(start: nil, count: 0)
    /// `[tokens, ffn]` gate, then the gated activation.
    private(set) var gate = UnsafeMutableBufferPointer<Float>(start: nil, count: 0)
    /// `[tokens, up]` up projection.
    private(set) var up = UnsafeMutableBufferPointer<Float>(start: nil, count: 0)
    /// `[threads, positions]` attention scores, one row per pool thread (the forward pass
    /// reserves a key/value group's heads × its longest sequence's positions per row).
    private(set) var scores = UnsafeMutableBufferPointer<Float>(start: nil, count: 0)

    init(_ widths: Widths) { self.widths = widths }

    deinit { release() }

    /// Makes room for `tokens` rows, `positions` attention positions and `threads` threads.
    func reserve(tokens t: Int, positions p: Int, threads n: Int) {
        if t > tokens {
            release()
            tokens = t
            func make(_ count: Int) -> UnsafeMutableBufferPointer<Float> {
                let b = UnsafeMutableBufferPointer<Float>.allocate(capacity: max(1, count))
                b.initialize(repeating: 0)
                return b
            }
            let w = widths
            x = make(t * w.dim); xn = make(t * w.dim); proj = make(t * w.dim)
            q = make(t * w.q); k = make(t * w.k); v = make(t * w.v); att = make(t * w.att)
            gate = make(t * w.ffn); up = make(t * w.up)
        }
        if p > positions || n > threads {
            if scores.baseAddress != nil { scores.deallocate() }
            positions = max(p, positions)
            threads = max(n, threads)
            scores = .allocate(capacity: max(1, positions * threads))
            scores.initialize(repeating: 0)
        }
    }

    private func release() {
        for b in [x, xn, q, k, v, att, proj, gate, up] where b.baseAddress != nil { b.deallocate() }
        if scores.baseAddress != nil { scores.deallocate() }
        scores = .init(start: nil, count: 0)
        positions = 0
    }
}

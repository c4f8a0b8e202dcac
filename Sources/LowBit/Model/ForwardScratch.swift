import Kernels

/// The activation buffers of one forward pass, kept with a ``KVCache`` so that decode steps
/// reuse them instead of allocating ten arrays per token. Grows on demand; never shrinks.
///
/// One scratch per cache keeps concurrent forward passes on different caches independent
/// (forward passes on the same cache are sequential by nature).
final class ForwardScratch {
    private(set) var tokens = 0
    private(set) var positions = 0
    private(set) var threads = 0
    let dim: Int, kvDim: Int, ffnDim: Int

    /// `[tokens, dim]` residual stream.
    private(set) var x = UnsafeMutableBufferPointer<Float>(start: nil, count: 0)
    /// `[tokens, dim]` normed rows.
    private(set) var xn = UnsafeMutableBufferPointer<Float>(start: nil, count: 0)
    /// `[tokens, dim]` queries.
    private(set) var q = UnsafeMutableBufferPointer<Float>(start: nil, count: 0)
    /// `[tokens, kvDim]` keys.
    private(set) var k = UnsafeMutableBufferPointer<Float>(start: nil, count: 0)
    /// `[tokens, kvDim]` values.
    private(set) var v = UnsafeMutableBufferPointer<Float>(start: nil, count: 0)
    /// `[tokens, dim]` attention output.
    private(set) var att = UnsafeMutableBufferPointer<Float>(start: nil, count: 0)
    /// `[tokens, dim]` projection output.
    private(set) var proj = UnsafeMutableBufferPointer<Float>(start: nil, count: 0)
    /// `[tokens, ffnDim]` gate, then SwiGLU output.
    private(set) var gate = UnsafeMutableBufferPointer<Float>(start: nil, count: 0)
    /// `[tokens, ffnDim]` up projection.
    private(set) var up = UnsafeMutableBufferPointer<Float>(start: nil, count: 0)
    /// `[threads, positions]` attention scores, one row per pool thread.
    private(set) var scores = UnsafeMutableBufferPointer<Float>(start: nil, count: 0)

    init(dim: Int, kvDim: Int, ffnDim: Int) {
        self.dim = dim
        self.kvDim = kvDim
        self.ffnDim = ffnDim
    }

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
            x = make(t * dim); xn = make(t * dim); q = make(t * dim); att = make(t * dim); proj = make(t * dim)
            k = make(t * kvDim); v = make(t * kvDim)
            gate = make(t * ffnDim); up = make(t * ffnDim)
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

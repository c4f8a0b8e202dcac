import Foundation

/// Scaled dot-product attention of one query head over cached keys and values.
public enum Attention {
    /// How one head attends: the key positions it sees and how scores are shaped.
    public struct Settings: Sendable, Hashable {
        /// Query heads.
        public var heads: Int
        /// Key/value heads; `heads / kvHeads` query heads share one (grouped-query attention).
        public var kvHeads: Int
        /// Elements per query/key head.
        public var keyDim: Int
        /// Elements per value head.
        public var valueDim: Int
        /// Score scale (`1/sqrt(keyDim)` for most models).
        public var scale: Float
        /// Soft-capping of scores, `cap · tanh(s / cap)` (Gemma 2), or `nil`.
        public var softcap: Float?

        public init(heads: Int, kvHeads: Int, keyDim: Int, valueDim: Int, scale: Float, softcap: Float? = nil) {
            self.heads = heads
            self.kvHeads = kvHeads
            self.keyDim = keyDim
            self.valueDim = valueDim
            self.scale = scale
            self.softcap = softcap
        }

        /// The score of a query·key dot product: scaled, then soft-capped when the model caps.
        @inline(__always)
        func score(_ dot: Float) -> Float {
            let score = dot * scale
            guard let cap = softcap else { return score }
            return cap * tanhf(score / cap)
        }
    }

    /// Computes, for query head `head` over key positions `first..<positions` (a sliding
    /// window starts after 0):
    ///
    /// ```
    /// s[p]   = (q_h · k[p, g]) · scale              g = head / (heads / kvHeads)
    /// s[p]   = cap · tanh(s[p] / cap)               (with soft-capping)
    /// out_h  = Σ_p softmax(s)[p] · v[p, g]
    /// ```
    ///
    /// - Parameters:
    ///   - query: `[heads, keyDim]` for one token.
    ///   - keys: `[positions, kvHeads·keyDim]` row-major.
    ///   - values: `[positions, kvHeads·valueDim]` row-major.
    ///   - first: the first key position this query sees.
    ///   - positions: one past the last key position (the query's own position + 1).
    ///   - out: `[heads, valueDim]`; only head `head`'s slice is written.
    ///   - scores: at least `positions` floats; on return `scores[first..<positions]` holds
    ///     the attention probabilities (what training keeps for the backward pass).
    public static func attendHead(
        _ head: Int, query: UnsafeBufferPointer<Float>, keys: UnsafeBufferPointer<Float>,
        values: UnsafeBufferPointer<Float>, first: Int, positions: Int, settings a: Settings,
        out: UnsafeMutableBufferPointer<Float>, scores: UnsafeMutableBufferPointer<Float>
    ) {
        let kDim = a.kvHeads * a.keyDim, vDim = a.kvHeads * a.valueDim
        precondition(
            query.count >= a.heads * a.keyDim && keys.count >= positions * kDim && values.count >= positions * vDim
                && out.count >= a.heads * a.valueDim && scores.count >= positions && head < a.heads
                && a.heads % a.kvHeads == 0 && 0 <= first && first < positions,
            "attendHead: shape mismatch")
        let g = head / (a.heads / a.kvHeads), hd = a.keyDim
        let q = query.baseAddress! + head * hd
        let k = keys.baseAddress! + g * hd
        let v = values.baseAddress! + g * a.valueDim
        let s = scores.baseAddress!
        @inline(__always) func record(_ p: Int, _ dot: Float) { s[p] = a.score(dot) }
        // Four positions side by side (independent chains), each computed as alone.
        var p = first
        if hd % 8 == 0 {
            while p + 4 <= positions {
                let k0 = k + p * kDim
                let d = dot4(q, k0, k0 + kDim, k0 + 2 * kDim, k0 + 3 * kDim, hd)
                record(p, d.0); record(p + 1, d.1); record(p + 2, d.2); record(p + 3, d.3)
                p += 4
            }
        }
        while p < positions {
            record(p, dot(q, k + p * kDim, hd))
            p += 1
        }
        softmax(s, first, positions)
        // out[i] = Σ_p s[p] · v[p, i], one FMA chain per element in position order; 32
        // elements at a time held in registers across the positions.
        let o = out.baseAddress! + head * a.valueDim
        var c = 0
        while c + 32 <= a.valueDim {
            var o0 = SIMD8<Float>(), o1 = SIMD8<Float>(), o2 = SIMD8<Float>(), o3 = SIMD8<Float>()
            for p in first..<positions {
                let w = SIMD8<Float>(repeating: s[p]), vp = v + p * vDim + c
                o0.addProduct(w, load8(vp)); o1.addProduct(w, load8(vp + 8))
                o2.addProduct(w, load8(vp + 16)); o3.addProduct(w, load8(vp + 24))
            }
            store8(o0, o + c); store8(o1, o + c + 8); store8(o2, o + c + 16); store8(o3, o + c + 24)
            c += 32
        }
        for i in c..<a.valueDim {
            var acc: Float = 0
            for p in first..<positions { acc = acc.addingProduct(s[p], v[p * vDim + i]) }
            o[i] = acc
        }
    }

    /// `Σ a[i] · b[i]` over `n` elements as every attention score is computed: one
    /// `SIMD8` FMA chain over the whole multiples of eight, its sum, then the scalar tail.
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc = SIMD8<Float>()
        var i = 0
        while i + 8 <= n {
            acc.addProduct(load8(a + i), load8(b + i))
            i += 8
        }
        var d = acc.sum()
        while i < n {
            d.addProduct(a[i], b[i])
            i += 1
        }
        return d
    }

    /// ``dot(_:_:_:)`` of `q` with four rows at once (`n` a multiple of 8): four independent
    /// chains, each result the same as alone.
    @inline(__always)
    static func dot4(
        _ q: UnsafePointer<Float>, _ k0: UnsafePointer<Float>, _ k1: UnsafePointer<Float>, _ k2: UnsafePointer<Float>,
        _ k3: UnsafePointer<Float>, _ n: Int
    ) -> (Float, Float, Float, Float) {
        var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
        var i = 0
        while i < n {
            let qv = load8(q + i)
            a0.addProduct(qv, load8(k0 + i)); a1.addProduct(qv, load8(k1 + i))
            a2.addProduct(qv, load8(k2 + i)); a3.addProduct(qv, load8(k3 + i))
            i += 8
        }
        return (a0.sum(), a1.sum(), a2.sum(), a3.sum())
    }

    /// Scores `row[first ..< positions]` to probabilities in place: `exp(s − max)` (as
    /// ``Exponential/exp8(_:)``), summed in position order, then each times `1 / sum`. The
    /// maximum is taken in a pass of its own (the same value in any order; with a NaN score
    /// every probability is NaN either way).
    @inline(__always)
    static func softmax(_ row: UnsafeMutablePointer<Float>, _ first: Int, _ positions: Int) {
        exponentiate(row, first, positions)
        var sum: Float = 0
        for p in first..<positions { sum += row[p] }
        normalize(row, first, positions, by: sum)
    }

    /// `row[p] = exp(row[p] − max)` over `first ..< positions`, eight at a time. One pass
    /// takes the maximum and the minimum; when every `row[p] − max` lies inside (−88, 0]
    /// (the usual case) the vector exponential runs without per-vector checks, otherwise
    /// each element goes through ``Exponential/expRef(_:)``. Either way the same bits.
    @inline(__always)
    static func exponentiate(_ row: UnsafeMutablePointer<Float>, _ first: Int, _ positions: Int) {
        var hi8 = SIMD8<Float>(repeating: -.infinity), lo8 = SIMD8<Float>(repeating: .infinity), i = first
        while i + 8 <= positions {
            let x = load8(row + i)
            hi8 = vmax(hi8, x)
            lo8 = vmin(lo8, x)
            i += 8
        }
        var m = hmax(hi8), lo = hmin(lo8)
        while i < positions { m = max(m, row[i]); lo = min(lo, row[i]); i += 1 }
        i = first
        if lo - m > -88 {
            let mv = SIMD8<Float>(repeating: m)
            while i + 8 <= positions {
                store8(Exponential.exp8Normal(load8(row + i) - mv), row + i)
                i += 8
            }
        }
        while i < positions { row[i] = Exponential.expRef(row[i] - m); i += 1 }
    }

    /// `row[p] *= 1 / sum` over `first ..< positions`.
    @inline(__always)
    static func normalize(_ row: UnsafeMutablePointer<Float>, _ first: Int, _ positions: Int, by sum: Float) {
        let inv = 1 / sum
        for p in first..<positions { row[p] *= inv }
    }

    /// Llama attention over all positions `0..<positions` with scale `1/sqrt(headDim)`.
    public static func attendHead(
        _ head: Int, query: UnsafeBufferPointer<Float>, keys: UnsafeBufferPointer<Float>,
        values: UnsafeBufferPointer<Float>, positions: Int, heads: Int, kvHeads: Int, headDim: Int,
        out: UnsafeMutableBufferPointer<Float>, scores: UnsafeMutableBufferPointer<Float>
    ) {
        let settings = Settings(heads: heads, kvHeads: kvHeads, keyDim: headDim, valueDim: headDim,
                                scale: 1 / Float(headDim).squareRoot())
        attendHead(head, query: query, keys: keys, values: values, first: 0, positions: positions, settings: settings,
                   out: out, scores: scores)
    }
}

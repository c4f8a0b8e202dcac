import Foundation

/// Scaled dot-product attention of one query head over cached keys and values.
public enum Attention {
    /// Computes, for query head `head` (with grouped-query sharing `heads / kvHeads` query
    /// heads per key/value head):
    ///
    /// ```
    /// s[p]   = (q_h · k[p, g]) / sqrt(headDim)      for p in 0..<positions, g = head / (heads / kvHeads)
    /// out_h  = Σ_p softmax(s)[p] · v[p, g]
    /// ```
    ///
    /// - Parameters:
    ///   - query: `[heads, headDim]` for one token.
    ///   - keys, values: `[positions, kvHeads·headDim]` row-major (at least `positions` rows).
    ///   - out: `[heads, headDim]`; only head `head`'s slice is written.
    ///   - scores: scratch of at least `positions` floats.
    public static func attendHead(
        _ head: Int, query: UnsafeBufferPointer<Float>, keys: UnsafeBufferPointer<Float>,
        values: UnsafeBufferPointer<Float>, positions: Int, heads: Int, kvHeads: Int, headDim: Int,
        out: UnsafeMutableBufferPointer<Float>, scores: UnsafeMutableBufferPointer<Float>
    ) {
        let kvDim = kvHeads * headDim
        precondition(
            query.count >= heads * headDim && keys.count >= positions * kvDim && values.count >= positions * kvDim
                && out.count >= heads * headDim && scores.count >= positions && head < heads && heads % kvHeads == 0,
            "attendHead: shape mismatch")
        let g = head / (heads / kvHeads)
        let q = query.baseAddress! + head * headDim
        let k = keys.baseAddress! + g * headDim
        let v = values.baseAddress! + g * headDim
        let s = scores.baseAddress!
        let scale = 1 / Float(headDim).squareRoot()
        var m = -Float.infinity
        for p in 0..<positions {
            let kp = k + p * kvDim
            var acc = SIMD8<Float>()
            var i = 0
            while i + 8 <= headDim {
                acc.addProduct(SIMD8(UnsafeBufferPointer(start: q + i, count: 8)), SIMD8(UnsafeBufferPointer(start: kp + i, count: 8)))
                i += 8
            }
            var dot = acc.sum()
            while i < headDim { dot = dot.addingProduct(q[i], kp[i]); i += 1 }
            s[p] = dot * scale
            m = max(m, s[p])
        }
        var sum: Float = 0
        for p in 0..<positions {
            s[p] = expf(s[p] - m)
            sum += s[p]
        }
        let inv = 1 / sum
        let o = out.baseAddress! + head * headDim
        for i in 0..<headDim { o[i] = 0 }
        for p in 0..<positions {
            let w = s[p] * inv
            let vp = v + p * kvDim
            for i in 0..<headDim { o[i] = o[i].addingProduct(w, vp[i]) }
        }
    }
}

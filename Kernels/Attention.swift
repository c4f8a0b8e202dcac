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
        var m = -Float.infinity
        @inline(__always) func record(_ p: Int, _ dot: Float) {
            var score = dot * a.scale
            if let cap = a.softcap { score = cap * tanhf(score / cap) }
            s[p] = score
            m = max(m, score)
        }
        // Each score is one SIMD8 FMA chain over the head, then its sum and the scalar tail;
        // four positions run side by side (independent chains), each computed as alone.
        var p = first
        if hd % 8 == 0 {
            while p + 4 <= positions {
                let k0 = k + p * kDim, k1 = k0 + kDim, k2 = k1 + kDim, k3 = k2 + kDim
                var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
                var i = 0
                while i < hd {
                    let qv = load8(q + i)
                    a0.addProduct(qv, load8(k0 + i)); a1.addProduct(qv, load8(k1 + i))
                    a2.addProduct(qv, load8(k2 + i)); a3.addProduct(qv, load8(k3 + i))
                    i += 8
                }
                record(p, a0.sum()); record(p + 1, a1.sum()); record(p + 2, a2.sum()); record(p + 3, a3.sum())
                p += 4
            }
        }
        while p < positions {
            let kp = k + p * kDim
            var acc = SIMD8<Float>()
            var i = 0
            while i + 8 <= hd {
                acc.addProduct(load8(q + i), load8(kp + i))
                i += 8
            }
            var dot = acc.sum()
            while i < hd { dot = dot.addingProduct(q[i], kp[i]); i += 1 }
            record(p, dot)
            p += 1
        }
        var sum: Float = 0
        for p in first..<positions {
            s[p] = expf(s[p] - m)
            sum += s[p]
        }
        let inv = 1 / sum
        for p in first..<positions { s[p] *= inv }
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

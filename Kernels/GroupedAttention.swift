import Foundation

extension Attention {
    /// The query heads that share key/value head `group` (`heads / kvHeads` of them), for one
    /// token: for each head `h` of the group, exactly what
    /// ``attendHead(_:query:keys:values:first:positions:settings:out:scores:)`` computes,
    /// bit for bit (every score, probability and output element by the same operations in the
    /// same order), but with each cached key and value row read once for the whole group
    /// instead of once per head.
    ///
    /// With grouped-query attention a group's heads read the same rows: TinyLlama's 32 heads
    /// share 4 key/value heads, so head by head each row was read eight times, from L2 or L3
    /// once the cache outgrows L1 (a perf profile of a 1B-model probe put 11% of its time in
    /// attention, on the loads of keys and values).
    ///
    /// - Parameters:
    ///   - group: the key/value head, `0 ..< kvHeads`; its heads are `group · G ..< (group + 1) · G`.
    ///   - query: `[heads, keyDim]` for one token.
    ///   - keys: `[positions, kvHeads·keyDim]` row-major.
    ///   - values: `[positions, kvHeads·valueDim]` row-major.
    ///   - first: the first key position this query sees.
    ///   - positions: one past the last key position (the query's own position + 1).
    ///   - out: `[heads, valueDim]`; only the group's heads' slices are written.
    ///   - scores: at least `G · positions` floats; on return row `j` (`scores[j · positions ..<]`)
    ///     holds head `group · G + j`'s probabilities at `first ..< positions`.
    public static func attendGroup(
        _ group: Int, query: UnsafeBufferPointer<Float>, keys: UnsafeBufferPointer<Float>,
        values: UnsafeBufferPointer<Float>, first: Int, positions: Int, settings a: Settings,
        out: UnsafeMutableBufferPointer<Float>, scores: UnsafeMutableBufferPointer<Float>
    ) {
        let kDim = a.kvHeads * a.keyDim, vDim = a.kvHeads * a.valueDim
        precondition(
            a.kvHeads > 0 && a.heads % a.kvHeads == 0 && 0 <= group && group < a.kvHeads
                && query.count >= a.heads * a.keyDim && keys.count >= positions * kDim && values.count >= positions * vDim
                && out.count >= a.heads * a.valueDim && scores.count >= a.heads / a.kvHeads * positions
                && 0 <= first && first < positions,
            "attendGroup: shape mismatch")
        let heads = a.heads / a.kvHeads, hd = a.keyDim
        let q = query.baseAddress! + group * heads * hd
        let k = keys.baseAddress! + group * hd
        let v = values.baseAddress! + group * a.valueDim
        let s = scores.baseAddress!
        @inline(__always) func record(_ j: Int, _ p: Int, _ dot: Float) { s[j * positions + p] = a.score(dot) }
        // Scores: four key rows at a time (four independent FMA chains, as attendHead
        // runs them), read once from memory and then from L1 for every head's query.
        var p = first
        if hd % 8 == 0 {
            while p + 4 <= positions {
                let k0 = k + p * kDim, k1 = k0 + kDim, k2 = k1 + kDim, k3 = k2 + kDim
                for j in 0..<heads {
                    let d = dot4(q + j * hd, k0, k1, k2, k3, hd)
                    record(j, p, d.0); record(j, p + 1, d.1); record(j, p + 2, d.2); record(j, p + 3, d.3)
                }
                p += 4
            }
        }
        while p < positions {
            for j in 0..<heads { record(j, p, dot(q + j * hd, k + p * kDim, hd)) }
            p += 1
        }
        for j in 0..<heads { softmax(s + j * positions, first, positions) }
        // Outputs: eight elements of up to eight heads at a time, each value row chunk read
        // once for them; every element one FMA chain in position order, as attendHead's.
        let o = out.baseAddress! + group * heads * a.valueDim
        var c = 0
        while c + 8 <= a.valueDim {
            var j0 = 0
            while j0 < heads {
                switch min(8, heads - j0) {
                case 8: outputs(8, j0, c, s, positions, first, v, vDim, o, a.valueDim)
                case 7: outputs(7, j0, c, s, positions, first, v, vDim, o, a.valueDim)
                case 6: outputs(6, j0, c, s, positions, first, v, vDim, o, a.valueDim)
                case 5: outputs(5, j0, c, s, positions, first, v, vDim, o, a.valueDim)
                case 4: outputs(4, j0, c, s, positions, first, v, vDim, o, a.valueDim)
                case 3: outputs(3, j0, c, s, positions, first, v, vDim, o, a.valueDim)
                case 2: outputs(2, j0, c, s, positions, first, v, vDim, o, a.valueDim)
                default: outputs(1, j0, c, s, positions, first, v, vDim, o, a.valueDim)
                }
                j0 += 8
            }
            c += 8
        }
        for j in 0..<heads {
            for i in c..<a.valueDim {
                var acc: Float = 0
                for p in first..<positions { acc = acc.addingProduct(s[j * positions + p], v[p * vDim + i]) }
                o[j * a.valueDim + i] = acc
            }
        }
    }

    /// Elements `c ..< c + 8` of heads `j0 ..< j0 + n` (`n` ≤ 8, a constant at each call site,
    /// so a missing head's accumulator is never computed).
    @inline(__always)
    private static func outputs(
        _ n: Int, _ j0: Int, _ c: Int, _ s: UnsafeMutablePointer<Float>, _ positions: Int, _ first: Int,
        _ v: UnsafePointer<Float>, _ vDim: Int, _ o: UnsafeMutablePointer<Float>, _ valueDim: Int
    ) {
        let r = s + j0 * positions
        var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
        var a4 = SIMD8<Float>(), a5 = SIMD8<Float>(), a6 = SIMD8<Float>(), a7 = SIMD8<Float>()
        for p in first..<positions {
            let vp = load8(v + p * vDim + c)
            a0.addProduct(SIMD8(repeating: r[p]), vp)
            if n > 1 { a1.addProduct(SIMD8(repeating: r[positions + p]), vp) }
            if n > 2 { a2.addProduct(SIMD8(repeating: r[2 * positions + p]), vp) }
            if n > 3 { a3.addProduct(SIMD8(repeating: r[3 * positions + p]), vp) }
            if n > 4 { a4.addProduct(SIMD8(repeating: r[4 * positions + p]), vp) }
            if n > 5 { a5.addProduct(SIMD8(repeating: r[5 * positions + p]), vp) }
            if n > 6 { a6.addProduct(SIMD8(repeating: r[6 * positions + p]), vp) }
            if n > 7 { a7.addProduct(SIMD8(repeating: r[7 * positions + p]), vp) }
        }
        let y = o + j0 * valueDim + c
        store8(a0, y)
        if n > 1 { store8(a1, y + valueDim) }
        if n > 2 { store8(a2, y + 2 * valueDim) }
        if n > 3 { store8(a3, y + 3 * valueDim) }
        if n > 4 { store8(a4, y + 4 * valueDim) }
        if n > 5 { store8(a5, y + 5 * valueDim) }
        if n > 6 { store8(a6, y + 6 * valueDim) }
        if n > 7 { store8(a7, y + 7 * valueDim) }
    }
}

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
        // Scores: four key rows at a time, read once from memory and then from L1 for every
        // head's query. Two heads × four keys are eight independent FMA chains (each the
        // chain attendHead runs), whose eight lane sums come out of one transpose.
        var p = first
        if hd % 8 == 0 {
            let scale = SIMD8<Float>(repeating: a.scale)
            while p + 4 <= positions {
                let k0 = k + p * kDim, k1 = k0 + kDim, k2 = k1 + kDim, k3 = k2 + kDim
                var j = 0
                while j + 2 <= heads {
                    let d = dot2x4(q + j * hd, q + (j + 1) * hd, k0, k1, k2, k3, hd)
                    if a.softcap == nil {
                        let sc = d * scale
                        UnsafeMutableRawPointer(s + j * positions + p).storeBytes(of: sc.lowHalf, as: SIMD4<Float>.self)
                        UnsafeMutableRawPointer(s + (j + 1) * positions + p).storeBytes(of: sc.highHalf, as: SIMD4<Float>.self)
                    } else {
                        for i in 0..<4 { record(j, p + i, d[i]); record(j + 1, p + i, d[4 + i]) }
                    }
                    j += 2
                }
                if j < heads {
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
        // Softmax per head, as attendHead's: exponentials eight at a time, then each head's
        // sum in position order, four heads' chains side by side.
        for j in 0..<heads { exponentiate(s + j * positions, first, positions) }
        var j = 0
        while j + 4 <= heads {
            let r0 = s + j * positions, r1 = r0 + positions, r2 = r1 + positions, r3 = r2 + positions
            var s0: Float = 0, s1: Float = 0, s2: Float = 0, s3: Float = 0
            for p in first..<positions { s0 += r0[p]; s1 += r1[p]; s2 += r2[p]; s3 += r3[p] }
            normalize(r0, first, positions, by: s0); normalize(r1, first, positions, by: s1)
            normalize(r2, first, positions, by: s2); normalize(r3, first, positions, by: s3)
            j += 4
        }
        while j < heads {
            let r = s + j * positions
            var sum: Float = 0
            for p in first..<positions { sum += r[p] }
            normalize(r, first, positions, by: sum)
            j += 1
        }
        // Outputs: sixteen elements of up to four heads at a time (two value loads and four
        // probability broadcasts per position for eight FMAs), then a last eight elements of
        // up to eight heads; every element one FMA chain in position order, as attendHead's.
        let o = out.baseAddress! + group * heads * a.valueDim
        var c = 0
        while c + 16 <= a.valueDim {
            var j0 = 0
            while j0 < heads {
                switch min(4, heads - j0) {
                case 4: outputs16(4, j0, c, s, positions, first, v, vDim, o, a.valueDim)
                case 3: outputs16(3, j0, c, s, positions, first, v, vDim, o, a.valueDim)
                case 2: outputs16(2, j0, c, s, positions, first, v, vDim, o, a.valueDim)
                default: outputs16(1, j0, c, s, positions, first, v, vDim, o, a.valueDim)
                }
                j0 += 4
            }
            c += 16
        }
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

    /// ``dot(_:_:_:)`` of two queries with four rows each (`n` a multiple of 8): eight
    /// independent chains; lanes 0–3 are `qa`'s dots with `k0 … k3`, lanes 4–7 `qb`'s, each
    /// bit for bit the dot alone.
    @inline(__always)
    static func dot2x4(
        _ qa: UnsafePointer<Float>, _ qb: UnsafePointer<Float>, _ k0: UnsafePointer<Float>, _ k1: UnsafePointer<Float>,
        _ k2: UnsafePointer<Float>, _ k3: UnsafePointer<Float>, _ n: Int
    ) -> SIMD8<Float> {
        var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
        var b0 = SIMD8<Float>(), b1 = SIMD8<Float>(), b2 = SIMD8<Float>(), b3 = SIMD8<Float>()
        var i = 0
        while i < n {
            let x = load8(qa + i), y = load8(qb + i)
            let r0 = load8(k0 + i), r1 = load8(k1 + i), r2 = load8(k2 + i), r3 = load8(k3 + i)
            a0.addProduct(x, r0); a1.addProduct(x, r1); a2.addProduct(x, r2); a3.addProduct(x, r3)
            b0.addProduct(y, r0); b1.addProduct(y, r1); b2.addProduct(y, r2); b3.addProduct(y, r3)
            i += 8
        }
        return laneSums(a0, a1, a2, a3, b0, b1, b2, b3)
    }

    /// Elements `c ..< c + 16` of heads `j0 ..< j0 + n` (`n` ≤ 4, a constant at each call
    /// site): per position two value loads, `n` broadcasts and `2n` FMAs.
    @inline(__always)
    private static func outputs16(
        _ n: Int, _ j0: Int, _ c: Int, _ s: UnsafeMutablePointer<Float>, _ positions: Int, _ first: Int,
        _ v: UnsafePointer<Float>, _ vDim: Int, _ o: UnsafeMutablePointer<Float>, _ valueDim: Int
    ) {
        let r0 = s + j0 * positions, r1 = r0 + positions, r2 = r1 + positions, r3 = r2 + positions
        var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
        var b0 = SIMD8<Float>(), b1 = SIMD8<Float>(), b2 = SIMD8<Float>(), b3 = SIMD8<Float>()
        var vp = v + first * vDim + c
        for p in first..<positions {
            let x = load8(vp), y = load8(vp + 8)
            let w0 = SIMD8<Float>(repeating: r0[p])
            a0.addProduct(w0, x); b0.addProduct(w0, y)
            if n > 1 { let w = SIMD8<Float>(repeating: r1[p]); a1.addProduct(w, x); b1.addProduct(w, y) }
            if n > 2 { let w = SIMD8<Float>(repeating: r2[p]); a2.addProduct(w, x); b2.addProduct(w, y) }
            if n > 3 { let w = SIMD8<Float>(repeating: r3[p]); a3.addProduct(w, x); b3.addProduct(w, y) }
            vp += vDim
        }
        let y = o + j0 * valueDim + c
        store8(a0, y); store8(b0, y + 8)
        if n > 1 { store8(a1, y + valueDim); store8(b1, y + valueDim + 8) }
        if n > 2 { store8(a2, y + 2 * valueDim); store8(b2, y + 2 * valueDim + 8) }
        if n > 3 { store8(a3, y + 3 * valueDim); store8(b3, y + 3 * valueDim + 8) }
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

import Foundation

/// The scale searches of ggml's reference k-quant quantizers (`ggml-quants.c`), ported
/// operation for operation so that LowBit writes ggml's exact bytes: same float evaluation
/// order, no fused multiply-adds (ggml's portable base library is built without them), the
/// same integer truncations. Kernel-internal.
enum KQuantSearch {
    /// ggml's `GROUP_MAX_EPS`: groups whose largest magnitude is below it quantize to zero.
    static let groupMaxEps: Float = 1e-15

    /// ggml's `nearest_int`: round half to even through the 1.5·2²³ trick (exact for
    /// |v| ≤ 4194303; beyond that, the same bit-level result as C).
    @inline(__always)
    static func nearestInt(_ v: Float) -> Int32 {
        let i = Int32(bitPattern: (v + 12_582_912).bitPattern)
        return (i & 0x007f_ffff) &- 0x0040_0000
    }

    /// ggml's `make_qx_quants` with `qw == NULL`: symmetric quants `L[i] ∈ [0, 2·nmax)` of
    /// `n` values and their scale, trying 18 nudged scales when `rmseType ≠ 0`.
    static func makeQXQuants(_ n: Int, _ nmax: Int32, _ x: UnsafePointer<Float>, _ L: UnsafeMutablePointer<Int8>, rmseType: Int) -> Float {
        var max: Float = 0, amax: Float = 0
        for i in 0..<n {
            let ax = abs(x[i])
            if ax > amax { amax = ax; max = x[i] }
        }
        if amax < groupMaxEps {
            for i in 0..<n { L[i] = 0 }
            return 0
        }
        let fnmax = Float(nmax)
        var iscale = -fnmax / max
        @inline(__always) func clampL(_ l: Int32) -> Int32 { Swift.max(-nmax, Swift.min(nmax - 1, l)) }
        if rmseType == 0 {
            for i in 0..<n { L[i] = Int8(truncatingIfNeeded: nmax + clampL(nearestInt(iscale * x[i]))) }
            return 1 / iscale
        }
        var rmse = rmseType
        var returnEarly = false
        if rmse < 0 {
            rmse = -rmse
            returnEarly = true
        }
        @inline(__always) func weight(_ v: Float) -> Float {
            switch rmse {
            case 1: return v * v
            case 2: return 1
            case 3: return abs(v)
            default: return abs(v).squareRoot()
            }
        }
        var sumlx: Float = 0, suml2: Float = 0
        for i in 0..<n {
            let l = clampL(nearestInt(iscale * x[i]))
            L[i] = Int8(truncatingIfNeeded: l + nmax)
            let w = weight(x[i])
            let fl = Float(l)
            sumlx += w * x[i] * fl
            suml2 += w * fl * fl
        }
        var scale: Float = suml2 != 0 ? sumlx / suml2 : 0
        if returnEarly { return suml2 > 0 ? 0.5 * (scale + 1 / iscale) : 1 / iscale }
        var best = scale * sumlx
        for step in -9...9 where step != 0 {
            iscale = -(fnmax + 0.1 * Float(step)) / max
            sumlx = 0
            suml2 = 0
            for i in 0..<n {
                let fl = Float(clampL(nearestInt(iscale * x[i])))
                let w = weight(x[i])
                sumlx += w * x[i] * fl
                suml2 += w * fl * fl
            }
            if suml2 > 0 && sumlx * sumlx > best * suml2 {
                for i in 0..<n { L[i] = Int8(truncatingIfNeeded: nmax + clampL(nearestInt(iscale * x[i]))) }
                scale = sumlx / suml2
                best = scale * sumlx
            }
        }
        return scale
    }

    /// ggml's `make_q3_quants`: symmetric quants `L[i] ∈ [0, 2·nmax)` with up to five
    /// rounds of per-element refinement (`doRMSE`).
    static func makeQ3Quants(_ n: Int, _ nmax: Int32, _ x: UnsafePointer<Float>, _ L: UnsafeMutablePointer<Int8>, doRMSE: Bool) -> Float {
        var max: Float = 0, amax: Float = 0
        for i in 0..<n {
            let ax = abs(x[i])
            if ax > amax { amax = ax; max = x[i] }
        }
        if amax < groupMaxEps {
            for i in 0..<n { L[i] = 0 }
            return 0
        }
        let iscale = -Float(nmax) / max
        @inline(__always) func clampL(_ l: Int32) -> Int32 { Swift.max(-nmax, Swift.min(nmax - 1, l)) }
        if doRMSE {
            var sumlx: Float = 0, suml2: Float = 0
            for i in 0..<n {
                let l = clampL(nearestInt(iscale * x[i]))
                L[i] = Int8(truncatingIfNeeded: l)
                let w = x[i] * x[i]
                sumlx += w * x[i] * Float(l)
                suml2 += w * Float(l) * Float(l)
            }
            for _ in 0..<5 {
                var changed = 0
                for i in 0..<n {
                    let w = x[i] * x[i]
                    let li = Float(L[i])
                    var slx = sumlx - w * x[i] * li
                    if slx > 0 {
                        var sl2 = suml2 - w * li * li
                        let newL = clampL(nearestInt(x[i] * sl2 / slx))
                        if newL != Int32(L[i]) {
                            slx += w * x[i] * Float(newL)
                            sl2 += w * Float(newL) * Float(newL)
                            if sl2 > 0 && slx * slx * suml2 > sumlx * sumlx * sl2 {
                                L[i] = Int8(truncatingIfNeeded: newL)
                                sumlx = slx
                                suml2 = sl2
                                changed += 1
                            }
                        }
                    }
                }
                if changed == 0 { break }
            }
            for i in 0..<n { L[i] = L[i] &+ Int8(truncatingIfNeeded: nmax) }
            return suml2 > 0 ? sumlx / suml2 : 0
        }
        for i in 0..<n { L[i] = Int8(truncatingIfNeeded: clampL(nearestInt(iscale * x[i])) + nmax) }
        return 1 / iscale
    }

    /// ggml's `make_qkx2_quants`: asymmetric quants `L[i] ∈ [0, nmax]` with a scale and a
    /// minimum (returned negated in `theMin`), searching `nstep + 1` scales for the least
    /// weighted error (absolute with `useMAD`, squared otherwise).
    static func makeQKX2Quants(
        _ n: Int, _ nmax: Int32, _ x: UnsafePointer<Float>, _ weights: UnsafePointer<Float>,
        _ L: UnsafeMutablePointer<UInt8>, _ theMin: inout Float, _ Laux: UnsafeMutablePointer<UInt8>,
        rmin: Float, rdelta: Float, nstep: Int, useMAD: Bool
    ) -> Float {
        var min = x[0], max = x[0]
        var sumW = weights[0]
        var sumX = sumW * x[0]
        for i in 1..<n {
            if x[i] < min { min = x[i] }
            if x[i] > max { max = x[i] }
            let w = weights[i]
            sumW += w
            sumX += w * x[i]
        }
        if min > 0 { min = 0 }
        if max == min {
            for i in 0..<n { L[i] = 0 }
            theMin = -min
            return 0
        }
        let fnmax = Float(nmax)
        var iscale = fnmax / (max - min)
        var scale = 1 / iscale
        var bestError: Float = 0
        for i in 0..<n {
            let l = nearestInt(iscale * (x[i] - min))
            L[i] = UInt8(truncatingIfNeeded: Swift.max(0, Swift.min(nmax, l)))
            var diff = scale * Float(L[i]) + min - x[i]
            diff = useMAD ? abs(diff) : diff * diff
            bestError += weights[i] * diff
        }
        if nstep < 1 {
            theMin = -min
            return scale
        }
        for step in 0...nstep {
            iscale = (rmin + rdelta * Float(step) + fnmax) / (max - min)
            var sumL: Float = 0, sumL2: Float = 0, sumXL: Float = 0
            for i in 0..<n {
                let l = Swift.max(0, Swift.min(nmax, nearestInt(iscale * (x[i] - min))))
                Laux[i] = UInt8(truncatingIfNeeded: l)
                let w = weights[i], fl = Float(l)
                sumL += w * fl
                sumL2 += w * fl * fl
                sumXL += w * fl * x[i]
            }
            let D = sumW * sumL2 - sumL * sumL
            if D > 0 {
                var thisScale = (sumW * sumXL - sumX * sumL) / D
                var thisMin = (sumL2 * sumX - sumL * sumXL) / D
                if thisMin > 0 {
                    thisMin = 0
                    thisScale = sumXL / sumL2
                }
                var curError: Float = 0
                for i in 0..<n {
                    var diff = thisScale * Float(Laux[i]) + thisMin - x[i]
                    diff = useMAD ? abs(diff) : diff * diff
                    curError += weights[i] * diff
                }
                if curError < bestError {
                    for i in 0..<n { L[i] = Laux[i] }
                    bestError = curError
                    scale = thisScale
                    min = thisMin
                }
            }
        }
        theMin = -min
        return scale
    }

    /// ggml's `get_scale_min_k4`: the 6-bit scale and minimum of sub-block `j` (0–7) from
    /// the 12 packed bytes of a Q4_K/Q5_K block.
    @inline(__always)
    static func scaleMinK4(_ j: Int, _ q: UnsafeRawPointer) -> (UInt8, UInt8) {
        @inline(__always) func b(_ i: Int) -> UInt8 { q.load(fromByteOffset: i, as: UInt8.self) }
        if j < 4 { return (b(j) & 63, b(j + 4) & 63) }
        return ((b(j + 4) & 0xF) | ((b(j - 4) >> 6) << 4), (b(j + 4) >> 4) | ((b(j) >> 6) << 4))
    }

    /// Packs eight 6-bit scales and minimums into 12 bytes, as ggml's Q4_K/Q5_K quantizers do.
    static func packScalesMinsK4(_ ls: [UInt8], _ lm: [UInt8], into out: UnsafeMutableRawPointer) {
        var s = [UInt8](repeating: 0, count: 12)
        for j in 0..<8 {
            if j < 4 {
                s[j] = ls[j]
                s[j + 4] = lm[j]
            } else {
                s[j + 4] = (ls[j] & 0xF) | ((lm[j] & 0xF) << 4)
                s[j - 4] |= ((ls[j] >> 4) << 6)
                s[j] |= ((lm[j] >> 4) << 6)
            }
        }
        for i in 0..<12 { out.storeBytes(of: s[i], toByteOffset: i, as: UInt8.self) }
    }

    /// The asymmetric super-block quantizer shared by Q4_K (`nmax` 15) and Q5_K (31): eight
    /// sub-blocks of 32 with weights `√mean(x²) + |x|`, scales and minimums quantized to 6
    /// bits against `d`, `dmin`. Writes `d`, `dmin` (fp16) and the 12 scale bytes at `out`
    /// and returns the final quants `L[256]`.
    static func quantizeScaleMinSuperBlock(
        _ x: UnsafePointer<Float>, nmax: Int32, rmin: Float, nstep: Int, out: UnsafeMutableRawPointer
    ) -> [UInt8] {
        var L = [UInt8](repeating: 0, count: 256)
        var Laux = [UInt8](repeating: 0, count: 32)
        var weights = [Float](repeating: 0, count: 32)
        var mins = [Float](repeating: 0, count: 8), scales = [Float](repeating: 0, count: 8)
        var maxScale: Float = 0, maxMin: Float = 0
        L.withUnsafeMutableBufferPointer { Lb in
            Laux.withUnsafeMutableBufferPointer { La in
                weights.withUnsafeMutableBufferPointer { wb in
                    for j in 0..<8 {
                        let xs = x + 32 * j
                        var sumX2: Float = 0
                        for l in 0..<32 { sumX2 += xs[l] * xs[l] }
                        let avX = (sumX2 / 32).squareRoot()
                        for l in 0..<32 { wb[l] = avX + abs(xs[l]) }
                        scales[j] = makeQKX2Quants(
                            32, nmax, xs, UnsafePointer(wb.baseAddress!), Lb.baseAddress! + 32 * j, &mins[j], La.baseAddress!,
                            rmin: rmin, rdelta: 0.1, nstep: nstep, useMAD: false)
                        if scales[j] > maxScale { maxScale = scales[j] }
                        if mins[j] > maxMin { maxMin = mins[j] }
                    }
                }
            }
        }
        let invScale: Float = maxScale > 0 ? 63 / maxScale : 0
        let invMin: Float = maxMin > 0 ? 63 / maxMin : 0
        var ls = [UInt8](repeating: 0, count: 8), lm = [UInt8](repeating: 0, count: 8)
        for j in 0..<8 {
            ls[j] = Swift.min(63, UInt8(truncatingIfNeeded: nearestInt(invScale * scales[j])))
            lm[j] = Swift.min(63, UInt8(truncatingIfNeeded: nearestInt(invMin * mins[j])))
        }
        storeU16(out, 0, HalfConversion.f16Bits(maxScale / 63))
        storeU16(out, 2, HalfConversion.f16Bits(maxMin / 63))
        packScalesMinsK4(ls, lm, into: out + 4)
        let d = loadF16(out, 0), dmin = loadF16(out, 2)
        for j in 0..<8 {
            let (sc, m) = scaleMinK4(j, out + 4)
            let dj = d * Float(sc)
            if dj == 0 { continue }
            let dm = dmin * Float(m)
            for ii in 0..<32 {
                let l = nearestInt((x[32 * j + ii] + dm) / dj)
                L[32 * j + ii] = UInt8(truncatingIfNeeded: Swift.max(0, Swift.min(nmax, l)))
            }
        }
        return L
    }
}

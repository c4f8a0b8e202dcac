/// The Q2_K super-block: 256 weights in 16 sub-blocks of 16, 2-bit codes with a 4-bit scale
/// and a 4-bit minimum per sub-block (84 bytes, 2.625 bits per weight).
///
/// ```
/// w = d · (sc & 15) · q − dmin · (sc >> 4)          q ∈ 0…3
/// ```
/// Layout: `[scales: 16 bytes][qs: 64 bytes][d: fp16][dmin: fp16]`. Element `128k + 32j + l`
/// (k < 2, j < 4, l < 32) is bits `2j…2j+1` of `qs[32k + l]`, in sub-block `8k + 2j + l/16`.
/// Identical to ggml's `block_q2_K`; quantized by ggml's `quantize_row_q2_K_ref` (scales by
/// `make_qkx2_quants` with |x| weights and the absolute error). Dot products read Q8_K.
enum BlockQ2_K: BlockwiseFormat {
    typealias Activations = ActivationsQ8_K
    static var type: GGMLType { .q2_K }
    static let count = 256
    static let bytes = 84

    static func quantizeRef(_ x: UnsafePointer<Float>, _ out: UnsafeMutableRawPointer) {
        var L = [UInt8](repeating: 0, count: 256)
        var Laux = [UInt8](repeating: 0, count: 16)
        var weights = [Float](repeating: 0, count: 16)
        var mins = [Float](repeating: 0, count: 16), scales = [Float](repeating: 0, count: 16)
        let q4scale: Float = 15
        var maxScale: Float = 0, maxMin: Float = 0
        L.withUnsafeMutableBufferPointer { Lb in
            Laux.withUnsafeMutableBufferPointer { La in
                weights.withUnsafeMutableBufferPointer { wb in
                    for j in 0..<16 {
                        for l in 0..<16 { wb[l] = abs(x[16 * j + l]) }
                        scales[j] = KQuantSearch.makeQKX2Quants(
                            16, 3, x + 16 * j, UnsafePointer(wb.baseAddress!), Lb.baseAddress! + 16 * j, &mins[j], La.baseAddress!,
                            rmin: -0.5, rdelta: 0.1, nstep: 15, useMAD: true)
                        if scales[j] > maxScale { maxScale = scales[j] }
                        if mins[j] > maxMin { maxMin = mins[j] }
                    }
                }
            }
        }
        var sc = [UInt8](repeating: 0, count: 16)
        if maxScale > 0 {
            let iscale = q4scale / maxScale
            for j in 0..<16 { sc[j] = UInt8(truncatingIfNeeded: KQuantSearch.nearestInt(iscale * scales[j])) }
            storeU16(out, 80, HalfConversion.f16Bits(maxScale / q4scale))
        } else {
            storeU16(out, 80, HalfConversion.f16Bits(0))
        }
        if maxMin > 0 {
            let iscale = q4scale / maxMin
            for j in 0..<16 { sc[j] |= UInt8(truncatingIfNeeded: KQuantSearch.nearestInt(iscale * mins[j]) << 4) }
            storeU16(out, 82, HalfConversion.f16Bits(maxMin / q4scale))
        } else {
            storeU16(out, 82, HalfConversion.f16Bits(0))
        }
        let d = loadF16(out, 80), dmin = loadF16(out, 82)
        for j in 0..<16 {
            let dj = d * Float(sc[j] & 0xF)
            if dj == 0 { continue }
            let dm = dmin * Float(sc[j] >> 4)
            for ii in 0..<16 {
                let l = KQuantSearch.nearestInt((x[16 * j + ii] + dm) / dj)
                L[16 * j + ii] = UInt8(max(0, min(3, l)))
            }
        }
        for j in 0..<16 { out.storeBytes(of: sc[j], toByteOffset: j, as: UInt8.self) }
        for j in stride(from: 0, to: 256, by: 128) {
            for l in 0..<32 {
                let q = L[j + l] | (L[j + l + 32] << 2) | (L[j + l + 64] << 4) | (L[j + l + 96] << 6)
                out.storeBytes(of: q, toByteOffset: 16 + j / 4 + l, as: UInt8.self)
            }
        }
    }

    @inline(__always)
    static func code(_ b: UnsafeRawPointer, _ e: Int) -> Int32 {
        let k = e / 128, j = (e % 128) / 32, l = e % 32
        return Int32((b.load(fromByteOffset: 16 + 32 * k + l, as: UInt8.self) >> UInt8(2 * j)) & 3)
    }

    static func dequantizeRef(_ b: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = loadF16(b, 80), dmin = loadF16(b, 82)
        for e in 0..<256 {
            let sc = b.load(fromByteOffset: e / 16, as: UInt8.self)
            let dl = d * Float(sc & 0xF), ml = dmin * Float(sc >> 4)
            y[e] = dl * Float(code(b, e)) - ml
        }
    }

    static func dotRef(_ w: UnsafeRawPointer, _ x: Q8_KRow, count: Int) -> Float {
        var sumf: Float = 0
        for i in 0..<(count / 256) {
            let p = w + 84 * i
            var summs: Int32 = 0, isum: Int32 = 0
            for g in 0..<16 {
                let sc = p.load(fromByteOffset: g, as: UInt8.self)
                summs += x.groupSums[16 * i + g] * Int32(sc >> 4)
                var s: Int32 = 0
                for l in 0..<16 { s += Int32(x.codes[256 * i + 16 * g + l]) * code(p, 16 * g + l) }
                isum += Int32(sc & 0xF) * s
            }
            let dall = x.scales[i] * loadF16(p, 80), dmin = x.scales[i] * loadF16(p, 82)
            sumf += dall * Float(isum) - dmin * Float(summs)
        }
        return sumf
    }

    static func dequantizeRow(_ src: UnsafeRawPointer, into dst: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<(count / 256) {
            let p = src + 84 * i, y = dst + 256 * i
            let d = loadF16(p, 80), dmin = loadF16(p, 82)
            for k in 0..<2 {
                let v0 = load16U8(p + 16 + 32 * k), v1 = load16U8(p + 16 + 32 * k + 16)
                for j in 0..<4 {
                    let s = Int16(2 * j)
                    let sc0 = p.load(fromByteOffset: 8 * k + 2 * j, as: UInt8.self)
                    let sc1 = p.load(fromByteOffset: 8 * k + 2 * j + 1, as: UInt8.self)
                    let e = 128 * k + 32 * j
                    storeScaled((v0 &>> s) & 3, d * Float(sc0 & 0xF), minus: dmin * Float(sc0 >> 4), y + e)
                    storeScaled((v1 &>> s) & 3, d * Float(sc1 & 0xF), minus: dmin * Float(sc1 >> 4), y + e + 16)
                }
            }
        }
    }

    static func dot(_ w: UnsafeRawPointer, _ x: Q8_KRow, count: Int) -> Float {
        #if arch(x86_64)
        AVX2.dot(AVX2.Q2_K.self, w, x, blocks: count / 256)
        #else
        dotPortable(w, x, count: count)
        #endif
    }

    /// The portable SIMD dot product (the arm64 path; tested against the reference on x86 too).
    static func dotPortable(_ w: UnsafeRawPointer, _ x: Q8_KRow, count: Int) -> Float {
        var sumf: Float = 0
        for i in 0..<(count / 256) {
            let p = w + 84 * i, xq = x.codes + 256 * i, gs = x.groupSums + 16 * i
            var acc = SIMD8<Int32>()
            var summs: Int32 = 0
            for k in 0..<2 {
                let v0 = load16U8(p + 16 + 32 * k), v1 = load16U8(p + 16 + 32 * k + 16)
                for j in 0..<4 {
                    let s = Int16(2 * j), g = 8 * k + 2 * j
                    let sc0 = p.load(fromByteOffset: g, as: UInt8.self), sc1 = p.load(fromByteOffset: g + 1, as: UInt8.self)
                    acc &+= scaledMadd((v0 &>> s) & 3, Int16(sc0 & 0xF), xq + 16 * g)
                    acc &+= scaledMadd((v1 &>> s) & 3, Int16(sc1 & 0xF), xq + 16 * g + 16)
                    summs &+= gs[g] &* Int32(sc0 >> 4) &+ gs[g + 1] &* Int32(sc1 >> 4)
                }
            }
            let dall = x.scales[i] * loadF16(p, 80), dmin = x.scales[i] * loadF16(p, 82)
            sumf += dall * Float(hsum(acc)) - dmin * Float(summs)
        }
        return sumf
    }
}

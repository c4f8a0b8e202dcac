/// The Q6_K super-block: 256 weights in 16 sub-blocks of 16, 6-bit signed codes with an
/// 8-bit signed scale per sub-block (210 bytes, 6.5625 bits per weight).
///
/// ```
/// w = d · sc · q          q = (low4 | high2 << 4) − 32 ∈ −32…31
/// ```
/// Layout: `[ql: 128 bytes][qh: 64 bytes][scales: 16 × int8][d: fp16]`. For half `k < 2`
/// and `l < 32`: element `128k + l` is the low nibble of `ql[64k + l]` with bits 0–1 of
/// `qh[32k + l]`; `128k + 32 + l` the low nibble of `ql[64k + 32 + l]` with bits 2–3;
/// `128k + 64 + l` the high nibble of `ql[64k + l]` with bits 4–5; `128k + 96 + l` the high
/// nibble of `ql[64k + 32 + l]` with bits 6–7. Identical to ggml's `block_q6_K`; quantized
/// by `quantize_row_q6_K_ref` (`make_qx_quants` with x² weights). Dot products read Q8_K.
enum BlockQ6_K: BlockwiseFormat {
    typealias Activations = ActivationsQ8_K
    static var type: GGMLType { .q6_K }
    static let count = 256
    static let bytes = 210

    static func quantizeRef(_ x: UnsafePointer<Float>, _ out: UnsafeMutableRawPointer) {
        var L = [Int8](repeating: 0, count: 256)
        var scales = [Float](repeating: 0, count: 16)
        var maxScale: Float = 0, maxAbsScale: Float = 0
        L.withUnsafeMutableBufferPointer { Lb in
            for ib in 0..<16 {
                let scale = KQuantSearch.makeQXQuants(16, 32, x + 16 * ib, Lb.baseAddress! + 16 * ib, rmseType: 1)
                scales[ib] = scale
                let a = abs(scale)
                if a > maxAbsScale { maxAbsScale = a; maxScale = scale }
            }
        }
        if maxAbsScale < KQuantSearch.groupMaxEps {
            out.initializeMemory(as: UInt8.self, repeating: 0, count: 210)
            return
        }
        let iscale = -128 / maxScale
        storeU16(out, 208, HalfConversion.f16Bits(1 / iscale))
        var sc = [Int8](repeating: 0, count: 16)
        for ib in 0..<16 { sc[ib] = Int8(truncatingIfNeeded: min(127, KQuantSearch.nearestInt(iscale * scales[ib]))) }
        let d = loadF16(out, 208)
        for j in 0..<16 {
            let dj = d * Float(sc[j])
            if dj == 0 { continue }
            for ii in 0..<16 {
                let l = KQuantSearch.nearestInt(x[16 * j + ii] / dj)
                L[16 * j + ii] = Int8(max(-32, min(31, l)) + 32)
            }
        }
        for ib in 0..<16 { out.storeBytes(of: sc[ib], toByteOffset: 192 + ib, as: Int8.self) }
        for k in 0..<2 {
            let j = 128 * k
            for l in 0..<32 {
                let q1 = UInt8(L[j + l]) & 0xF, q2 = UInt8(L[j + l + 32]) & 0xF
                let q3 = UInt8(L[j + l + 64]) & 0xF, q4 = UInt8(L[j + l + 96]) & 0xF
                out.storeBytes(of: q1 | (q3 << 4), toByteOffset: 64 * k + l, as: UInt8.self)
                out.storeBytes(of: q2 | (q4 << 4), toByteOffset: 64 * k + l + 32, as: UInt8.self)
                let h = (UInt8(L[j + l]) >> 4) | ((UInt8(L[j + l + 32]) >> 4) << 2) | ((UInt8(L[j + l + 64]) >> 4) << 4)
                    | ((UInt8(L[j + l + 96]) >> 4) << 6)
                out.storeBytes(of: h, toByteOffset: 128 + 32 * k + l, as: UInt8.self)
            }
        }
    }

    @inline(__always)
    static func code(_ b: UnsafeRawPointer, _ e: Int) -> Int32 {
        let k = e / 128, r = e % 128, quarter = r / 32, l = r % 32
        let ql = b.load(fromByteOffset: 64 * k + l + (quarter % 2) * 32, as: UInt8.self)
        let low = quarter < 2 ? ql & 0xF : ql >> 4
        let high = (b.load(fromByteOffset: 128 + 32 * k + l, as: UInt8.self) >> UInt8(2 * quarter)) & 3
        return Int32(low | high << 4) - 32
    }

    @inline(__always)
    static func scale(_ b: UnsafeRawPointer, _ g: Int) -> Int8 { b.load(fromByteOffset: 192 + g, as: Int8.self) }

    static func dequantizeRef(_ b: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = loadF16(b, 208)
        for e in 0..<256 { y[e] = d * Float(scale(b, e / 16)) * Float(code(b, e)) }
    }

    static func dotRef(_ w: UnsafeRawPointer, _ x: Q8_KRow, count: Int) -> Float {
        var sumf: Float = 0
        for i in 0..<(count / 256) {
            let p = w + 210 * i
            var isum: Int32 = 0
            for g in 0..<16 {
                var s: Int32 = 0
                for l in 0..<16 { s += Int32(x.codes[256 * i + 16 * g + l]) * code(p, 16 * g + l) }
                isum += Int32(scale(p, g)) * s
            }
            sumf += loadF16(p, 208) * x.scales[i] * Float(isum)
        }
        return sumf
    }

    /// The four code vectors of elements `128k + 32·quarter + 16h + (0…15)`, quarter 0–3.
    @inline(__always)
    static func codes16(_ b: UnsafeRawPointer, k: Int, h: Int)
        -> (SIMD16<Int16>, SIMD16<Int16>, SIMD16<Int16>, SIMD16<Int16>)
    {
        let a = load16U8(b + 64 * k + 16 * h), c = load16U8(b + 64 * k + 32 + 16 * h), hi = load16U8(b + 128 + 32 * k + 16 * h)
        return (
            ((a & 0xF) | ((hi & 3) &<< 4)) &- 32,
            ((c & 0xF) | (((hi &>> 2) & 3) &<< 4)) &- 32,
            ((a &>> 4) | (((hi &>> 4) & 3) &<< 4)) &- 32,
            ((c &>> 4) | (((hi &>> 6) & 3) &<< 4)) &- 32)
    }

    static func dequantizeRow(_ src: UnsafeRawPointer, into dst: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<(count / 256) {
            let b = src + 210 * i, y = dst + 256 * i
            let d = loadF16(b, 208)
            for k in 0..<2 {
                for h in 0..<2 {
                    let (q1, q2, q3, q4) = codes16(b, k: k, h: h)
                    let g = 8 * k + h, e = 128 * k + 16 * h
                    storeScaled(q1, d * Float(scale(b, g)), minus: 0, y + e)
                    storeScaled(q2, d * Float(scale(b, g + 2)), minus: 0, y + e + 32)
                    storeScaled(q3, d * Float(scale(b, g + 4)), minus: 0, y + e + 64)
                    storeScaled(q4, d * Float(scale(b, g + 6)), minus: 0, y + e + 96)
                }
            }
        }
    }

    static func dot(_ w: UnsafeRawPointer, _ x: Q8_KRow, count: Int) -> Float {
        #if arch(x86_64)
        AVX2.dot(AVX2.Q6_K.self, w, x, blocks: count / 256)
        #else
        dotPortable(w, x, count: count)
        #endif
    }

    /// The portable SIMD dot product (the arm64 path; tested against the reference on x86 too).
    static func dotPortable(_ w: UnsafeRawPointer, _ x: Q8_KRow, count: Int) -> Float {
        var sumf: Float = 0
        for i in 0..<(count / 256) {
            let b = w + 210 * i, xq = x.codes + 256 * i
            var acc = SIMD8<Int32>()
            for k in 0..<2 {
                for h in 0..<2 {
                    let (q1, q2, q3, q4) = codes16(b, k: k, h: h)
                    let g = 8 * k + h, e = 128 * k + 16 * h
                    acc &+= scaledMadd(q1, Int16(scale(b, g)), xq + e) &+ scaledMadd(q2, Int16(scale(b, g + 2)), xq + e + 32)
                    acc &+= scaledMadd(q3, Int16(scale(b, g + 4)), xq + e + 64) &+ scaledMadd(q4, Int16(scale(b, g + 6)), xq + e + 96)
                }
            }
            sumf += loadF16(b, 208) * x.scales[i] * Float(hsum(acc))
        }
        return sumf
    }
}

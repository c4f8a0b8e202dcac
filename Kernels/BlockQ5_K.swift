/// The Q5_K super-block: 256 weights in 8 sub-blocks of 32, 5-bit codes with a 6-bit scale
/// and a 6-bit minimum per sub-block (176 bytes, 5.5 bits per weight).
///
/// ```
/// w = d · sc · q − dmin · m          q ∈ 0…31
/// ```
/// Layout: `[d: fp16][dmin: fp16][scales: 12 bytes][qh: 32 bytes][qs: 128 bytes]`. Element
/// `64p + l` (p < 4, l < 32) is the low nibble of `qs[32p + l]` plus bit `2p` of `qh[l]`
/// as its fifth bit (sub-block `2p`); element `64p + 32 + l` the high nibble plus bit
/// `2p + 1` (sub-block `2p + 1`). Scales as in Q4_K. Identical to ggml's `block_q5_K`;
/// quantized by `quantize_row_q5_K_ref`. Dot products read Q8_K.
enum BlockQ5_K: BlockwiseFormat {
    typealias Activations = ActivationsQ8_K
    static var type: GGMLType { .q5_K }
    static let count = 256
    static let bytes = 176

    static func quantizeRef(_ x: UnsafePointer<Float>, _ out: UnsafeMutableRawPointer) {
        let L = KQuantSearch.quantizeScaleMinSuperBlock(x, nmax: 31, rmin: -0.5, nstep: 15, out: out)
        var qh = [UInt8](repeating: 0, count: 32)
        var m1: UInt8 = 1, m2: UInt8 = 2
        for p in 0..<4 {
            for j in 0..<32 {
                var l1 = L[64 * p + j], l2 = L[64 * p + j + 32]
                if l1 > 15 { l1 -= 16; qh[j] |= m1 }
                if l2 > 15 { l2 -= 16; qh[j] |= m2 }
                out.storeBytes(of: l1 | (l2 << 4), toByteOffset: 48 + 32 * p + j, as: UInt8.self)
            }
            m1 <<= 2
            m2 <<= 2
        }
        for j in 0..<32 { out.storeBytes(of: qh[j], toByteOffset: 16 + j, as: UInt8.self) }
    }

    @inline(__always)
    static func code(_ b: UnsafeRawPointer, _ e: Int) -> Int32 {
        let p = e / 64, l = e % 32, upper = (e % 64) >= 32
        let byte = b.load(fromByteOffset: 48 + 32 * p + l, as: UInt8.self)
        let high = (b.load(fromByteOffset: 16 + l, as: UInt8.self) >> UInt8(2 * p + (upper ? 1 : 0))) & 1
        return Int32(upper ? byte >> 4 : byte & 0xF) + (high != 0 ? 16 : 0)
    }

    static func dequantizeRef(_ b: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = loadF16(b, 0), dmin = loadF16(b, 2)
        for e in 0..<256 {
            let (sc, m) = KQuantSearch.scaleMinK4(e / 32, b + 4)
            y[e] = d * Float(sc) * Float(code(b, e)) - dmin * Float(m)
        }
    }

    static func dotRef(_ w: UnsafeRawPointer, _ x: Q8_KRow, count: Int) -> Float {
        var sumf: Float = 0
        for i in 0..<(count / 256) {
            let p = w + 176 * i
            var isum: Int32 = 0, mins: Int32 = 0
            for s in 0..<8 {
                let (sc, m) = KQuantSearch.scaleMinK4(s, p + 4)
                var t: Int32 = 0
                for l in 0..<32 { t += Int32(x.codes[256 * i + 32 * s + l]) * code(p, 32 * s + l) }
                isum += Int32(sc) * t
                mins += Int32(m) * (x.groupSums[16 * i + 2 * s] + x.groupSums[16 * i + 2 * s + 1])
            }
            sumf += x.scales[i] * loadF16(p, 0) * Float(isum) - x.scales[i] * loadF16(p, 2) * Float(mins)
        }
        return sumf
    }

    /// Codes of elements `64p + 32·upper + 16h + (0…15)`: nibbles of `v` plus 16 where bit
    /// `2p + upper` of `qh` is set.
    @inline(__always)
    static func codes16(_ v: SIMD16<Int16>, _ qh: SIMD16<Int16>, p: Int, upper: Bool) -> SIMD16<Int16> {
        let bit = Int16(2 * p + (upper ? 1 : 0))
        return (upper ? v &>> 4 : v & 0xF) | (((qh &>> bit) & 1) &<< 4)
    }

    static func dequantizeRow(_ src: UnsafeRawPointer, into dst: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<(count / 256) {
            let b = src + 176 * i, y = dst + 256 * i
            let d = loadF16(b, 0), dmin = loadF16(b, 2)
            let qh0 = load16U8(b + 16), qh1 = load16U8(b + 32)
            for p in 0..<4 {
                let (s0, m0) = KQuantSearch.scaleMinK4(2 * p, b + 4), (s1, m1) = KQuantSearch.scaleMinK4(2 * p + 1, b + 4)
                let d1 = d * Float(s0), dm1 = dmin * Float(m0), d2 = d * Float(s1), dm2 = dmin * Float(m1)
                for h in 0..<2 {
                    let v = load16U8(b + 48 + 32 * p + 16 * h), qh = h == 0 ? qh0 : qh1
                    storeScaled(codes16(v, qh, p: p, upper: false), d1, minus: dm1, y + 64 * p + 16 * h)
                    storeScaled(codes16(v, qh, p: p, upper: true), d2, minus: dm2, y + 64 * p + 32 + 16 * h)
                }
            }
        }
    }

    static func dot(_ w: UnsafeRawPointer, _ x: Q8_KRow, count: Int) -> Float {
        #if arch(x86_64)
        AVX2.dot(AVX2.Q5_K.self, w, x, blocks: count / 256)
        #else
        dotPortable(w, x, count: count)
        #endif
    }

    /// The portable SIMD dot product (the arm64 path; tested against the reference on x86 too).
    static func dotPortable(_ w: UnsafeRawPointer, _ x: Q8_KRow, count: Int) -> Float {
        var sumf: Float = 0
        for i in 0..<(count / 256) {
            let b = w + 176 * i, xq = x.codes + 256 * i, gs = x.groupSums + 16 * i
            let qh0 = load16U8(b + 16), qh1 = load16U8(b + 32)
            var acc = SIMD8<Int32>()
            var mins: Int32 = 0
            for p in 0..<4 {
                let (s0, m0) = KQuantSearch.scaleMinK4(2 * p, b + 4), (s1, m1) = KQuantSearch.scaleMinK4(2 * p + 1, b + 4)
                let v0 = load16U8(b + 48 + 32 * p), v1 = load16U8(b + 64 + 32 * p)
                let x0 = xq + 64 * p
                acc &+= scaledMadd(codes16(v0, qh0, p: p, upper: false), Int16(s0), x0)
                acc &+= scaledMadd(codes16(v1, qh1, p: p, upper: false), Int16(s0), x0 + 16)
                acc &+= scaledMadd(codes16(v0, qh0, p: p, upper: true), Int16(s1), x0 + 32)
                acc &+= scaledMadd(codes16(v1, qh1, p: p, upper: true), Int16(s1), x0 + 48)
                mins &+= Int32(m0) &* (gs[4 * p] &+ gs[4 * p + 1]) &+ Int32(m1) &* (gs[4 * p + 2] &+ gs[4 * p + 3])
            }
            sumf += x.scales[i] * loadF16(b, 0) * Float(hsum(acc)) - x.scales[i] * loadF16(b, 2) * Float(mins)
        }
        return sumf
    }
}

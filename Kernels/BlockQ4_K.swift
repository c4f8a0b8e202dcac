/// The Q4_K super-block: 256 weights in 8 sub-blocks of 32, 4-bit codes with a 6-bit scale
/// and a 6-bit minimum per sub-block (144 bytes, 4.5 bits per weight) — what most
/// community GGUF files use.
///
/// ```
/// w = d · sc · q − dmin · m          q ∈ 0…15
/// ```
/// Layout: `[d: fp16][dmin: fp16][scales: 12 bytes][qs: 128 bytes]`. Element `64p + l`
/// (p < 4, l < 32) is the low nibble of `qs[32p + l]` (sub-block `2p`), element
/// `64p + 32 + l` its high nibble (sub-block `2p + 1`); the scales pack as ggml's
/// `get_scale_min_k4` reads them. Identical to ggml's `block_q4_K`; quantized by
/// `quantize_row_q4_K_ref` (`make_qkx2_quants`, weights `√mean(x²) + |x|`, 21 scales
/// tried). Dot products read Q8_K.
enum BlockQ4_K: BlockwiseFormat {
    typealias Activations = ActivationsQ8_K
    static var type: GGMLType { .q4_K }
    static let count = 256
    static let bytes = 144

    static func quantizeRef(_ x: UnsafePointer<Float>, _ out: UnsafeMutableRawPointer) {
        let L = KQuantSearch.quantizeScaleMinSuperBlock(x, nmax: 15, rmin: -1, nstep: 20, out: out)
        for p in 0..<4 {
            for l in 0..<32 {
                out.storeBytes(of: L[64 * p + l] | (L[64 * p + l + 32] << 4), toByteOffset: 16 + 32 * p + l, as: UInt8.self)
            }
        }
    }

    @inline(__always)
    static func code(_ b: UnsafeRawPointer, _ e: Int) -> Int32 {
        let byte = b.load(fromByteOffset: 16 + 32 * (e / 64) + e % 32, as: UInt8.self)
        return Int32((e % 64) < 32 ? byte & 0xF : byte >> 4)
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
            let p = w + 144 * i
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

    static func dequantizeRow(_ src: UnsafeRawPointer, into dst: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<(count / 256) {
            let p = src + 144 * i, y = dst + 256 * i
            let d = loadF16(p, 0), dmin = loadF16(p, 2)
            for q in 0..<4 {
                let (s0, m0) = KQuantSearch.scaleMinK4(2 * q, p + 4), (s1, m1) = KQuantSearch.scaleMinK4(2 * q + 1, p + 4)
                let d1 = d * Float(s0), dm1 = dmin * Float(m0), d2 = d * Float(s1), dm2 = dmin * Float(m1)
                for h in 0..<2 {
                    let v = load16U8(p + 16 + 32 * q + 16 * h)
                    storeScaled(v & 0xF, d1, minus: dm1, y + 64 * q + 16 * h)
                    storeScaled(v &>> 4, d2, minus: dm2, y + 64 * q + 32 + 16 * h)
                }
            }
        }
    }

    static func dot(_ w: UnsafeRawPointer, _ x: Q8_KRow, count: Int) -> Float {
        #if arch(x86_64)
        AVX2.dot(AVX2.Q4_K.self, w, x, blocks: count / 256)
        #else
        dotPortable(w, x, count: count)
        #endif
    }

    /// The portable SIMD dot product (the arm64 path; tested against the reference on x86 too).
    static func dotPortable(_ w: UnsafeRawPointer, _ x: Q8_KRow, count: Int) -> Float {
        var sumf: Float = 0
        for i in 0..<(count / 256) {
            let p = w + 144 * i, xq = x.codes + 256 * i, gs = x.groupSums + 16 * i
            var acc = SIMD8<Int32>()
            var mins: Int32 = 0
            for q in 0..<4 {
                let (s0, m0) = KQuantSearch.scaleMinK4(2 * q, p + 4), (s1, m1) = KQuantSearch.scaleMinK4(2 * q + 1, p + 4)
                let v0 = load16U8(p + 16 + 32 * q), v1 = load16U8(p + 32 + 32 * q)
                let x0 = xq + 64 * q
                acc &+= scaledMadd(v0 & 0xF, Int16(s0), x0) &+ scaledMadd(v1 & 0xF, Int16(s0), x0 + 16)
                acc &+= scaledMadd(v0 &>> 4, Int16(s1), x0 + 32) &+ scaledMadd(v1 &>> 4, Int16(s1), x0 + 48)
                mins &+= Int32(m0) &* (gs[4 * q] &+ gs[4 * q + 1]) &+ Int32(m1) &* (gs[4 * q + 2] &+ gs[4 * q + 3])
            }
            sumf += x.scales[i] * loadF16(p, 0) * Float(hsum(acc)) - x.scales[i] * loadF16(p, 2) * Float(mins)
        }
        return sumf
    }
}

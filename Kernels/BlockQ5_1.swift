/// The Q5_1 block: 32 weights as an fp16 scale, an fp16 minimum, 32 high bits and 16 bytes
/// of low nibbles (24 bytes).
///
/// ```
/// min, max over the block
/// d = (max - min) / 31,  id = (d != 0) ? 1 / d : 0                   (f32)
/// q[j] = UInt8((x[j] - min) * id + 0.5)                              (truncating)
/// w[j] = fp16(d) * q[j] + fp16(min)
/// ```
/// Layout: `[d: fp16][m: fp16][qh: u32][qs: 16 bytes]`, codes as in Q5_0; identical to
/// ggml's `block_q5_1`. Dot products read Q8_0 activations (their block sums play the role
/// of ggml's `block_q8_1` sums).
enum BlockQ5_1: BlockwiseFormat {
    typealias Activations = ActivationsQ8_0
    static var type: GGMLType { .q5_1 }
    static let count = 32
    static let bytes = 24

    static func quantizeRef(_ x: UnsafePointer<Float>, _ out: UnsafeMutableRawPointer) {
        var lo = Float.greatestFiniteMagnitude, hi = -Float.greatestFiniteMagnitude
        for j in 0..<32 {
            if x[j] < lo { lo = x[j] }
            if x[j] > hi { hi = x[j] }
        }
        let d = (hi - lo) / 31
        let id: Float = d != 0 ? 1 / d : 0
        storeU16(out, 0, HalfConversion.f16Bits(d))
        storeU16(out, 2, HalfConversion.f16Bits(lo))
        var qh: UInt32 = 0
        for j in 0..<16 {
            let q0 = unsignedCode((x[j] - lo) * id + 0.5), q1 = unsignedCode((x[j + 16] - lo) * id + 0.5)
            out.storeBytes(of: (q0 & 0x0f) | ((q1 & 0x0f) << 4), toByteOffset: 8 + j, as: UInt8.self)
            qh |= UInt32((q0 & 0x10) >> 4) << j
            qh |= UInt32((q1 & 0x10) >> 4) << (j + 16)
        }
        out.storeBytes(of: qh.littleEndian, toByteOffset: 4, as: UInt32.self)
    }

    /// C's `(uint8_t)v` for a value in [0, 32) (NaN and out-of-range values give 0, as the
    /// `cvttss2si` saturation path does on x86).
    @inline(__always)
    static func unsignedCode(_ v: Float) -> UInt8 {
        guard v.isFinite, v > -1, v < 256 else { return 0 }
        return UInt8(v.rounded(.towardZero))
    }

    @inline(__always)
    static func code(_ b: UnsafeRawPointer, _ e: Int) -> Int32 {
        let qh = UInt32(littleEndian: b.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
        let byte = b.load(fromByteOffset: 8 + e % 16, as: UInt8.self)
        let low = e < 16 ? byte & 0x0f : byte >> 4
        return Int32(low) | Int32((qh >> UInt32(e)) & 1) << 4
    }

    static func dequantizeRef(_ b: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = loadF16(b, 0), m = loadF16(b, 2)
        for e in 0..<32 { y[e] = Float(code(b, e)) * d + m }
    }

    static func dotRef(_ w: UnsafeRawPointer, _ x: Q8_0Row, count: Int) -> Float {
        var sum: Float = 0
        for b in 0..<(count / 32) {
            let p = w + 24 * b
            var sumi: Int32 = 0
            for e in 0..<32 { sumi += code(p, e) * Int32(x.codes[32 * b + e]) }
            sum += Float(sumi) * (loadF16(p, 0) * x.scales[b]) + loadF16(p, 2) * x.sums[b]
        }
        return sum
    }

    static func dequantizeRow(_ src: UnsafeRawPointer, into dst: UnsafeMutablePointer<Float>, count: Int) {
        for b in 0..<(count / 32) {
            let p = src + 24 * b, y = dst + 32 * b
            let d = SIMD8<Float>(repeating: loadF16(p, 0)), m = SIMD8<Float>(repeating: loadF16(p, 2))
            let (lo, hi) = FiveBit.codes(p + 8, qh: p + 4)
            let (l0, l1) = floats(lo), (h0, h1) = floats(hi)
            store8(l0 * d + m, y); store8(l1 * d + m, y + 8); store8(h0 * d + m, y + 16); store8(h1 * d + m, y + 24)
        }
    }

    static func dot(_ w: UnsafeRawPointer, _ x: Q8_0Row, count: Int) -> Float {
        #if arch(x86_64)
        AVX2.dotQ5_1(w, x, blocks: count / 32)
        #else
        dotPortable(w, x, count: count)
        #endif
    }

    /// The portable SIMD dot product (the arm64 path; tested against the reference on x86 too).
    static func dotPortable(_ w: UnsafeRawPointer, _ x: Q8_0Row, count: Int) -> Float {
        FiveBit.dot(w, stride: 24, scaleOffset: 0, minOffset: 2, qhOffset: 4, qsOffset: 8, x, blocks: count / 32)
    }
}

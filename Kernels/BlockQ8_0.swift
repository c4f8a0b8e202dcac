/// The Q8_0 block: 32 weights as an fp16 scale and 32 signed bytes (34 bytes).
///
/// ```
/// d = amax / 127,  id = (d != 0) ? 1 / d : 0      (f32)
/// q[j] = roundf(x[j] * id)                         (round half away from zero)
/// w[j] = fp16(d) * q[j]
/// ```
/// Layout: `[d: fp16][q0 … q31: int8]`, identical to ggml's `block_q8_0`.
public enum BlockQ8_0: BlockwiseFormat {
    typealias Activations = ActivationsQ8_0
    static var type: GGMLType { .q8_0 }

    /// Weights per block.
    public static let count = 32
    /// Bytes per block.
    public static let bytes = 34

    /// Reference quantizer for one block, producing ggml's exact bytes.
    public static func quantizeRef(_ x: UnsafePointer<Float>, _ out: UnsafeMutableRawPointer) {
        var amax: Float = 0
        for j in 0..<count { amax = max(amax, abs(x[j])) }
        let d = amax / 127
        let id: Float = d != 0 ? 1 / d : 0
        storeU16(out, 0, HalfConversion.f16Bits(d))
        for j in 0..<count {
            // A block of tiny subnormals makes 1/d overflow; ggml's (int8_t) cast of ±inf/NaN
            // yields 0 on x86, as numpy does. Store 0 rather than trap.
            let r = (x[j] * id).rounded(.toNearestOrAwayFromZero)
            let q: Int8 = r.isFinite ? Int8(r) : 0
            out.storeBytes(of: q, toByteOffset: 2 + j, as: Int8.self)
        }
    }

    /// Reference dequantizer for one block.
    public static func dequantizeRef(_ b: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = loadF16(b, 0)
        for j in 0..<count {
            y[j] = d * Float(b.load(fromByteOffset: 2 + j, as: Int8.self))
        }
    }
}

extension BlockQ8_0 {
    static func dotRef(_ w: UnsafeRawPointer, _ x: Q8_0Row, count: Int) -> Float {
        var sum: Float = 0
        for b in 0..<(count / 32) {
            var sumi: Int32 = 0
            for j in 0..<32 { sumi += Int32(w.load(fromByteOffset: 34 * b + 2 + j, as: Int8.self)) * Int32(x.codes[32 * b + j]) }
            sum += Float(sumi) * (loadF16(w, 34 * b) * x.scales[b])
        }
        return sum
    }

    static func dot(_ w: UnsafeRawPointer, _ x: Q8_0Row, count: Int) -> Float {
        DotProducts.dotQ8_0Q8_0(w, x.codes, x.scales, blocks: count / 32)
    }

    static func dequantizeRow(_ src: UnsafeRawPointer, into dst: UnsafeMutablePointer<Float>, count: Int) {
        for b in 0..<(count / 32) {
            let p = src + 34 * b, y = dst + 32 * b
            let d = SIMD8<Float>(repeating: loadF16(p, 0))
            for k in 0..<4 {
                store8(toFloat(widenI8x8(p.loadUnaligned(fromByteOffset: 2 + 8 * k, as: SIMD8<Int8>.self))) * d, y + 8 * k)
            }
        }
    }
}

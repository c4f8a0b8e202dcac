/// The Q4_1 block: 32 weights as an fp16 scale, an fp16 minimum and 16 bytes of nibbles
/// (20 bytes).
///
/// ```
/// min, max over the block
/// d = (max - min) / 15,  id = (d != 0) ? 1 / d : 0                (f32)
/// q[j] = min(15, Int8((x[j] - min) * id + 0.5))                   (truncating)
/// w[j] = fp16(d) * q[j] + fp16(min)
/// ```
/// Layout: `[d: fp16][m: fp16][qs: 16 bytes]`, nibbles as in Q4_0; identical to ggml's
/// `block_q4_1`.
public enum BlockQ4_1: BlockwiseFormat {
    typealias Activations = ActivationsQ8_0
    static var type: GGMLType { .q4_1 }

    /// Weights per block.
    public static let count = 32
    /// Bytes per block.
    public static let bytes = 20

    /// Reference quantizer for one block, producing ggml's exact bytes.
    public static func quantizeRef(_ x: UnsafePointer<Float>, _ out: UnsafeMutableRawPointer) {
        var lo = Float.greatestFiniteMagnitude
        var hi = -Float.greatestFiniteMagnitude
        for j in 0..<count {
            lo = min(lo, x[j])
            hi = max(hi, x[j])
        }
        let d = (hi - lo) / 15
        let id: Float = d != 0 ? 1 / d : 0
        storeU16(out, 0, HalfConversion.f16Bits(d))
        storeU16(out, 2, HalfConversion.f16Bits(lo))
        for j in 0..<(count / 2) {
            let q0 = min(15, quantCode((x[j] - lo) * id + 0.5))
            let q1 = min(15, quantCode((x[j + 16] - lo) * id + 0.5))
            out.storeBytes(of: q0 | (q1 << 4), toByteOffset: 4 + j, as: UInt8.self)
        }
    }

    /// Reference dequantizer for one block.
    public static func dequantizeRef(_ b: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = loadF16(b, 0)
        let m = loadF16(b, 2)
        for j in 0..<(count / 2) {
            let byte = b.load(fromByteOffset: 4 + j, as: UInt8.self)
            y[j] = d * Float(byte & 0x0f) + m
            y[j + 16] = d * Float(byte >> 4) + m
        }
    }
}

extension BlockQ4_1 {
    static func dotRef(_ w: UnsafeRawPointer, _ x: Q8_0Row, count: Int) -> Float {
        var sum: Float = 0
        for b in 0..<(count / 32) {
            var sumi: Int32 = 0
            for j in 0..<16 {
                let byte = w.load(fromByteOffset: 20 * b + 4 + j, as: UInt8.self)
                sumi += Int32(byte & 0x0f) * Int32(x.codes[32 * b + j])
                sumi += Int32(byte >> 4) * Int32(x.codes[32 * b + j + 16])
            }
            sum += Float(sumi) * (loadF16(w, 20 * b) * x.scales[b]) + loadF16(w, 20 * b + 2) * x.sums[b]
        }
        return sum
    }

    static func dot(_ w: UnsafeRawPointer, _ x: Q8_0Row, count: Int) -> Float {
        DotProducts.dotQ4_1Q8_0(w, x.codes, x.scales, x.sums, blocks: count / 32)
    }

    static func dequantizeRow(_ src: UnsafeRawPointer, into dst: UnsafeMutablePointer<Float>, count: Int) {
        for b in 0..<(count / 32) {
            let p = src + 20 * b, y = dst + 32 * b
            let d = SIMD8<Float>(repeating: loadF16(p, 0)), m = SIMD8<Float>(repeating: loadF16(p, 2))
            let v = widenU8(p.loadUnaligned(fromByteOffset: 4, as: SIMD16<UInt8>.self))
            let (l0, l1) = floats(v & 0x0f), (h0, h1) = floats(v &>> 4)
            store8(l0 * d + m, y); store8(l1 * d + m, y + 8); store8(h0 * d + m, y + 16); store8(h1 * d + m, y + 24)
        }
    }
}

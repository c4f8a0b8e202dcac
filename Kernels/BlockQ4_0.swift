/// The Q4_0 block: 32 weights as an fp16 scale and 16 bytes of nibbles (18 bytes).
///
/// ```
/// max = the x[j] with the largest |x[j]| (signed)
/// d = max / -8,  id = (d != 0) ? 1 / d : 0                       (f32)
/// q[j] = min(15, Int8(x[j] * id + 8.5))                          (truncating)
/// w[j] = fp16(d) * (q[j] - 8)
/// ```
/// Layout: `[d: fp16][qs: 16 bytes]`; element `j` (0–15) is the low nibble of `qs[j]` and
/// element `j + 16` its high nibble, identical to ggml's `block_q4_0`.
public enum BlockQ4_0: BlockwiseFormat {
    typealias Activations = ActivationsQ8_0
    static var type: GGMLType { .q4_0 }

    /// Weights per block.
    public static let count = 32
    /// Bytes per block.
    public static let bytes = 18

    /// Reference quantizer for one block, producing ggml's exact bytes.
    public static func quantizeRef(_ x: UnsafePointer<Float>, _ out: UnsafeMutableRawPointer) {
        var amax: Float = 0
        var maxv: Float = 0
        for j in 0..<count where amax < abs(x[j]) {
            amax = abs(x[j])
            maxv = x[j]
        }
        let d = maxv / -8
        let id: Float = d != 0 ? 1 / d : 0
        storeU16(out, 0, HalfConversion.f16Bits(d))
        for j in 0..<(count / 2) {
            let q0 = min(15, quantCode(x[j] * id + 8.5))
            let q1 = min(15, quantCode(x[j + 16] * id + 8.5))
            out.storeBytes(of: q0 | (q1 << 4), toByteOffset: 2 + j, as: UInt8.self)
        }
    }

    /// Reference dequantizer for one block.
    public static func dequantizeRef(_ b: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>) {
        let d = loadF16(b, 0)
        for j in 0..<(count / 2) {
            let byte = b.load(fromByteOffset: 2 + j, as: UInt8.self)
            y[j] = d * Float(Int(byte & 0x0f) - 8)
            y[j + 16] = d * Float(Int(byte >> 4) - 8)
        }
    }
}

extension BlockQ4_0 {
    static func dotRef(_ w: UnsafeRawPointer, _ x: Q8_0Row, count: Int) -> Float {
        var sum: Float = 0
        for b in 0..<(count / 32) {
            var sumi: Int32 = 0
            for j in 0..<16 {
                let byte = w.load(fromByteOffset: 18 * b + 2 + j, as: UInt8.self)
                sumi += (Int32(byte & 0x0f) - 8) * Int32(x.codes[32 * b + j])
                sumi += (Int32(byte >> 4) - 8) * Int32(x.codes[32 * b + j + 16])
            }
            sum += Float(sumi) * (loadF16(w, 18 * b) * x.scales[b])
        }
        return sum
    }

    static func dequantizeRow(_ src: UnsafeRawPointer, into dst: UnsafeMutablePointer<Float>, count: Int) {
        for b in 0..<(count / 32) {
            let p = src + 18 * b, y = dst + 32 * b
            let d = SIMD8<Float>(repeating: loadF16(p, 0))
            let v = widenU8(p.loadUnaligned(fromByteOffset: 2, as: SIMD16<UInt8>.self))
            let (l0, l1) = floats((v & 0x0f) &- 8), (h0, h1) = floats((v &>> 4) &- 8)
            store8(l0 * d, y); store8(l1 * d, y + 8); store8(h0 * d, y + 16); store8(h1 * d, y + 24)
        }
    }

    static func dot(_ w: UnsafeRawPointer, _ x: Q8_0Row, count: Int) -> Float {
        DotProducts.dotQ4_0Q8_0(w, x.codes, x.scales, x.sums, blocks: count / 32)
    }
}

/// C's `(int8_t)v` followed by use as an unsigned nibble: truncation toward zero, as ggml does.
/// Values are in [0, 16.5) for finite input; NaN maps to 0 like x86's cvttss2si saturation does.
@inline(__always)
func quantCode(_ v: Float) -> UInt8 {
    guard v.isFinite else { return 0 }
    let t = Int32(max(-128, min(127, v.rounded(.towardZero))))
    return UInt8(clamping: max(0, t))
}

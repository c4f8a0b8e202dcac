/// A row of activations quantized to Q8_0 the way ggml quantizes the right-hand side of a
/// quantized matmul, kept in the form the integer kernels read.
///
/// ```
/// for each block b of 32:  d[b] = fp16(amax / 127),  q[j] = roundf(x[j] / d)   (as BlockQ8_0)
/// scales[b] = Float(d[b])            (the fp16-rounded scale, as ggml's dot reads it)
/// sums[b]   = scales[b] · Σ_j q[j]   (ggml's block_q8_1 `s`, used for Q4_0's −8 and Q4_1's min)
/// ```
/// The codes are stored widened to `Int16` so the dot products feed `vpmaddwd` directly.
public struct ActivationsQ8_0: Sendable {
    /// Number of activations (a multiple of 32).
    public let count: Int
    /// Quantized codes, widened to 16 bits; `[count]`.
    public internal(set) var codes: [Int16]
    /// The same codes as bytes (what the x86 `vpmaddubsw` kernels read); `[count]`.
    public internal(set) var codes8: [Int8]
    /// Per-block scales, fp16-rounded; `[count / 32]`.
    public internal(set) var scales: [Float]
    /// Per-block `scale · Σ codes`; `[count / 32]`.
    public internal(set) var sums: [Float]

    /// Quantizes `x` with the SIMD quantizer (bit-identical to ``BlockQ8_0/quantizeRef(_:_:)``).
    ///
    /// - Throws: ``KernelError/notBlockAligned(type:count:)`` when `x.count` is not a multiple of 32.
    public init(_ x: UnsafeBufferPointer<Float>) throws(KernelError) {
        guard x.count % 32 == 0 else { throw .notBlockAligned(type: .q8_0, count: x.count) }
        self.init(unchecked: x)
    }

    init(unchecked x: UnsafeBufferPointer<Float>) {
        count = x.count
        let blocks = count / 32
        codes = [Int16](repeating: 0, count: count)
        codes8 = [Int8](repeating: 0, count: count)
        scales = [Float](repeating: 0, count: blocks)
        sums = [Float](repeating: 0, count: blocks)
        guard let xp = x.baseAddress else { return }
        codes.withUnsafeMutableBufferPointer { q in
            scales.withUnsafeMutableBufferPointer { s in
                sums.withUnsafeMutableBufferPointer { m in
                    ActivationQuantizer.quantizeWide(xp, blocks: blocks, codes: q.baseAddress!, scales: s.baseAddress!, sums: m.baseAddress!)
                }
            }
            codes8.withUnsafeMutableBufferPointer { c in
                for i in 0..<count { c[i] = Int8(truncatingIfNeeded: q[i]) }
            }
        }
    }

    /// The same activations as ggml `block_q8_0` bytes (34 per block).
    public var ggmlBytes: [UInt8] {
        var out = [UInt8](repeating: 0, count: count / 32 * BlockQ8_0.bytes)
        out.withUnsafeMutableBytes { o in
            for b in 0..<(count / 32) {
                storeU16(o.baseAddress!, b * 34, HalfConversion.f16Bits(scales[b]))
                for j in 0..<32 { o[b * 34 + 2 + j] = UInt8(truncatingIfNeeded: codes[b * 32 + j]) }
            }
        }
        return out
    }
}

/// Row quantization of activations to Q8_0: a SIMD kernel and its scalar reference.
public enum ActivationQuantizer {
    /// Quantizes `x` to ggml `block_q8_0` bytes with SIMD; identical bytes to
    /// ``quantizeRowQ8_0Ref(_:into:)``.
    ///
    /// - Throws: ``KernelError`` when `x.count` is not a multiple of 32 or `out` is too small.
    public static func quantizeRowQ8_0(_ x: UnsafeBufferPointer<Float>, into out: UnsafeMutableRawBufferPointer) throws(KernelError) {
        let blocks = try checkQ8(x.count, out.count)
        guard blocks > 0, let xp = x.baseAddress, let o = out.baseAddress else { return }
        for b in 0..<blocks {
            let (d, q0, q1, q2, q3) = quantizeBlock(xp + 32 * b)
            let p = o + 34 * b
            storeU16(p, 0, HalfConversion.f16Bits(d))
            let lo = narrowI16(SIMD16(lowHalf: narrowI32(q0), highHalf: narrowI32(q1)))
            let hi = narrowI16(SIMD16(lowHalf: narrowI32(q2), highHalf: narrowI32(q3)))
            (p + 2).storeBytes(of: lo, as: SIMD16<Int8>.self)
            (p + 18).storeBytes(of: hi, as: SIMD16<Int8>.self)
        }
    }

    /// Scalar reference: ``BlockQ8_0/quantizeRef(_:_:)`` over each block of `x`.
    ///
    /// - Throws: ``KernelError`` when `x.count` is not a multiple of 32 or `out` is too small.
    public static func quantizeRowQ8_0Ref(_ x: UnsafeBufferPointer<Float>, into out: UnsafeMutableRawBufferPointer) throws(KernelError) {
        let blocks = try checkQ8(x.count, out.count)
        guard blocks > 0, let xp = x.baseAddress, let o = out.baseAddress else { return }
        for b in 0..<blocks { BlockQ8_0.quantizeRef(xp + 32 * b, o + 34 * b) }
    }

    private static func checkQ8(_ n: Int, _ available: Int) throws(KernelError) -> Int {
        guard n % 32 == 0 else { throw .notBlockAligned(type: .q8_0, count: n) }
        guard available >= n / 32 * 34 else { throw .bufferTooSmall(what: "output", needed: n / 32 * 34, available: available) }
        return n / 32
    }

    /// One block: the f32 scale `d` (before fp16 rounding) and the 32 codes.
    @inline(__always)
    static func quantizeBlock(_ x: UnsafePointer<Float>) -> (Float, SIMD8<Int32>, SIMD8<Int32>, SIMD8<Int32>, SIMD8<Int32>) {
        let v0 = load8(x), v1 = load8(x + 8), v2 = load8(x + 16), v3 = load8(x + 24)
        let amax = hmax(vmax(vmax(vabs(v0), vabs(v1)), vmax(vabs(v2), vabs(v3))))
        let d = amax / 127
        let id: Float = d != 0 ? 1 / d : 0
        return (d, roundHalfAway(v0 * id), roundHalfAway(v1 * id), roundHalfAway(v2 * id), roundHalfAway(v3 * id))
    }

    /// Quantizes `blocks` blocks into widened codes, fp16-rounded scales and scaled sums.
    static func quantizeWide(
        _ x: UnsafePointer<Float>, blocks: Int, codes: UnsafeMutablePointer<Int16>,
        scales: UnsafeMutablePointer<Float>, sums: UnsafeMutablePointer<Float>
    ) {
        for b in 0..<blocks {
            let (d, q0, q1, q2, q3) = quantizeBlock(x + 32 * b)
            let q = UnsafeMutableRawPointer(codes + 32 * b)
            q.storeBytes(of: narrowI32(q0), toByteOffset: 0, as: SIMD8<Int16>.self)
            q.storeBytes(of: narrowI32(q1), toByteOffset: 16, as: SIMD8<Int16>.self)
            q.storeBytes(of: narrowI32(q2), toByteOffset: 32, as: SIMD8<Int16>.self)
            q.storeBytes(of: narrowI32(q3), toByteOffset: 48, as: SIMD8<Int16>.self)
            let s = HalfConversion.float(f16Bits: HalfConversion.f16Bits(d))
            scales[b] = s
            sums[b] = s * Float(hsum((q0 &+ q1) &+ (q2 &+ q3)))
        }
    }
}

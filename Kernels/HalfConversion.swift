/// Conversions between `Float` and the 16-bit float formats used for weights.
///
/// IEEE half precision uses Swift's `Float16` (round to nearest even, as F16C and ggml do).
/// bfloat16 keeps the top 16 bits of an IEEE single, rounded to nearest even; NaNs stay quiet
/// NaNs, matching ggml's `ggml_compute_fp32_to_bf16`.
public enum HalfConversion {
    /// Rounds `x` to bfloat16 and returns its bit pattern.
    @inlinable @inline(__always)
    public static func bf16Bits(_ x: Float) -> UInt16 {
        let u = x.bitPattern
        if (u & 0x7fff_ffff) > 0x7f80_0000 { return UInt16(truncatingIfNeeded: (u >> 16) | 64) }
        return UInt16(truncatingIfNeeded: (u &+ (0x7fff &+ ((u >> 16) & 1))) >> 16)
    }

    /// Widens a bfloat16 bit pattern to `Float` exactly.
    @inlinable @inline(__always)
    public static func float(bf16Bits b: UInt16) -> Float {
        Float(bitPattern: UInt32(b) << 16)
    }

    /// Rounds `x` to IEEE half precision and returns its bit pattern.
    @inlinable @inline(__always)
    public static func f16Bits(_ x: Float) -> UInt16 { Float16(x).bitPattern }

    /// Widens an IEEE half bit pattern to `Float` exactly.
    @inlinable @inline(__always)
    public static func float(f16Bits b: UInt16) -> Float { Float(Float16(bitPattern: b)) }
}

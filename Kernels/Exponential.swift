/// `expf`, eight lanes at a time, with the same bits on every platform.
///
/// The algorithm is the table-driven one of Arm's optimized-routines, which glibc (2.27 and
/// later), musl and LLVM's libc ship as their `expf`. In double precision:
///
/// ```
/// k  = round(x · 32/ln 2)                     (the nearest integer, by adding 1.5 · 2^52)
/// r  = x · 32/ln 2 − k                        |r| ≤ 1/2, with x · 32/ln 2 never rounded
/// s  = 2^(k/32) = double(T[k mod 32] + k << 47)
/// y  = s · ((C0 · r + C1) · r² + (C2 · r + 1))
/// ```
///
/// and `y` rounded to `Float`. Every `a · b + c` above is one fused multiply-add, exactly as
/// glibc's x86-64 FMA build (`__expf_fma`, chosen on every AVX2 CPU) evaluates it, so on
/// such a machine the result equals the C library's `expf` bit for bit; a test checks
/// that. Apple's libm computes `expf` differently; with this function attention and the
/// gated activations give the same bits on both.
///
/// Inputs whose magnitude is at least 88 go through the scalar ``expRef(_:)``, which
/// handles infinities, NaN, overflow and underflow with glibc's results (without setting
/// `errno`). The constants below are the ones in that code (read back from this machine's
/// `libm.so.6`, glibc 2.36, and identical to optimized-routines' `exp2f_data.c`).
public enum Exponential {
    /// `T[i] = bits(2^(i/32)) − (i << 47)`, so `T[k mod 32] + (k << 47)` is the bit pattern
    /// of `2^(k/32)` for `|k| < 150 · 32` (optimized-routines' `__exp2f_data.tab`).
    static let table: [UInt64] = [
        0x3FF0_0000_0000_0000, 0x3FEF_D9B0_D315_8574, 0x3FEF_B558_6CF9_890F, 0x3FEF_9301_D012_5B51,
        0x3FEF_72B8_3C7D_517B, 0x3FEF_5487_3168_B9AA, 0x3FEF_387A_6E75_6238, 0x3FEF_1E9D_F51F_DEE1,
        0x3FEF_06FE_0A31_B715, 0x3FEE_F1A7_373A_A9CB, 0x3FEE_DEA6_4C12_3422, 0x3FEE_CE08_6061_892D,
        0x3FEE_BFDA_D536_2A27, 0x3FEE_B42B_569D_4F82, 0x3FEE_AB07_DD48_5429, 0x3FEE_A47E_B03A_5585,
        0x3FEE_A09E_667F_3BCD, 0x3FEE_9F75_E8EC_5F74, 0x3FEE_A114_73EB_0187, 0x3FEE_A589_994C_CE13,
        0x3FEE_ACE5_422A_A0DB, 0x3FEE_B737_B0CD_C5E5, 0x3FEE_C491_82A3_F090, 0x3FEE_D503_B23E_255D,
        0x3FEE_E89F_995A_D3AD, 0x3FEE_FF76_F2FB_5E47, 0x3FEF_199B_DD85_529C, 0x3FEF_3720_DCEF_9069,
        0x3FEF_5818_DCFB_A487, 0x3FEF_7C97_337B_9B5F, 0x3FEF_A4AF_A2A4_90DA, 0x3FEF_D076_5B6E_4540,
    ]
    /// 32 / ln 2.
    static let invLn2N = Double(bitPattern: 0x4047_1547_652B_82FE)
    /// 1.5 · 2^52: adding it rounds to an integer held in the low mantissa bits.
    static let shift = Double(bitPattern: 0x4338_0000_0000_0000)
    /// The cubic's coefficients, scaled for `r` in units of 1/32.
    static let c0 = Double(bitPattern: 0x3EBC_6AF8_4B91_2394)
    static let c1 = Double(bitPattern: 0x3F2E_BFCE_50FA_C4F3)
    static let c2 = Double(bitPattern: 0x3F96_2E42_FF0C_52D6)

    /// The exponent field bits (`bits >> 20 & 0x7ff`) at and above which ``expRef(_:)``
    /// checks the special cases: `|x| ≥ 88`.
    static let specialTop: UInt32 = 0x42B

    /// `e^x`, the scalar specification of ``exp8(_:)``.
    public static func expRef(_ x: Float) -> Float {
        if (x.bitPattern >> 20) & 0x7FF >= specialTop {
            if x == -.infinity { return 0 }
            if !x.isFinite { return x + x }  // +∞, NaN
            if x > Float(bitPattern: 0x42B1_7217) { return .infinity }  // 0x1.62e42ep6
            if x < Float(bitPattern: 0xC2CF_F1B4) { return 0 }  // -0x1.9fe368p6
            // glibc's "may underflow" branch returns 0x1.4p-75f squared, the least subnormal.
            if x < Float(bitPattern: 0xC2CE_8ECF) { return .leastNonzeroMagnitude }  // -0x1.9d1d9ep6
        }
        let xd = Double(x)
        let kd = fmaScalar(invLn2N, xd, shift)
        let ki = kd.bitPattern
        let k = kd - shift
        let r = fmaScalar(invLn2N, xd, -k)
        let s = Double(bitPattern: table[Int(ki & 31)] &+ (ki << 47))
        let z = fmaScalar(c0, r, c1), r2 = r * r
        let y = fmaScalar(z, r2, fmaScalar(c2, r, 1))
        return Float(y * s)
    }

    @inline(__always)
    private static func fmaScalar(_ a: Double, _ b: Double, _ c: Double) -> Double { c.addingProduct(a, b) }

    /// `e^x` in each lane, bit for bit ``expRef(_:)`` of that lane.
    @inline(__always)
    public static func exp8(_ x: SIMD8<Float>) -> SIMD8<Float> {
        // Without the special cases every lane is strictly inside (−88, 88); NaN fails both tests.
        guard hmin(x) > -88, hmax(x) < 88 else {
            var out = SIMD8<Float>()
            for i in 0..<8 { out[i] = expRef(x[i]) }
            return out
        }
        return exp8Normal(x)
    }

    /// ``exp8(_:)`` for lanes known to lie strictly inside (−88, 88), where ``expRef(_:)``
    /// takes no special case.
    @inline(__always)
    static func exp8Normal(_ x: SIMD8<Float>) -> SIMD8<Float> {
        SIMD8(lowHalf: exp4(x.lowHalf), highHalf: exp4(x.highHalf))
    }

    /// Four lanes of the normal path in double precision.
    @inline(__always)
    private static func exp4(_ x: SIMD4<Float>) -> SIMD4<Float> {
        let xd = SIMD4<Double>(Double(x[0]), Double(x[1]), Double(x[2]), Double(x[3]))
        let n = SIMD4<Double>(repeating: invLn2N)
        var kd = SIMD4<Double>(repeating: shift)
        kd.addProduct(n, xd)
        let ki = unsafeBitCast(kd, to: SIMD4<UInt64>.self)
        var r = -(kd - SIMD4(repeating: shift))
        r.addProduct(n, xd)
        let i = ki & 31
        let t = SIMD4<UInt64>(table[Int(i[0])], table[Int(i[1])], table[Int(i[2])], table[Int(i[3])]) &+ (ki &<< 47)
        let s = unsafeBitCast(t, to: SIMD4<Double>.self)
        var z = SIMD4<Double>(repeating: c1)
        z.addProduct(SIMD4(repeating: c0), r)
        var y = SIMD4<Double>(repeating: 1)
        y.addProduct(SIMD4(repeating: c2), r)
        y.addProduct(z, r * r)
        let f = y * s
        return SIMD4<Float>(Float(f[0]), Float(f[1]), Float(f[2]), Float(f[3]))
    }
}

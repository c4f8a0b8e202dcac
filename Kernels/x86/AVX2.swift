#if arch(x86_64)
import _Builtin_intrinsics.intel

/// Small AVX2 helpers for the x86 fast paths (compiled with `-target-cpu haswell`, so the
/// intrinsics lower to single AVX2/FMA instructions). Kernel-internal; every kernel that
/// uses them has a portable SIMD twin and a scalar reference it is tested against.
enum AVX2 {
    @inline(__always)
    static func load(_ p: UnsafeRawPointer) -> __m256i { _mm256_loadu_si256(p.assumingMemoryBound(to: __m256i.self)) }

    @inline(__always)
    static func load128(_ p: UnsafeRawPointer) -> __m128i { _mm_loadu_si128(p.assumingMemoryBound(to: __m128i.self)) }

    /// Four bytes at `x` in every 32-bit lane (the activation operand of the eight-row panels).
    @inline(__always)
    static func broadcast4(_ x: UnsafePointer<Int8>) -> __m256i {
        _mm256_set1_epi32(UnsafeRawPointer(x).loadUnaligned(as: Int32.self))
    }

    /// Sum of the eight 32-bit lanes.
    @inline(__always)
    static func hsum(_ v: __m256i) -> Int32 {
        let x = unsafeBitCast(v, to: SIMD8<Int32>.self)
        let h = x.lowHalf &+ x.highHalf
        return (h[0] &+ h[2]) &+ (h[1] &+ h[3])
    }

    /// Sum of the eight f32 lanes.
    @inline(__always)
    static func hsum(_ v: __m256) -> Float {
        let x = unsafeBitCast(v, to: SIMD8<Float>.self)
        let h = x.lowHalf + x.highHalf
        return (h[0] + h[2]) + (h[1] + h[3])
    }

    /// Sixteen 16-bit lanes: `a` in lanes 0–7, `b` in lanes 8–15 (two sub-block scales for
    /// the two halves of a 32-byte `vpmaddubsw` result).
    @inline(__always)
    static func scales(_ a: Int16, _ b: Int16) -> __m256i {
        _mm256_set_m128i(_mm_set1_epi16(b), _mm_set1_epi16(a))
    }

    /// `Σ pairs u·s` of 32 unsigned codes `u` with 32 signed activations at `x`, times
    /// per-half scales: `vpmaddubsw` then `vpmaddwd`. `u ≤ 63` keeps the pair sums exact.
    @inline(__always)
    static func dot32(_ u: __m256i, _ x: UnsafeRawPointer, _ s: __m256i) -> __m256i {
        _mm256_madd_epi16(_mm256_maddubs_epi16(u, load(x)), s)
    }

    /// The 32 bits of `bits` as bytes: byte `i` is 0xFF where bit `i` is set, else 0.
    @inline(__always)
    static func bytesFromBits(_ bits: UInt32) -> __m256i {
        let shuffle = _mm256_set_epi64x(0x0303_0303_0303_0303, 0x0202_0202_0202_0202, 0x0101_0101_0101_0101, 0x0000_0000_0000_0000)
        var r = _mm256_shuffle_epi8(_mm256_set1_epi32(Int32(bitPattern: bits)), shuffle)
        let bitMask = _mm256_set1_epi64x(Int64(bitPattern: 0x7fbf_dfef_f7fb_fdfe))
        r = _mm256_or_si256(r, bitMask)
        return _mm256_cmpeq_epi8(r, _mm256_set1_epi64x(-1))
    }
}
#endif

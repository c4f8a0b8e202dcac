#if arch(x86_64)
import _Builtin_intrinsics.intel

extension AVX2 {
    /// ``laneSums(_:_:_:_:_:_:_:_:)`` on AVX2: the 8 × 8 transpose (unpack, shuffle,
    /// 128-bit permute), then the columns added in lane order, so lane `i` is row `i`'s
    /// sequential sum.
    @inline(__always)
    static func laneSums(
        _ r0: __m256, _ r1: __m256, _ r2: __m256, _ r3: __m256, _ r4: __m256, _ r5: __m256, _ r6: __m256, _ r7: __m256
    ) -> __m256 {
        let t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1)
        let t2 = _mm256_unpacklo_ps(r2, r3), t3 = _mm256_unpackhi_ps(r2, r3)
        let t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5)
        let t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7)
        // u0: column 0 of rows 0–3 | column 4 of rows 0–3; u1: columns 1 | 5; u2: 2 | 6; u3: 3 | 7
        // (the 64-bit unpacks are vshufps' 0x44 and 0xEE selections).
        @inline(__always) func lo(_ a: __m256, _ b: __m256) -> __m256 {
            _mm256_castpd_ps(_mm256_unpacklo_pd(_mm256_castps_pd(a), _mm256_castps_pd(b)))
        }
        @inline(__always) func hi(_ a: __m256, _ b: __m256) -> __m256 {
            _mm256_castpd_ps(_mm256_unpackhi_pd(_mm256_castps_pd(a), _mm256_castps_pd(b)))
        }
        let u0 = lo(t0, t2), u1 = hi(t0, t2), u2 = lo(t1, t3), u3 = hi(t1, t3)
        let u4 = lo(t4, t6), u5 = hi(t4, t6), u6 = lo(t5, t7), u7 = hi(t5, t7)
        // Column l < 4 is (u_l low half, u_{l+4} low half); column l + 4 the high halves.
        @inline(__always) func low(_ a: __m256, _ b: __m256) -> __m256 { SIMD8(lowHalf: a.lowHalf, highHalf: b.lowHalf) }
        @inline(__always) func high(_ a: __m256, _ b: __m256) -> __m256 { SIMD8(lowHalf: a.highHalf, highHalf: b.highHalf) }
        var s = low(u0, u4)
        s = _mm256_add_ps(s, low(u1, u5))
        s = _mm256_add_ps(s, low(u2, u6))
        s = _mm256_add_ps(s, low(u3, u7))
        s = _mm256_add_ps(s, high(u0, u4))
        s = _mm256_add_ps(s, high(u1, u5))
        s = _mm256_add_ps(s, high(u2, u6))
        return _mm256_add_ps(s, high(u3, u7))
    }
}
#endif

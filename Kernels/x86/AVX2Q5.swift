#if arch(x86_64)
import _Builtin_intrinsics.intel

/// AVX2 dot products of Q5_0 and Q5_1 with Q8_0 activations: the 32 five-bit codes of a
/// block assembled in one register (nibbles plus the high bits spread from `qh`), then
/// `vpmaddubsw` against the activation bytes. The Q5_1 minimum is applied through the
/// activations' block sums.
extension AVX2 {
    @inline(__always)
    static func codes5(_ block: UnsafeRawPointer, qh: Int, qs: Int) -> __m256i {
        let m4 = _mm_set1_epi8(0x0f)
        let v = load128(block + qs)
        let nibbles = _mm256_set_m128i(_mm_and_si128(_mm_srli_epi16(v, 4), m4), _mm_and_si128(v, m4))
        let bits = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: qh, as: UInt32.self))
        return _mm256_or_si256(nibbles, _mm256_and_si256(bytesFromBits(bits), _mm256_set1_epi8(0x10)))
    }

    /// Q5_0: the codes as signed bytes `q − 16` (nibble | 0xF0 where the fifth bit is clear),
    /// multiplied with the activations through the `vpsignb` trick; no offset term.
    static func dotQ5_0(_ w: UnsafeRawPointer, _ x: Q8_0Row, blocks: Int) -> Float {
        let m4 = _mm_set1_epi8(0x0f), f0 = _mm256_set1_epi8(-16), ones = _mm256_set1_epi16(1)
        var acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps()
        @inline(__always) func block(_ b: Int) -> __m256 {
            let p = w + 22 * b
            let v = load128(p + 6)
            let nibbles = _mm256_set_m128i(_mm_and_si128(_mm_srli_epi16(v, 4), m4), _mm_and_si128(v, m4))
            let bits = UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 2, as: UInt32.self))
            let q = _mm256_or_si256(nibbles, _mm256_andnot_si256(bytesFromBits(bits), f0))
            let y = load(UnsafeRawPointer(x.codes8 + 32 * b))
            let pairs = _mm256_maddubs_epi16(_mm256_sign_epi8(q, q), _mm256_sign_epi8(y, q))
            return _mm256_mul_ps(_mm256_set1_ps(loadF16(p, 0) * x.scales[b]), _mm256_cvtepi32_ps(_mm256_madd_epi16(pairs, ones)))
        }
        var b = 0
        while b + 2 <= blocks {
            acc0 = _mm256_add_ps(acc0, block(b))
            acc1 = _mm256_add_ps(acc1, block(b + 1))
            b += 2
        }
        if b < blocks { acc0 = _mm256_add_ps(acc0, block(b)) }
        return hsum(_mm256_add_ps(acc0, acc1))
    }

    /// Q5_1: `Σ_b d_w·d_x·Σ q·x + m_w · x.sums[b]`, two blocks per step.
    static func dotQ5_1(_ w: UnsafeRawPointer, _ x: Q8_0Row, blocks: Int) -> Float {
        let ones = _mm256_set1_epi16(1)
        var acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps()
        var corr: Float = 0
        @inline(__always) func block(_ b: Int) -> __m256 {
            let p = w + 24 * b
            let sumi = dot32(codes5(p, qh: 4, qs: 8), UnsafeRawPointer(x.codes8 + 32 * b), ones)
            corr += loadF16(p, 2) * x.sums[b]
            return _mm256_mul_ps(_mm256_set1_ps(loadF16(p, 0) * x.scales[b]), _mm256_cvtepi32_ps(sumi))
        }
        var b = 0
        while b + 2 <= blocks {
            acc0 = _mm256_add_ps(acc0, block(b))
            acc1 = _mm256_add_ps(acc1, block(b + 1))
            b += 2
        }
        if b < blocks { acc0 = _mm256_add_ps(acc0, block(b)) }
        return hsum(_mm256_add_ps(acc0, acc1)) + corr
    }
}
#endif

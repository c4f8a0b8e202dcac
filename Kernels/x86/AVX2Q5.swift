#if arch(x86_64)
import _Builtin_intrinsics.intel

/// AVX2 dot products of Q5_0 and Q5_1 with Q8_0 activations: the 32 five-bit codes of a
/// block assembled in one register (nibbles plus the high bits spread from `qh`), then
/// `vpmaddubsw` against the activation bytes. The Q5_1 minimum is applied through the
/// activations' block sums.
extension AVX2 {
    @inline(__always)
    static func codes5(_ block: UnsafeRawPointer, qh: Int, qs: Int) -> __m256i {
        let v = load128(block + qs)
        let nibbles = _mm256_and_si256(_mm256_set_m128i(_mm_srli_epi16(v, 4), v), _mm256_set1_epi8(0x0f))
        let bits = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: qh, as: UInt32.self))
        return _mm256_or_si256(nibbles, _mm256_and_si256(bytesFromBits(bits), _mm256_set1_epi8(0x10)))
    }

    /// Two blocks at once: their 32 unsigned five-bit codes against the activation bytes
    /// (`vpmaddubsw`, then `vpmaddwd` by ones), the two 8-lane sums folded into one vector
    /// with `vphaddd` (`[a a b b a a b b]`), one conversion and one FMA with the matching
    /// scales. `qh`/`qs` are the byte offsets of the high bits and nibbles in a block.
    @inline(__always)
    static func pairDot(_ pa: UnsafeRawPointer, _ pb: UnsafeRawPointer, qh: Int, qs: Int, _ xa: UnsafeRawPointer,
                        _ scaleA: Float, _ scaleB: Float, _ acc: __m256) -> __m256 {
        let ones = _mm256_set1_epi16(1)
        let sa = _mm256_madd_epi16(_mm256_maddubs_epi16(codes5(pa, qh: qh, qs: qs), load(xa)), ones)
        let sb = _mm256_madd_epi16(_mm256_maddubs_epi16(codes5(pb, qh: qh, qs: qs), load(xa + 32)), ones)
        let s = _mm256_cvtepi32_ps(_mm256_hadd_epi32(sa, sb))
        let scales = _mm256_setr_ps(scaleA, scaleA, scaleB, scaleB, scaleA, scaleA, scaleB, scaleB)
        return _mm256_fmadd_ps(scales, s, acc)
    }

    /// Q5_0: `Σ_b d_w·d_x·Σ q·x − 16·d_w·x.sums[b]`, two blocks per step.
    static func dotQ5_0(_ w: UnsafeRawPointer, _ x: Q8_0Row, blocks: Int) -> Float {
        var acc = _mm256_setzero_ps()
        var corr: Float = 0
        var b = 0
        while b + 2 <= blocks {
            let pa = w + 22 * b, pb = pa + 22
            let da = loadF16(pa, 0), db = loadF16(pb, 0)
            acc = pairDot(pa, pb, qh: 2, qs: 6, UnsafeRawPointer(x.codes8 + 32 * b), da * x.scales[b], db * x.scales[b + 1], acc)
            corr += da * x.sums[b] + db * x.sums[b + 1]
            b += 2
        }
        var sum = hsum(acc) - 16 * corr
        if b < blocks {
            let p = w + 22 * b, d = loadF16(p, 0)
            let s = dot32(codes5(p, qh: 2, qs: 6), UnsafeRawPointer(x.codes8 + 32 * b), _mm256_set1_epi16(1))
            sum += Float(hsum(s)) * (d * x.scales[b]) - 16 * d * x.sums[b]
        }
        return sum
    }

    /// Q5_1: `Σ_b d_w·d_x·Σ q·x + m_w·x.sums[b]`, two blocks per step.
    static func dotQ5_1(_ w: UnsafeRawPointer, _ x: Q8_0Row, blocks: Int) -> Float {
        var acc = _mm256_setzero_ps()
        var corr: Float = 0
        var b = 0
        while b + 2 <= blocks {
            let pa = w + 24 * b, pb = pa + 24
            acc = pairDot(pa, pb, qh: 4, qs: 8, UnsafeRawPointer(x.codes8 + 32 * b),
                          loadF16(pa, 0) * x.scales[b], loadF16(pb, 0) * x.scales[b + 1], acc)
            corr += loadF16(pa, 2) * x.sums[b] + loadF16(pb, 2) * x.sums[b + 1]
            b += 2
        }
        var sum = hsum(acc) + corr
        if b < blocks {
            let p = w + 24 * b
            let s = dot32(codes5(p, qh: 4, qs: 8), UnsafeRawPointer(x.codes8 + 32 * b), _mm256_set1_epi16(1))
            sum += Float(hsum(s)) * (loadF16(p, 0) * x.scales[b]) + loadF16(p, 2) * x.sums[b]
        }
        return sum
    }
}
#endif

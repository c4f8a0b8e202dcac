#if arch(x86_64)
import _Builtin_intrinsics.intel

/// AVX2 kernels of the k-quants with Q8_K activations. A super-block of 256 weights is
/// eight chunks of 32: each chunk's unsigned codes times the activation bytes with
/// `vpmaddubsw`, its sub-block scales applied with `vpmaddwd`, the integer sums of the
/// eight chunks added, then one f32 FMA per super-block with `d · dx` (and one for the
/// minimums or code offsets, taken through the activations' 16-bit group sums).
///
/// These row-wise kernels multiply rows in ggml's layout: the tail rows after a matrix's last
/// whole panel (``WidePanelK`` and ``WidePanel16`` store the rest), and single rows. The GEMV
/// and GEMM of a panel matrix compute a tail row with the same ``dot(_:_:_:blocks:)``, so a
/// token's result is bit for bit the same alone (decode), in a prompt (prefill) or in a batch.
protocol KQuantKernel {
    /// What one super-block's chunks need, decoded once (scales, minimums).
    associatedtype Prepared
    static var blockBytes: Int { get }
    @inline(__always)
        static func prepare(_ p: UnsafeRawPointer) -> Prepared
    /// Chunk `c` (0–7): 32 unsigned codes for activations `32c…32c+31`, and the 16-bit
    /// scale lanes (`vpmaddwd` operand) that match them.
    static func chunk(_ p: UnsafeRawPointer, _ prep: Prepared, _ c: Int) -> (__m256i, __m256i)
    /// Adds the super-block's result for one token: `sumi` (the chunks' integer sums) with
    /// its scales, and the minimum or offset term from the token's group sums.
    static func finish(_ acc: __m256, _ p: UnsafeRawPointer, _ prep: Prepared, _ sumi: __m256i, _ x: Q8_KRow, _ i: Int) -> __m256
}

/// Four tokens' integer sums for one chunk, added lane-wise.
struct Quad {
    var a, b, c, d: __m256i
    @inline(__always) init(_ a: __m256i, _ b: __m256i, _ c: __m256i, _ d: __m256i) { (self.a, self.b, self.c, self.d) = (a, b, c, d) }
    @inline(__always) static func + (l: Quad, r: Quad) -> Quad {
        Quad(_mm256_add_epi32(l.a, r.a), _mm256_add_epi32(l.b, r.b), _mm256_add_epi32(l.c, r.c), _mm256_add_epi32(l.d, r.d))
    }
}

extension AVX2 {
    /// A weight row (`blocks` super-blocks at `w`) times `n ≤ 4` tokens' activations.
    @inline(__always)
    static func dotTile<K: KQuantKernel>(_: K.Type, _ w: UnsafeRawPointer, _ xs: (Q8_KRow, Q8_KRow, Q8_KRow, Q8_KRow), _ n: Int,
                                         blocks: Int) -> SIMD4<Float> {
        var a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps()
        for i in 0..<blocks {
            let p = w + K.blockBytes * i
            let prep = K.prepare(p)
            let o = 256 * i
            // The chunks written out (not a loop) so each one's shifts and scale masks are
            // constants; integer sums are exact, so their order does not matter.
            @inline(__always) func step(_ c: Int) -> Quad {
                let (codes, scale) = K.chunk(p, prep, c)
                let e = o + 32 * c, z = _mm256_setzero_si256()
                return Quad(dot32(codes, UnsafeRawPointer(xs.0.codes8 + e), scale),
                            n > 1 ? dot32(codes, UnsafeRawPointer(xs.1.codes8 + e), scale) : z,
                            n > 2 ? dot32(codes, UnsafeRawPointer(xs.2.codes8 + e), scale) : z,
                            n > 3 ? dot32(codes, UnsafeRawPointer(xs.3.codes8 + e), scale) : z)
            }
            let s = ((step(0) + step(1)) + (step(2) + step(3))) + ((step(4) + step(5)) + (step(6) + step(7)))
            let (s0, s1, s2, s3) = (s.a, s.b, s.c, s.d)
            a0 = K.finish(a0, p, prep, s0, xs.0, i)
            if n > 1 { a1 = K.finish(a1, p, prep, s1, xs.1, i) }
            if n > 2 { a2 = K.finish(a2, p, prep, s2, xs.2, i) }
            if n > 3 { a3 = K.finish(a3, p, prep, s3, xs.3, i) }
        }
        return SIMD4(hsum(a0), hsum(a1), hsum(a2), hsum(a3))
    }

    /// One row, one token: the decode dot product (``dotTile(_:_:_:_:blocks:)`` with `n = 1`).
    @inline(__always)
    static func dot<K: KQuantKernel>(_: K.Type, _ w: UnsafeRawPointer, _ x: Q8_KRow, blocks: Int) -> Float {
        dotTile(K.self, w, (x, x, x, x), 1, blocks: blocks)[0]
    }

    // MARK: Scale helpers

    /// The eight 6-bit scales and eight 6-bit minimums of a Q4_K/Q5_K super-block from its
    /// 12 packed bytes (the order `get_scale_min_k4` reads): `(scales 0–3, scales 4–7,
    /// mins 0–3, mins 4–7)`, one byte per value.
    @inline(__always)
    static func scalesMinsK4(_ p: UnsafeRawPointer) -> (UInt32, UInt32, UInt32, UInt32) {
        let u0 = UInt32(littleEndian: p.loadUnaligned(as: UInt32.self))
        let u1 = UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
        let u2 = UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
        let k1: UInt32 = 0x3f3f_3f3f, k2: UInt32 = 0x0f0f_0f0f, k3: UInt32 = 0x0303_0303
        return (u0 & k1, (u2 & k2) | (((u0 >> 6) & k3) << 4), u1 & k1, ((u2 >> 4) & k2) | (((u1 >> 6) & k3) << 4))
    }

    /// The eight scale bytes `(a, b)` as 16-bit lanes, in both 128-bit halves.
    @inline(__always)
    static func scaleLanes(_ a: UInt32, _ b: UInt32) -> __m256i {
        let s = _mm_cvtepu8_epi16(_mm_set_epi32(0, 0, Int32(bitPattern: b), Int32(bitPattern: a)))
        return _mm256_set_m128i(s, s)
    }

    /// 16-bit lane `i` of `lanes` (from ``scaleLanes(_:_:)``) broadcast over all lanes.
    @inline(__always)
    static func laneScale(_ lanes: __m256i, _ i: Int) -> __m256i {
        let lo = Int8(2 * i), hi = Int8(2 * i + 1)
        return _mm256_shuffle_epi8(lanes, _mm256_setr_epi8(lo, hi, lo, hi, lo, hi, lo, hi, lo, hi, lo, hi, lo, hi, lo, hi,
                                                           lo, hi, lo, hi, lo, hi, lo, hi, lo, hi, lo, hi, lo, hi, lo, hi))
    }

    /// `Σ_j mins[j] · (gs[2j] + gs[2j+1])` as four 32-bit lanes (in the low half of a
    /// 256-bit vector): minimums (bytes of `m0`, `m1`) against the sums of the eight
    /// 32-element sub-blocks.
    @inline(__always)
    static func minsDot(_ m0: UInt32, _ m1: UInt32, _ gs: UnsafePointer<Int16>) -> __m256i {
        let mins = _mm_cvtepu8_epi16(_mm_set_epi32(0, 0, Int32(bitPattern: m1), Int32(bitPattern: m0)))
        let sums = _mm_hadd_epi16(load128(gs), load128(gs + 8))
        return _mm256_set_m128i(_mm_setzero_si128(), _mm_madd_epi16(mins, sums))
    }

    /// Sixteen signed scale bytes widened to 16 bits once per super-block: scales 0–7 in
    /// both 128-bit halves of the first vector, 8–15 in both halves of the second, so that
    /// each chunk's pair of scales is one `vpshufb` (``pairScale(_:_:)``).
    @inline(__always)
    static func scalePairs(_ s: __m128i) -> (__m256i, __m256i) {
        let lo = _mm_cvtepi8_epi16(s), hi = _mm_cvtepi8_epi16(_mm_unpackhi_epi64(s, s))
        return (_mm256_set_m128i(lo, lo), _mm256_set_m128i(hi, hi))
    }

    /// Scales `2c` (lanes 0–7) and `2c + 1` (lanes 8–15) from ``scalePairs(_:)``.
    @inline(__always)
    static func pairScale(_ lanes: (__m256i, __m256i), _ c: Int) -> __m256i {
        let a = Int8(2 * ((2 * c) % 8)), b = Int8(2 * ((2 * c + 1) % 8))
        return _mm256_shuffle_epi8(c < 4 ? lanes.0 : lanes.1,
                                   _mm256_setr_epi8(a, a + 1, a, a + 1, a, a + 1, a, a + 1, a, a + 1, a, a + 1, a, a + 1, a, a + 1,
                                                    b, b + 1, b, b + 1, b, b + 1, b, b + 1, b, b + 1, b, b + 1, b, b + 1, b, b + 1))
    }

    /// The sixteen signed 6-bit scales (`sc − 32`) of a Q3_K block from its 12 packed bytes.
    @inline(__always)
    static func q3Scales(_ p: UnsafeRawPointer) -> __m128i {
        let u0 = UInt32(littleEndian: p.loadUnaligned(as: UInt32.self))
        let u1 = UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
        let t = UInt32(littleEndian: p.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
        let k1: UInt32 = 0x0303_0303, k2: UInt32 = 0x0f0f_0f0f
        let a0 = (u0 & k2) | ((t & k1) << 4), a1 = (u1 & k2) | (((t >> 2) & k1) << 4)
        let a2 = ((u0 >> 4) & k2) | (((t >> 4) & k1) << 4), a3 = ((u1 >> 4) & k2) | (((t >> 6) & k1) << 4)
        let v = _mm_set_epi32(Int32(bitPattern: a3), Int32(bitPattern: a2), Int32(bitPattern: a1), Int32(bitPattern: a0))
        return _mm_sub_epi8(v, _mm_set1_epi8(32))
    }

    /// `acc + scale · sumi − minScale · mins` (the two FMAs of a super-block).
    @inline(__always)
    static func scaled(_ acc: __m256, _ scale: Float, _ sumi: __m256i, minScale: Float, _ mins: __m256i) -> __m256 {
        _mm256_fnmadd_ps(_mm256_set1_ps(minScale), _mm256_cvtepi32_ps(mins),
                         _mm256_fmadd_ps(_mm256_set1_ps(scale), _mm256_cvtepi32_ps(sumi), acc))
    }

    // MARK: The five types

    enum Q4_K: KQuantKernel {
        static var blockBytes: Int { 144 }
        @inline(__always)
        static func prepare(_ p: UnsafeRawPointer) -> (__m256i, UInt32, UInt32) {
            let (s0, s1, m0, m1) = scalesMinsK4(p + 4)
            return (scaleLanes(s0, s1), m0, m1)
        }
        @inline(__always)
        static func chunk(_ p: UnsafeRawPointer, _ prep: (__m256i, UInt32, UInt32), _ c: Int) -> (__m256i, __m256i) {
            // Chunk c: nibbles of qs[32(c/2) …], low for even c (sub-block c), high for odd.
            let v = load(p + 16 + 32 * (c / 2))
            let codes = c % 2 == 0 ? v : _mm256_srli_epi16(v, 4)
            return (_mm256_and_si256(codes, _mm256_set1_epi8(0x0f)), laneScale(prep.0, c))
        }
        @inline(__always)
        static func finish(_ acc: __m256, _ p: UnsafeRawPointer, _ prep: (__m256i, UInt32, UInt32), _ sumi: __m256i,
                           _ x: Q8_KRow, _ i: Int) -> __m256 {
            let dx = x.scales[i]
            return scaled(acc, dx * loadF16(p, 0), sumi, minScale: dx * loadF16(p, 2), minsDot(prep.1, prep.2, x.groupSums16 + 16 * i))
        }
    }

    enum Q5_K: KQuantKernel {
        static var blockBytes: Int { 176 }
        @inline(__always)
        static func prepare(_ p: UnsafeRawPointer) -> (__m256i, UInt32, UInt32) {
            let (s0, s1, m0, m1) = scalesMinsK4(p + 4)
            return (scaleLanes(s0, s1), m0, m1)
        }
        @inline(__always)
        static func chunk(_ p: UnsafeRawPointer, _ prep: (__m256i, UInt32, UInt32), _ c: Int) -> (__m256i, __m256i) {
            // Chunk c: nibbles of qs[32(c/2) …] plus bit c of qh as the fifth bit.
            let v = load(p + 48 + 32 * (c / 2)), qh = load(p + 16)
            let nib = _mm256_and_si256(c % 2 == 0 ? v : _mm256_srli_epi16(v, 4), _mm256_set1_epi8(0x0f))
            let high = _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, Int32(c)), _mm256_set1_epi8(1)), 4)
            return (_mm256_or_si256(nib, high), laneScale(prep.0, c))
        }
        @inline(__always)
        static func finish(_ acc: __m256, _ p: UnsafeRawPointer, _ prep: (__m256i, UInt32, UInt32), _ sumi: __m256i,
                           _ x: Q8_KRow, _ i: Int) -> __m256 {
            let dx = x.scales[i]
            return scaled(acc, dx * loadF16(p, 0), sumi, minScale: dx * loadF16(p, 2), minsDot(prep.1, prep.2, x.groupSums16 + 16 * i))
        }
    }

    enum Q6_K: KQuantKernel {
        static var blockBytes: Int { 210 }
        @inline(__always)
        static func prepare(_ p: UnsafeRawPointer) -> (__m128i, (__m256i, __m256i)) {
            let sc = load128(p + 192)
            return (sc, scalePairs(sc))
        }
        @inline(__always)
        static func chunk(_ b: UnsafeRawPointer, _ prep: (__m128i, (__m256i, __m256i)), _ c: Int) -> (__m256i, __m256i) {
            // Half k = c/4, quarter j = c%4: elements 128k + 32j …; low nibbles of ql[64k + 32(j%2) …]
            // for j < 2, high for j ≥ 2; bits 2j…2j+1 of qh[32k …] above them.
            let k = c / 4, j = c % 4
            let ql = load(b + 64 * k + 32 * (j % 2)), qh = load(b + 128 + 32 * k)
            let low = _mm256_and_si256(j < 2 ? ql : _mm256_srli_epi16(ql, 4), _mm256_set1_epi8(0x0f))
            let high = _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, Int32(2 * j)), _mm256_set1_epi8(3)), 4)
            return (_mm256_or_si256(low, high), pairScale(prep.1, c))
        }
        @inline(__always)
        static func finish(_ acc: __m256, _ b: UnsafeRawPointer, _ prep: (__m128i, (__m256i, __m256i)), _ sumi: __m256i,
                           _ x: Q8_KRow, _ i: Int) -> __m256 {
            let sc = prep.0
            // Codes are stored +32: subtract 32 · Σ_g sc[g] · Σ(x in group g).
            let offset = _mm256_slli_epi32(_mm256_madd_epi16(_mm256_cvtepi8_epi16(sc), load(x.groupSums16 + 16 * i)), 5)
            return _mm256_fmadd_ps(_mm256_set1_ps(x.scales[i] * loadF16(b, 208)), _mm256_cvtepi32_ps(_mm256_sub_epi32(sumi, offset)), acc)
        }
    }

    enum Q2_K: KQuantKernel {
        static var blockBytes: Int { 84 }
        @inline(__always)
        static func prepare(_ p: UnsafeRawPointer) -> (__m128i, (__m256i, __m256i)) {
            let packed = load128(p)
            return (packed, scalePairs(_mm_and_si128(packed, _mm_set1_epi8(0x0f))))
        }
        @inline(__always)
        static func chunk(_ p: UnsafeRawPointer, _ prep: (__m128i, (__m256i, __m256i)), _ c: Int) -> (__m256i, __m256i) {
            // Half k = c/4, part j = c%4: bits 2j…2j+1 of qs[32k …]; sub-blocks 2c, 2c+1.
            let v = load(p + 16 + 32 * (c / 4))
            let codes = _mm256_and_si256(_mm256_srli_epi16(v, Int32(2 * (c % 4))), _mm256_set1_epi8(3))
            return (codes, pairScale(prep.1, c))
        }
        @inline(__always)
        static func finish(_ acc: __m256, _ p: UnsafeRawPointer, _ prep: (__m128i, (__m256i, __m256i)), _ sumi: __m256i,
                           _ x: Q8_KRow, _ i: Int) -> __m256 {
            let packed = prep.0
            let mins = _mm256_cvtepu8_epi16(_mm_and_si128(_mm_srli_epi16(packed, 4), _mm_set1_epi8(0x0f)))
            let dx = x.scales[i]
            return scaled(acc, dx * loadF16(p, 80), sumi, minScale: dx * loadF16(p, 82),
                          _mm256_madd_epi16(mins, load(x.groupSums16 + 16 * i)))
        }
    }

    enum Q3_K: KQuantKernel {
        static var blockBytes: Int { 110 }
        @inline(__always)
        static func prepare(_ p: UnsafeRawPointer) -> (__m128i, (__m256i, __m256i)) {
            let sc = q3Scales(p + 96)
            return (sc, scalePairs(sc))
        }
        @inline(__always)
        static func chunk(_ p: UnsafeRawPointer, _ prep: (__m128i, (__m256i, __m256i)), _ c: Int) -> (__m256i, __m256i) {
            // Half k = c/4, part j = c%4: low bits 2j…2j+1 of qs[32k …], high bit 4k + j of
            // hmask, moved to bit 2 (codes stored +4).
            let v = load(p + 32 + 32 * (c / 4)), hm = load(p)
            let low = _mm256_and_si256(_mm256_srli_epi16(v, Int32(2 * (c % 4))), _mm256_set1_epi8(3))
            let bit = c  // 4k + j
            let moved = bit >= 2 ? _mm256_srli_epi16(hm, Int32(bit - 2)) : _mm256_slli_epi16(hm, Int32(2 - bit))
            return (_mm256_or_si256(low, _mm256_and_si256(moved, _mm256_set1_epi8(4))), pairScale(prep.1, c))
        }
        @inline(__always)
        static func finish(_ acc: __m256, _ p: UnsafeRawPointer, _ prep: (__m128i, (__m256i, __m256i)), _ sumi: __m256i,
                           _ x: Q8_KRow, _ i: Int) -> __m256 {
            let sc = prep.0
            // Subtract 4 · Σ_g s[g] · Σ(x in group g) for the +4 of the codes.
            let offset = _mm256_slli_epi32(_mm256_madd_epi16(_mm256_cvtepi8_epi16(sc), load(x.groupSums16 + 16 * i)), 2)
            return _mm256_fmadd_ps(_mm256_set1_ps(x.scales[i] * loadF16(p, 108)), _mm256_cvtepi32_ps(_mm256_sub_epi32(sumi, offset)), acc)
        }
    }
}
#endif

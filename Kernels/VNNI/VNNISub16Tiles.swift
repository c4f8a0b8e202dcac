#if arch(x86_64)
import _Builtin_intrinsics.intel

// The one VNNI tile of the k-quants with 16-element sub-blocks (Q2_K, Q3_K, Q6_K; `Kernels`'
// `WidePanel16` layout), and what each type supplies to it. The code and scale decoding
// restates `Kernels`' `WidePanel16Block` conformances operation for operation (that code is
// compiled for AVX2 machines and this target for AVX-512 ones, so they cannot share it).

/// What ``VNNIKTiles/tile16(_:_:_:_:_:_:_:_:)`` needs of a type with 16-element sub-blocks.
protocol VNNISub16Block: VNNIKTiles.Body {
    /// Bytes of one group (eight blocks).
    static var groupBytes: Int { get }
    /// Shift `sh` of sub-block `s`'s codes for eight rows: the unsigned codes of elements
    /// `16s + 4sh … + 3`, row `r`'s in its 32-bit lane.
    static func codes(_ g: UnsafeRawPointer, _ s: Int, _ sh: Int) -> __m256i
    /// Row `r`'s scale of sub-block `s` in its 32-bit lane (the `vpmulld` operand).
    static func scale(_ g: UnsafeRawPointer, _ s: Int) -> __m256i
    /// The coefficients of group sums `2k` and `2k + 1` of row `r` in 16-bit lanes `2r`,
    /// `2r + 1` (the `vpmaddwd` operand of the second term).
    static func pair(_ g: UnsafeRawPointer, _ k: Int) -> __m256i
    /// `acc` plus the eight rows' super-block results from `isum = Σ sc_s · Σ q · x` and
    /// `pairs = Σ p_k · (Σx_2k, Σx_2k+1)`.
    static func finish(_ acc: __m256, _ g: UnsafeRawPointer, isum: __m256i, pairs: __m256i, dx: Float) -> __m256
}

extension VNNISub16Block {
    @inline(__always)
    static func run<Count: VNNITiles.TokenCount>(
        _ panel: UnsafeRawPointer, _ nb: Int, _ x: VNNIKTokens, _ continuing: Bool, _ c: Count.Type,
        _ y: UnsafeMutablePointer<Float>, _ ldy: Int
    ) { VNNIKTiles.tile16(Self.self, panel, nb, x, continuing, c, y, ldy) }
}

extension VNNIKTiles {
    /// The tile for `n` tokens (eight pairs per super-block in `x`): per sub-block and token
    /// four `vpdpbusd`, then `isum += Σ q · x · sc` with `vpmulld`; per super-block the eight
    /// `vpmaddwd` pair terms summed as `WidePanel16.pairTerms` sums them, then the type's
    /// finish, with each token's float sum in `y`.
    @inline(__always)
    static func tile16<B: VNNISub16Block, Count: VNNITiles.TokenCount>(
        _: B.Type, _ panel: UnsafeRawPointer, _ nb: Int, _ x: VNNIKTokens, _ continuing: Bool, _: Count.Type,
        _ y: UnsafeMutablePointer<Float>, _ ldy: Int
    ) {
        let n = Count.n, zero = _mm256_setzero_si256()
        if !continuing { for j in 0..<n { _mm256_storeu_ps(y + j * ldy, _mm256_setzero_ps()) } }
        var p = (zero, zero, zero, zero, zero, zero, zero, zero), q = p, r = p
        withUnsafeMutableBytes(of: &p) { pBytes in
            withUnsafeMutableBytes(of: &q) { qBytes in
                withUnsafeMutableBytes(of: &r) { rBytes in
                    let t = pBytes.baseAddress!.assumingMemoryBound(to: __m256i.self)
                    let isum = qBytes.baseAddress!.assumingMemoryBound(to: __m256i.self)
                    let pair = rBytes.baseAddress!.assumingMemoryBound(to: __m256i.self)
                    var xb = x.codes, scales = x.scales, pairs = x.pairs, g = panel
                    for _ in 0..<nb {
                        for j in 0..<n { isum[j] = zero }
                        for s in 0..<16 {
                            for j in 0..<n { t[j] = zero }
                            for sh in 0..<4 {
                                let c = B.codes(g, s, sh)
                                for j in 0..<n { t[j] = VNNITiles.dot(t[j], c, xb + 4 * (n * (4 * s + sh) + j)) }
                            }
                            let k = B.scale(g, s)
                            for j in 0..<n { isum[j] = _mm256_add_epi32(isum[j], _mm256_mullo_epi32(t[j], k)) }
                        }
                        for k in 0..<8 { pair[k] = B.pair(g, k) }
                        for j in 0..<n {
                            @inline(__always) func term(_ k: Int) -> __m256i {
                                _mm256_madd_epi16(pair[k], _mm256_set1_epi32(pairs[n * k + j]))
                            }
                            let m0 = _mm256_add_epi32(_mm256_add_epi32(term(0), term(1)), _mm256_add_epi32(term(2), term(3)))
                            let m1 = _mm256_add_epi32(_mm256_add_epi32(term(4), term(5)), _mm256_add_epi32(term(6), term(7)))
                            let out = y + j * ldy
                            _mm256_storeu_ps(out, B.finish(_mm256_loadu_ps(out), g, isum: isum[j], pairs: _mm256_add_epi32(m0, m1),
                                                           dx: scales[j]))
                        }
                        xb += 256 * n
                        scales += n
                        pairs += 8 * n
                        g += B.groupBytes
                    }
                }
            }
        }
    }

    /// Bytes `k` and `k2` of each row's 32-bit lane of `v` in 16-bit lanes `2r` and `2r + 1`,
    /// zero-extended or (`signed`) sign-extended (`Kernels`' `WidePanel16.spread` and
    /// `spreadSigned`).
    @inline(__always)
    static func spread(_ v: __m256i, _ k: Int, _ k2: Int, signed: Bool) -> __m256i {
        let b = Int8(k), c = Int8(k2), z: Int8 = -128
        guard signed else {
            let m = _mm256_setr_epi8(b, z, c, z, b + 4, z, c + 4, z, b + 8, z, c + 8, z, b + 12, z, c + 12, z,
                                     b, z, c, z, b + 4, z, c + 4, z, b + 8, z, c + 8, z, b + 12, z, c + 12, z)
            return _mm256_shuffle_epi8(v, m)
        }
        let m = _mm256_setr_epi8(z, b, z, c, z, b + 4, z, c + 4, z, b + 8, z, c + 8, z, b + 12, z, c + 12,
                                 z, b, z, c, z, b + 4, z, c + 4, z, b + 8, z, c + 8, z, b + 12, z, c + 12)
        return _mm256_srai_epi16(_mm256_shuffle_epi8(v, m), 8)
    }

    /// Q2_K: `[d: 8 fp16] [dmin: 8 fp16] [scale words w: 4 × 32 bytes, row r's scales 4w …,
    /// scale in the low nibble, minimum in the high one]`, then sub-block `s`'s two-bit code
    /// vector at `160 + 32s` (bits `2j` of byte `b`: element `16s + 4j + b`).
    enum Q2K: VNNISub16Block {
        static var groupBytes: Int { 672 }

        @inline(__always)
        static func codes(_ g: UnsafeRawPointer, _ s: Int, _ sh: Int) -> __m256i {
            let low = VNNITiles.load(g + 160 + 32 * s)
            return _mm256_and_si256(sh == 0 ? low : _mm256_srli_epi16(low, Int32(2 * sh)), _mm256_set1_epi8(3))
        }

        @inline(__always)
        static func scale(_ g: UnsafeRawPointer, _ s: Int) -> __m256i {
            let w = VNNITiles.load(g + 32 + 32 * (s / 4))
            return _mm256_and_si256(s % 4 == 0 ? w : _mm256_srli_epi32(w, Int32(8 * (s % 4))), _mm256_set1_epi32(0x0f))
        }

        @inline(__always)
        static func pair(_ g: UnsafeRawPointer, _ k: Int) -> __m256i {
            _mm256_srli_epi16(spread(VNNITiles.load(g + 32 + 32 * (k / 2)), 2 * (k % 2), 2 * (k % 2) + 1, signed: false), 4)
        }

        @inline(__always)
        static func finish(_ acc: __m256, _ g: UnsafeRawPointer, isum: __m256i, pairs: __m256i, dx: Float) -> __m256 {
            let d = _mm256_cvtph_ps(_mm_loadu_si128(g.assumingMemoryBound(to: __m128i.self)))
            let dmin = _mm256_cvtph_ps(_mm_loadu_si128((g + 16).assumingMemoryBound(to: __m128i.self)))
            let s = _mm256_set1_ps(dx)
            let a = _mm256_fmadd_ps(_mm256_cvtepi32_ps(isum), _mm256_mul_ps(d, s), acc)
            return _mm256_fnmadd_ps(_mm256_cvtepi32_ps(pairs), _mm256_mul_ps(dmin, s), a)
        }
    }

    /// Q3_K: `[d: 8 fp16] [scale words w: 3 × 32 bytes at 16, ggml's packed 6-bit scales of
    /// row r]`, then per sub-block pair `h` a rest vector at `112 + 96h` and the code vectors
    /// of sub-blocks `2h`, `2h + 1` after it (`Kernels`' `BlockQ3_K` panel layout); scales are
    /// `sc − 32` and the `−4` of the codes is folded in as `isum − 4 · pairs`.
    enum Q3K: VNNISub16Block {
        static var groupBytes: Int { 880 }

        @inline(__always)
        static func codes(_ g: UnsafeRawPointer, _ s: Int, _ sh: Int) -> __m256i {
            let seven = _mm256_set1_epi8(7), rest = 112 + 96 * (s / 2), low = VNNITiles.load(g + rest + 32 + 32 * (s % 2))
            switch sh {
            case 0: return _mm256_and_si256(low, seven)
            case 1: return _mm256_and_si256(_mm256_srli_epi16(low, 3), seven)
            case 2:
                let r = VNNITiles.load(g + rest)
                return _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(low, 6), _mm256_set1_epi8(3)),
                                       _mm256_and_si256(_mm256_srli_epi16(r, Int32(1 + 4 * (s % 2))), _mm256_set1_epi8(4)))
            default:
                let r = VNNITiles.load(g + rest)
                return _mm256_and_si256(s % 2 == 0 ? r : _mm256_srli_epi16(r, 4), seven)
            }
        }

        /// Row `r`'s unsigned 6-bit scales `4w … 4w + 3` in its 32-bit lane, a byte each
        /// (ggml's `aux` words).
        @inline(__always)
        static func word(_ g: UnsafeRawPointer, _ w: Int) -> __m256i {
            let a0 = VNNITiles.load(g + 16), a1 = VNNITiles.load(g + 48), a2 = VNNITiles.load(g + 80)
            let k2 = _mm256_set1_epi8(0x0f), k1 = _mm256_set1_epi8(0x03)
            let high = _mm256_slli_epi32(_mm256_and_si256(_mm256_srli_epi32(a2, Int32(2 * w)), k1), 4)
            let nibbles = _mm256_and_si256(w < 2 ? (w == 0 ? a0 : a1) : _mm256_srli_epi32(w == 2 ? a0 : a1, 4), k2)
            return _mm256_or_si256(nibbles, high)
        }

        @inline(__always)
        static func scale(_ g: UnsafeRawPointer, _ s: Int) -> __m256i {
            let w = word(g, s / 4)
            let b = _mm256_and_si256(s % 4 == 0 ? w : _mm256_srli_epi32(w, Int32(8 * (s % 4))), _mm256_set1_epi32(0xff))
            return _mm256_sub_epi32(b, _mm256_set1_epi32(32))
        }

        @inline(__always)
        static func pair(_ g: UnsafeRawPointer, _ k: Int) -> __m256i {
            _mm256_sub_epi16(spread(word(g, k / 2), 2 * (k % 2), 2 * (k % 2) + 1, signed: false), _mm256_set1_epi16(32))
        }

        @inline(__always)
        static func finish(_ acc: __m256, _ g: UnsafeRawPointer, isum: __m256i, pairs: __m256i, dx: Float) -> __m256 {
            let d = _mm256_cvtph_ps(_mm_loadu_si128(g.assumingMemoryBound(to: __m128i.self)))
            let total = _mm256_sub_epi32(isum, _mm256_slli_epi32(pairs, 2))
            return _mm256_fmadd_ps(_mm256_cvtepi32_ps(total), _mm256_mul_ps(d, _mm256_set1_ps(dx)), acc)
        }
    }

    /// Q6_K: `[d: 8 fp16] [scale words w: 4 × 32 bytes, row r's int8 scales 4w …]`, then per
    /// sub-block `s` three code vectors at `144 + 96s + 32k` (`Kernels`' `BlockQ6_K` panel
    /// layout: shifts 0, 1 and 3 whole in bits 0–5, shift 2 in their top two bits); the `−32`
    /// folded into the integers as `isum − 32 · pairs`.
    enum Q6K: VNNISub16Block {
        static var groupBytes: Int { 1680 }

        @inline(__always)
        static func codes(_ g: UnsafeRawPointer, _ s: Int, _ sh: Int) -> __m256i {
            let six = _mm256_set1_epi8(63), at = 144 + 96 * s
            switch sh {
            case 0: return _mm256_and_si256(VNNITiles.load(g + at), six)
            case 1: return _mm256_and_si256(VNNITiles.load(g + at + 32), six)
            case 3: return _mm256_and_si256(VNNITiles.load(g + at + 64), six)
            default:
                let top = _mm256_set1_epi8(-64)
                let a = _mm256_and_si256(VNNITiles.load(g + at), top), b = _mm256_and_si256(VNNITiles.load(g + at + 32), top)
                let c = _mm256_and_si256(VNNITiles.load(g + at + 64), top)
                let ab = _mm256_srli_epi16(_mm256_or_si256(_mm256_srli_epi16(a, 2), b), 2)
                return _mm256_srli_epi16(_mm256_or_si256(ab, c), 2)
            }
        }

        @inline(__always)
        static func scale(_ g: UnsafeRawPointer, _ s: Int) -> __m256i {
            _mm256_srai_epi32(_mm256_slli_epi32(VNNITiles.load(g + 16 + 32 * (s / 4)), Int32(24 - 8 * (s % 4))), 24)
        }

        @inline(__always)
        static func pair(_ g: UnsafeRawPointer, _ k: Int) -> __m256i {
            spread(VNNITiles.load(g + 16 + 32 * (k / 2)), 2 * (k % 2), 2 * (k % 2) + 1, signed: true)
        }

        @inline(__always)
        static func finish(_ acc: __m256, _ g: UnsafeRawPointer, isum: __m256i, pairs: __m256i, dx: Float) -> __m256 {
            let d = _mm256_cvtph_ps(_mm_loadu_si128(g.assumingMemoryBound(to: __m128i.self)))
            let total = _mm256_sub_epi32(isum, _mm256_slli_epi32(pairs, 5))
            return _mm256_fmadd_ps(_mm256_cvtepi32_ps(total), _mm256_mul_ps(d, _mm256_set1_ps(dx)), acc)
        }
    }
}
#endif

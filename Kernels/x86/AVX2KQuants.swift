#if arch(x86_64)
import _Builtin_intrinsics.intel

/// AVX2 dot products of the k-quants with Q8_K activations: unsigned codes times signed
/// activation bytes with `vpmaddubsw`, sub-block scales applied with `vpmaddwd`, one f32
/// FMA per super-block. Minimums and code offsets are folded in through the activations'
/// 16-bit group sums, also with `vpmaddwd`. Each equals the type's `dotRef` up to f32
/// summation order (tested). The four (or eight) chunks of a super-block are independent
/// until one final add, so their latencies overlap.
extension AVX2 {
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

    /// 16-bit lane `i` of `lanes` (from ``scaleLanes(_:_:)``) broadcast over all lanes: one
    /// `vpshufb`.
    @inline(__always)
    static func laneScale(_ lanes: __m256i, _ i: Int) -> __m256i {
        let lo = Int8(2 * i), hi = Int8(2 * i + 1)
        return _mm256_shuffle_epi8(lanes, _mm256_setr_epi8(lo, hi, lo, hi, lo, hi, lo, hi, lo, hi, lo, hi, lo, hi, lo, hi,
                                                           lo, hi, lo, hi, lo, hi, lo, hi, lo, hi, lo, hi, lo, hi, lo, hi))
    }

    /// `Σ_j mins[j] · (gs[2j] + gs[2j+1])` as four 32-bit lanes: minimums (bytes of `m0`,
    /// `m1`) against the sums of the eight 32-element sub-blocks.
    @inline(__always)
    static func minsDot(_ m0: UInt32, _ m1: UInt32, _ gs: UnsafePointer<Int16>) -> __m128i {
        let mins = _mm_cvtepu8_epi16(_mm_set_epi32(0, 0, Int32(bitPattern: m1), Int32(bitPattern: m0)))
        let sums = _mm_hadd_epi16(load128(gs), load128(gs + 8))
        return _mm_madd_epi16(mins, sums)
    }

    @inline(__always)
    static func fold(_ acc: __m256, _ accMin: __m128) -> Float { hsum(acc) - hsum4(accMin) }

    @inline(__always)
    static func hsum4(_ v: __m128) -> Float {
        let x = unsafeBitCast(v, to: SIMD4<Float>.self)
        return (x[0] + x[2]) + (x[1] + x[3])
    }

    static func dotQ4_K(_ w: UnsafeRawPointer, _ x: Q8_KRow, blocks: Int) -> Float {
        let m4 = _mm256_set1_epi8(0x0f)
        var acc = _mm256_setzero_ps()
        var accMin = _mm_setzero_ps()
        for i in 0..<blocks {
            let p = w + 144 * i, q8 = UnsafeRawPointer(x.codes8 + 256 * i)
            let (s0, s1, m0, m1) = scalesMinsK4(p + 4)
            let lanes = scaleLanes(s0, s1)
            @inline(__always) func chunk(_ q: Int) -> __m256i {
                let v = load(p + 16 + 32 * q)
                let lo = _mm256_and_si256(v, m4), hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), m4)
                return _mm256_add_epi32(dot32(lo, q8 + 64 * q, laneScale(lanes, 2 * q)),
                                        dot32(hi, q8 + 64 * q + 32, laneScale(lanes, 2 * q + 1)))
            }
            let sumi = _mm256_add_epi32(_mm256_add_epi32(chunk(0), chunk(1)), _mm256_add_epi32(chunk(2), chunk(3)))
            let dx = x.scales[i]
            acc = _mm256_fmadd_ps(_mm256_set1_ps(dx * loadF16(p, 0)), _mm256_cvtepi32_ps(sumi), acc)
            accMin = _mm_fmadd_ps(_mm_set1_ps(dx * loadF16(p, 2)), _mm_cvtepi32_ps(minsDot(m0, m1, x.groupSums16 + 16 * i)), accMin)
        }
        return fold(acc, accMin)
    }

    static func dotQ5_K(_ w: UnsafeRawPointer, _ x: Q8_KRow, blocks: Int) -> Float {
        let m4 = _mm256_set1_epi8(0x0f), m1b = _mm256_set1_epi8(1)
        var acc = _mm256_setzero_ps()
        var accMin = _mm_setzero_ps()
        for i in 0..<blocks {
            let p = w + 176 * i, q8 = UnsafeRawPointer(x.codes8 + 256 * i)
            let (s0, s1, m0, m1) = scalesMinsK4(p + 4)
            let lanes = scaleLanes(s0, s1)
            let qh = load(p + 16)
            @inline(__always) func chunk(_ q: Int) -> __m256i {
                let v = load(p + 48 + 32 * q)
                let hLo = _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, Int32(2 * q)), m1b), 4)
                let hHi = _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, Int32(2 * q + 1)), m1b), 4)
                let lo = _mm256_or_si256(_mm256_and_si256(v, m4), hLo)
                let hi = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(v, 4), m4), hHi)
                return _mm256_add_epi32(dot32(lo, q8 + 64 * q, laneScale(lanes, 2 * q)),
                                        dot32(hi, q8 + 64 * q + 32, laneScale(lanes, 2 * q + 1)))
            }
            let sumi = _mm256_add_epi32(_mm256_add_epi32(chunk(0), chunk(1)), _mm256_add_epi32(chunk(2), chunk(3)))
            let dx = x.scales[i]
            acc = _mm256_fmadd_ps(_mm256_set1_ps(dx * loadF16(p, 0)), _mm256_cvtepi32_ps(sumi), acc)
            accMin = _mm_fmadd_ps(_mm_set1_ps(dx * loadF16(p, 2)), _mm_cvtepi32_ps(minsDot(m0, m1, x.groupSums16 + 16 * i)), accMin)
        }
        return fold(acc, accMin)
    }

    /// Shuffle masks that spread 16-bit scale lanes `2j` and `2j + 1` of a 128-bit vector
    /// over lanes 0–7 and 8–15 of a 256-bit one (after `vpmovsxbw`/`vpmovzxbw`: byte masks).
    @inline(__always)
    static func pairMask(_ j: Int) -> __m128i {
        let a = Int8(2 * j), b = Int8(2 * j + 1)
        return _mm_setr_epi8(a, a, a, a, a, a, a, a, b, b, b, b, b, b, b, b)
    }

    /// Scales `s[2j]` (lanes 0–7) and `s[2j+1]` (lanes 8–15) from 16 signed scale bytes.
    @inline(__always)
    static func pairScales(_ s: __m128i, _ j: Int) -> __m256i {
        _mm256_cvtepi8_epi16(_mm_shuffle_epi8(s, pairMask(j)))
    }

    static func dotQ6_K(_ w: UnsafeRawPointer, _ x: Q8_KRow, blocks: Int) -> Float {
        let m4 = _mm256_set1_epi8(0x0f), m3 = _mm256_set1_epi8(3)
        var acc = _mm256_setzero_ps()
        for i in 0..<blocks {
            let b = w + 210 * i, q8 = UnsafeRawPointer(x.codes8 + 256 * i)
            let sc = load128(b + 192)
            // Codes are stored +32: subtract 32 · Σ_g sc[g] · Σ(x in group g).
            let offset = _mm256_slli_epi32(_mm256_madd_epi16(_mm256_cvtepi8_epi16(sc), load(x.groupSums16 + 16 * i)), 5)
            @inline(__always) func half(_ k: Int) -> __m256i {
                let ql0 = load(b + 64 * k), ql1 = load(b + 64 * k + 32), qh = load(b + 128 + 32 * k)
                let q1 = _mm256_or_si256(_mm256_and_si256(ql0, m4), _mm256_slli_epi16(_mm256_and_si256(qh, m3), 4))
                let q2 = _mm256_or_si256(_mm256_and_si256(ql1, m4), _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 2), m3), 4))
                let q3 = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql0, 4), m4),
                                         _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 4), m3), 4))
                let q4 = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(ql1, 4), m4),
                                         _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 6), m3), 4))
                let e = 128 * k, j = 4 * k
                return _mm256_add_epi32(
                    _mm256_add_epi32(dot32(q1, q8 + e, pairScales(sc, j)), dot32(q2, q8 + e + 32, pairScales(sc, j + 1))),
                    _mm256_add_epi32(dot32(q3, q8 + e + 64, pairScales(sc, j + 2)), dot32(q4, q8 + e + 96, pairScales(sc, j + 3))))
            }
            let total = _mm256_sub_epi32(_mm256_add_epi32(half(0), half(1)), offset)
            acc = _mm256_fmadd_ps(_mm256_set1_ps(x.scales[i] * loadF16(b, 208)), _mm256_cvtepi32_ps(total), acc)
        }
        return hsum(acc)
    }

    static func dotQ2_K(_ w: UnsafeRawPointer, _ x: Q8_KRow, blocks: Int) -> Float {
        let m3 = _mm256_set1_epi8(3), m4 = _mm_set1_epi8(0x0f)
        var acc = _mm256_setzero_ps()
        var accMin = _mm256_setzero_ps()
        for i in 0..<blocks {
            let p = w + 84 * i, q8 = UnsafeRawPointer(x.codes8 + 256 * i)
            let packed = load128(p)
            let sc = _mm_and_si128(packed, m4)
            let mins = _mm256_cvtepu8_epi16(_mm_and_si128(_mm_srli_epi16(packed, 4), m4))
            let minSum = _mm256_madd_epi16(mins, load(x.groupSums16 + 16 * i))
            @inline(__always) func half(_ k: Int) -> __m256i {
                let v = load(p + 16 + 32 * k)
                @inline(__always) func part(_ j: Int) -> __m256i {
                    dot32(_mm256_and_si256(_mm256_srli_epi16(v, Int32(2 * j)), m3), q8 + 128 * k + 32 * j, pairScales(sc, 4 * k + j))
                }
                return _mm256_add_epi32(_mm256_add_epi32(part(0), part(1)), _mm256_add_epi32(part(2), part(3)))
            }
            let sumi = _mm256_add_epi32(half(0), half(1))
            let dx = x.scales[i]
            acc = _mm256_fmadd_ps(_mm256_set1_ps(dx * loadF16(p, 80)), _mm256_cvtepi32_ps(sumi), acc)
            accMin = _mm256_fmadd_ps(_mm256_set1_ps(dx * loadF16(p, 82)), _mm256_cvtepi32_ps(minSum), accMin)
        }
        return hsum(acc) - hsum(accMin)
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

    static func dotQ3_K(_ w: UnsafeRawPointer, _ x: Q8_KRow, blocks: Int) -> Float {
        let m3 = _mm256_set1_epi8(3), m4b = _mm256_set1_epi8(4)
        var acc = _mm256_setzero_ps()
        for i in 0..<blocks {
            let p = w + 110 * i, q8 = UnsafeRawPointer(x.codes8 + 256 * i)
            let sc = q3Scales(p + 96)
            // Codes are stored +4 (low2 | hbit << 2 ∈ 0…7): subtract 4 · Σ_g s[g] · Σ(x in group g).
            let offset = _mm256_slli_epi32(_mm256_madd_epi16(_mm256_cvtepi8_epi16(sc), load(x.groupSums16 + 16 * i)), 2)
            let hm = load(p)
            @inline(__always) func half(_ k: Int) -> __m256i {
                let v = load(p + 32 + 32 * k)
                @inline(__always) func part(_ j: Int) -> __m256i {
                    let low = _mm256_and_si256(_mm256_srli_epi16(v, Int32(2 * j)), m3)
                    let bit = 4 * k + j
                    let moved = bit >= 2 ? _mm256_srli_epi16(hm, Int32(bit - 2)) : _mm256_slli_epi16(hm, Int32(2 - bit))
                    let high = _mm256_and_si256(moved, m4b)
                    return dot32(_mm256_or_si256(low, high), q8 + 128 * k + 32 * j, pairScales(sc, 4 * k + j))
                }
                return _mm256_add_epi32(_mm256_add_epi32(part(0), part(1)), _mm256_add_epi32(part(2), part(3)))
            }
            let total = _mm256_sub_epi32(_mm256_add_epi32(half(0), half(1)), offset)
            acc = _mm256_fmadd_ps(_mm256_set1_ps(x.scales[i] * loadF16(p, 108)), _mm256_cvtepi32_ps(total), acc)
        }
        return hsum(acc)
    }
}
#endif

#if arch(x86_64)
import _Builtin_intrinsics.intel

/// Where an eight-row panel group of a k-quant with 6-bit scales and minimums per 32-element
/// sub-block keeps its fields (the layout of `Kernels`' `WidePanelK`: Q4_K, Q5_K).
public struct VNNIKPanelLayout: Sendable, Equatable {
    /// Bytes per group (eight ggml super-blocks).
    public var groupBytes: Int
    /// Group offset of the eight rest vectors (the top two bits of the high codes), when
    /// codes have five bits.
    public var highBitsAt: Int?
    /// Group offset of chunk `(0, 0)`; chunk `(q, c)` is 32 bytes at `+ 32 · (8q + c)`.
    public var chunksAt: Int

    public init(groupBytes: Int, highBitsAt: Int?, chunksAt: Int) {
        self.groupBytes = groupBytes
        self.highBitsAt = highBitsAt
        self.chunksAt = chunksAt
    }
}

/// The Q8_K activations of the tokens of one tile: token `j`'s codes at `codes + j · cols`,
/// its super-block scales at `scales + j · blocks`, and its minimum-term operands (per
/// super-block four `Int32`s, each the 16-bit sums of `x` over sub-blocks `2k` and `2k + 1`)
/// at `pairs + 4 · j · blocks`.
public struct VNNIKTokens {
    public var codes: UnsafePointer<Int8>
    public var scales: UnsafePointer<Float>
    public var pairs: UnsafePointer<Int32>
    public var cols: Int
    /// Tokens in the tile, 1 … ``VNNITiles/maxTokens``.
    public var count: Int

    public init(codes: UnsafePointer<Int8>, scales: UnsafePointer<Float>, pairs: UnsafePointer<Int32>, cols: Int, count: Int) {
        self.codes = codes
        self.scales = scales
        self.pairs = pairs
        self.cols = cols
        self.count = count
    }
}

extension VNNITiles {
    /// `y[j · ldy + i] = W[8p + i] · x[t0 + j]` for the eight rows of a Q4_K/Q5_K `panel`
    /// (`blocks` groups laid out as `layout`): ggml's integers exactly, as the AVX2 tile has
    /// them (`t_s = Σ q · x` per sub-block, here in 32-bit `vpdpbusd` lanes;
    /// `isum = Σ sc_s · t_s`; `mins = Σ m_s · Σx_s`), then per super-block
    /// `acc = fma(Float(isum), d · dx, acc)` and `acc = acc − Float(mins) · (dmin · dx)`:
    /// bit for bit the AVX2 tile's result.
    public static func kPanelTile(
        _ panel: UnsafeRawPointer, blocks nb: Int, layout: VNNIKPanelLayout, _ x: VNNIKTokens, y: UnsafeMutablePointer<Float>,
        ldy: Int
    ) {
        precondition(x.count >= 1 && x.count <= maxTokens, "VNNI tile of \(x.count) tokens")
        switch x.count {
        case 8: kTile(panel, nb, layout, x, count: 8, y, ldy)
        case 7: kTile(panel, nb, layout, x, count: 7, y, ldy)
        case 6: kTile(panel, nb, layout, x, count: 6, y, ldy)
        case 5: kTile(panel, nb, layout, x, count: 5, y, ldy)
        case 4: kTile(panel, nb, layout, x, count: 4, y, ldy)
        case 3: kTile(panel, nb, layout, x, count: 3, y, ldy)
        case 2: kTile(panel, nb, layout, x, count: 2, y, ldy)
        default: kTile(panel, nb, layout, x, count: 1, y, ldy)
        }
    }

    /// Byte `k` of every 32-bit lane, zero-extended.
    @inline(__always)
    static func byte(_ v: __m256i, _ k: Int) -> __m256i {
        _mm256_and_si256(_mm256_srli_epi32(v, Int32(8 * k)), _mm256_set1_epi32(0xff))
    }

    /// Row `r`'s scale (`min == false`) or minimum of sub-block `s` in 32-bit lane `r`, from
    /// the group's three 32-byte vectors of the 12 packed scale bytes (ggml's
    /// `get_scale_min_k4`: sub-blocks 0–3 in the low six bits of bytes `s` / `s + 4`,
    /// 4–7 in the nibbles of bytes `s + 4` plus the top two bits of bytes `s − 4` / `s`).
    @inline(__always)
    static func scaleOrMin(_ u: (__m256i, __m256i, __m256i), _ s: Int, min: Bool) -> __m256i {
        let k = s % 4, six = _mm256_set1_epi32(0x3f), low4 = _mm256_set1_epi32(0x0f)
        let a = min ? u.1 : u.0
        guard s >= 4 else { return _mm256_and_si256(byte(a, k), six) }
        let nib = min ? _mm256_srli_epi32(byte(u.2, k), 4) : _mm256_and_si256(byte(u.2, k), low4)
        return _mm256_or_si256(nib, _mm256_slli_epi32(_mm256_srli_epi32(byte(a, k), 6), 4))
    }

    @inline(__always)
    static func kTile(
        _ panel: UnsafeRawPointer, _ nb: Int, _ l: VNNIKPanelLayout, _ x: VNNIKTokens, count n: Int, _ y: UnsafeMutablePointer<Float>,
        _ ldy: Int
    ) {
        let cols = x.cols, five = l.highBitsAt != nil
        var acc = (_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(),
                   _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps())
        var isums = (_mm256_setzero_si256(), _mm256_setzero_si256(), _mm256_setzero_si256(), _mm256_setzero_si256(),
                     _mm256_setzero_si256(), _mm256_setzero_si256(), _mm256_setzero_si256(), _mm256_setzero_si256())
        var sums = isums, scales = isums
        withUnsafeMutableBytes(of: &acc) { accBytes in
            withUnsafeMutableBytes(of: &isums) { isumBytes in
                withUnsafeMutableBytes(of: &sums) { sumBytes in
                    withUnsafeMutableBytes(of: &scales) { scaleBytes in
                        let a = accBytes.baseAddress!.assumingMemoryBound(to: __m256.self)
                        let isum = isumBytes.baseAddress!.assumingMemoryBound(to: __m256i.self)
                        let t = sumBytes.baseAddress!.assumingMemoryBound(to: __m256i.self)
                        let sc = scaleBytes.baseAddress!.assumingMemoryBound(to: __m256i.self)
                        for b in 0..<nb {
                            let g = panel + l.groupBytes * b, o = 256 * b
                            let u = (load(g + 32), load(g + 64), load(g + 96))
                            for s in 0..<8 { sc[s] = scaleOrMin(u, s, min: false) }
                            for j in 0..<n { isum[j] = _mm256_setzero_si256() }
                            // Sub-block s = 2q + h: chunk (q, c)'s low (h = 0) or high codes. The
                            // loop over s stays a loop (its shifts are register counts); the
                            // chunks and tokens inside unroll, and the sums stay in registers.
                            for s in 0..<8 {
                                let q = s / 2, h = s % 2
                                let shift = _mm_cvtsi32_si128(Int32(h * (five ? 5 : 4)))
                                let mask = _mm256_set1_epi8(five ? (h == 1 ? 7 : 0x1f) : 0x0f)
                                // Q5_K: bits 2q and 2q + 1 of each rest byte to bits 3 and 4 of
                                // the high codes (the 16-bit shifts cross bytes only outside the mask).
                                let up = _mm_cvtsi32_si128(Int32(max(0, 3 - 2 * q))), down = _mm_cvtsi32_si128(Int32(max(0, 2 * q - 3)))
                                let topMask = _mm256_set1_epi8(five && h == 1 ? 0x18 : 0)
                                let chunks = g + l.chunksAt + 256 * q, rest = g + (l.highBitsAt ?? 0)
                                let e = o + 64 * q + 32 * h
                                for j in 0..<n { t[j] = _mm256_setzero_si256() }
                                for c in 0..<8 {
                                    var w = _mm256_and_si256(_mm256_srl_epi16(load(chunks + 32 * c), shift), mask)
                                    if five {
                                        let top = _mm256_srl_epi16(_mm256_sll_epi16(load(rest + 32 * c), up), down)
                                        w = _mm256_or_si256(w, _mm256_and_si256(top, topMask))
                                    }
                                    for j in 0..<n { t[j] = dot(t[j], w, x.codes + j * cols + e + 4 * c) }
                                }
                                let scale = sc[s]
                                for j in 0..<n { isum[j] = _mm256_add_epi32(isum[j], _mm256_mullo_epi32(t[j], scale)) }
                            }
                            // The minimums of sub-blocks 2k and 2k + 1 in 16-bit lanes 2r and 2r + 1.
                            @inline(__always) func minPair(_ k: Int) -> __m256i {
                                _mm256_or_si256(scaleOrMin(u, 2 * k, min: true), _mm256_slli_epi32(scaleOrMin(u, 2 * k + 1, min: true), 16))
                            }
                            let m0 = minPair(0), m1 = minPair(1), m2 = minPair(2), m3 = minPair(3)
                            let d = _mm256_cvtph_ps(_mm_loadu_si128(g.assumingMemoryBound(to: __m128i.self)))
                            let dmin = _mm256_cvtph_ps(_mm_loadu_si128((g + 16).assumingMemoryBound(to: __m128i.self)))
                            for j in 0..<n {
                                let p = x.pairs + 4 * (j * nb + b)
                                let mins = _mm256_add_epi32(
                                    _mm256_add_epi32(_mm256_madd_epi16(m0, _mm256_set1_epi32(p[0])), _mm256_madd_epi16(m1, _mm256_set1_epi32(p[1]))),
                                    _mm256_add_epi32(_mm256_madd_epi16(m2, _mm256_set1_epi32(p[2])), _mm256_madd_epi16(m3, _mm256_set1_epi32(p[3]))))
                                let ds = _mm256_set1_ps(x.scales[j * nb + b])
                                let r = _mm256_fmadd_ps(_mm256_cvtepi32_ps(isum[j]), _mm256_mul_ps(d, ds), a[j])
                                a[j] = _mm256_fnmadd_ps(_mm256_cvtepi32_ps(mins), _mm256_mul_ps(dmin, ds), r)
                            }
                        }
                        for j in 0..<n { _mm256_storeu_ps(y + j * ldy, a[j]) }
                    }
                }
            }
        }
    }
}
#endif

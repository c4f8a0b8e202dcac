#if arch(x86_64)
import _Builtin_intrinsics.intel

// The k-quant tiles of the eight-row panel GEMM on AVX-512 VNNI (see VNNITiles.swift for why
// this target is separate): their activations, entry points and count dispatch, and the Q4_K
// tile (the 16-element sub-block types' tile is in VNNISub16Tiles.swift). Nothing here may run
// before `Kernels.InstructionSet` has found AVX-512 F/VL/BW/DQ/VNNI on the CPU, and nothing
// here may be called from code built without those flags other than through `Kernels`' check,
// so the 6-bit scale decoding of `Kernels`' `WidePanelK.Scales` (compiled for AVX2 machines)
// is restated here, operation for operation.

/// The Q8_K activations of the tokens of one Q4_K tile, interleaved as ``VNNITokens`` does:
/// for super-block `b`, element group `e` (elements `4e … 4e + 3`, 0 … 63) and token `j` of
/// the tile's `n`, the four codes are at `codes + 256 · n · b + 4 · (n · e + j)`; token `j`'s
/// super-block scale at `scales[n · b + j]`; its `P` pairs of sums per super-block (two
/// 16-bit sums as the low and high halves: for Q4_K, `P` = 4, the sums of sub-blocks `2k`
/// and `2k + 1`, `Kernels`' `WidePanelK.minPairs`; for Q6_K, `P` = 8, group sums `2k` and
/// `2k + 1`) at `pairs[n · (P · b + k) + j]`.
public struct VNNIKTokens {
    public var codes: UnsafePointer<Int8>
    public var scales: UnsafePointer<Float>
    public var pairs: UnsafePointer<Int32>
    /// Tokens in the tile, 1 … ``VNNIKTiles/maxTokens``.
    public var count: Int

    public init(codes: UnsafePointer<Int8>, scales: UnsafePointer<Float>, pairs: UnsafePointer<Int32>, count: Int) {
        self.codes = codes
        self.scales = scales
        self.pairs = pairs
        self.count = count
    }
}

/// The AVX-512 VNNI tiles of `Kernels`' k-quant panel GEMMs (Q2_K, Q3_K, Q4_K, Q6_K).
public enum VNNIKTiles {
    /// Tokens per tile: each token holds two sub-block sums and its super-block sum in
    /// registers (its float sum lives in the output), 24 of the 32.
    public static let maxTokens = 8

    /// `y[j · ldy + i] += W[8p + i] · x[j]` over the `blocks` super-blocks of a Q4_K `panel`
    /// (`WidePanelK`'s layout: a group of eight rows' super-block is `[d: 8 fp16] [dmin: 8 fp16]
    /// [scales: 3 × 32 bytes]` then chunk `(q, c)` at `128 + 32 · (8q + c)`, row `r`'s 4 bytes
    /// holding elements `64q + 4c …` in the low nibbles and `64q + 32 + 4c …` in the high ones),
    /// from 0 unless `continuing`: per row and super-block ggml's integers, `isum = Σ sc_s · Σ q · x`
    /// (each sub-block's `Σ q · x` from `vpdpbusd`, times its scale with `vpmulld`) and
    /// `mins = Σ m_s · Σx_s` (`vpmaddwd` on the pairs), then
    /// `acc = fma(Float(isum), d · dx, acc)` and `acc = acc − Float(mins) · (dmin · dx)`: the
    /// same integers and the same float operations in the same order as `WidePanelK`'s AVX2
    /// tile and GEMV, so the results are theirs bit for bit.
    public static func q4KTile(
        _ panel: UnsafeRawPointer, blocks nb: Int, _ x: VNNIKTokens, y: UnsafeMutablePointer<Float>, ldy: Int,
        continuing: Bool = false
    ) {
        dispatch(Q4K.self, panel, nb, x, continuing, y, ldy)
    }

    /// `y[j · ldy + i] += W[8p + i] · x[j]` for a Q6_K panel (`Kernels`' `WidePanel16` layout:
    /// `[d: 8 fp16] [scale words w: 4 × 32 bytes, row r's int8 scales 4w …]`, then per
    /// sub-block `s` three code vectors at `144 + 96s + 32k`) and the tokens of `x`, whose
    /// `pairs` are here eight per super-block (`pairs[n · (8b + k) + j]`: the 16-bit group
    /// sums `2k`, `2k + 1` of token `j`). Per row and super-block ggml's integers
    /// `isum = Σ sc_s · Σ q · x` (`vpdpbusd`, then `vpmulld` by the sign-extended scale) and
    /// `pairs = Σ sc_s · Σx_s` (`vpmaddwd`), then `acc = fma(Float(isum − 32 · pairs), d · dx, acc)`:
    /// `WidePanel16`'s AVX2 tile and GEMV bit for bit (the shared 16-element sub-block tile,
    /// ``tile16(_:_:_:_:_:_:_:_:)``).
    public static func q6KTile(
        _ panel: UnsafeRawPointer, blocks nb: Int, _ x: VNNIKTokens, y: UnsafeMutablePointer<Float>, ldy: Int,
        continuing: Bool = false
    ) {
        dispatch(Q6K.self, panel, nb, x, continuing, y, ldy)
    }

    /// `y[j · ldy + i] += W[8p + i] · x[j]` for a Q2_K panel (`Kernels`' `WidePanel16` layout:
    /// `[d: 8 fp16] [dmin: 8 fp16] [scale words w: 4 × 32 bytes, row r's scales 4w …, scale
    /// in the low nibble, minimum in the high one]`, then sub-block `s`'s two-bit code vector
    /// at `160 + 32s`, bits `2j` of byte `b` holding element `16s + 4j + b`), with eight pairs
    /// per super-block as ``q6KTile(_:blocks:_:y:ldy:continuing:)`` takes them (the shared 16-element
    /// sub-block tile, ``tile16(_:_:_:_:_:_:_:_:)``). Per row and
    /// super-block ggml's integers `isum = Σ sc_s · Σ q · x` and `mins = Σ m_s · Σx_s`, then
    /// `acc = fma(Float(isum), d · dx, acc)` and `acc = acc − Float(mins) · (dmin · dx)`:
    /// `WidePanel16`'s AVX2 tile and GEMV bit for bit.
    public static func q2KTile(
        _ panel: UnsafeRawPointer, blocks nb: Int, _ x: VNNIKTokens, y: UnsafeMutablePointer<Float>, ldy: Int,
        continuing: Bool = false
    ) {
        dispatch(Q2K.self, panel, nb, x, continuing, y, ldy)
    }

    /// `y[j · ldy + i] += W[8p + i] · x[j]` for a Q3_K panel (`Kernels`' `WidePanel16` layout,
    /// ``Q3K``), with eight pairs per super-block: ggml's `Σ (sc − 32) · Σ (q − 4) · x` per row
    /// and super-block, then one FMA, `WidePanel16`'s AVX2 tile and GEMV bit for bit (the shared
    /// 16-element sub-block tile, ``tile16(_:_:_:_:_:_:_:_:)``).
    public static func q3KTile(
        _ panel: UnsafeRawPointer, blocks nb: Int, _ x: VNNIKTokens, y: UnsafeMutablePointer<Float>, ldy: Int,
        continuing: Bool = false
    ) {
        dispatch(Q3K.self, panel, nb, x, continuing, y, ldy)
    }

    /// A tile body, specialized per token count by ``dispatch(_:_:_:_:_:_:_:)``.
    protocol Body {
        static func run<Count: VNNITiles.TokenCount>(
            _ panel: UnsafeRawPointer, _ nb: Int, _ x: VNNIKTokens, _ continuing: Bool, _: Count.Type,
            _ y: UnsafeMutablePointer<Float>, _ ldy: Int)
    }

    enum Q4K: Body {
        @inline(__always)
        static func run<Count: VNNITiles.TokenCount>(
            _ panel: UnsafeRawPointer, _ nb: Int, _ x: VNNIKTokens, _ continuing: Bool, _ c: Count.Type,
            _ y: UnsafeMutablePointer<Float>, _ ldy: Int
        ) { tile(panel, nb, x, continuing, c, y, ldy) }

        /// Bytes of one group (eight Q4_K blocks).
        static var groupBytes: Int { 1152 }
    }

    /// `B`'s tile for `x.count` tokens (1 … ``maxTokens``), each count its own specialization.
    @inline(__always)
    static func dispatch<B: Body>(
        _: B.Type, _ panel: UnsafeRawPointer, _ nb: Int, _ x: VNNIKTokens, _ continuing: Bool, _ y: UnsafeMutablePointer<Float>,
        _ ldy: Int
    ) {
        precondition(x.count >= 1 && x.count <= maxTokens, "VNNI \(B.self) tile of \(x.count) tokens")
        switch x.count {
        case 8: B.run(panel, nb, x, continuing, VNNITiles.T8.self, y, ldy)
        case 7: B.run(panel, nb, x, continuing, VNNITiles.T7.self, y, ldy)
        case 6: B.run(panel, nb, x, continuing, VNNITiles.T6.self, y, ldy)
        case 5: B.run(panel, nb, x, continuing, VNNITiles.T5.self, y, ldy)
        case 4: B.run(panel, nb, x, continuing, VNNITiles.T4.self, y, ldy)
        case 3: B.run(panel, nb, x, continuing, VNNITiles.T3.self, y, ldy)
        case 2: B.run(panel, nb, x, continuing, VNNITiles.T2.self, y, ldy)
        default: B.run(panel, nb, x, continuing, VNNITiles.T1.self, y, ldy)
        }
    }

    /// The sub-block scales (`s0`: sub-blocks 0–3, `s1`: 4–7, a byte each in row `r`'s 32-bit
    /// lane) and minimums (`m0`, `m1`) of one group, as `get_scale_min_k4` reads them.
    @inline(__always)
    static func scales(_ g: UnsafeRawPointer) -> (s0: __m256i, s1: __m256i, m0: __m256i, m1: __m256i) {
        let u0 = VNNITiles.load(g + 32), u1 = VNNITiles.load(g + 64), u2 = VNNITiles.load(g + 96)
        let k1 = _mm256_set1_epi8(0x3f), k2 = _mm256_set1_epi8(0x0f), k3 = _mm256_set1_epi8(0x03)
        let s1 = _mm256_or_si256(_mm256_and_si256(u2, k2), _mm256_slli_epi32(_mm256_and_si256(_mm256_srli_epi32(u0, 6), k3), 4))
        let m1 = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi32(u2, 4), k2),
                                 _mm256_slli_epi32(_mm256_and_si256(_mm256_srli_epi32(u1, 6), k3), 4))
        return (_mm256_and_si256(u0, k1), s1, _mm256_and_si256(u1, k1), m1)
    }

    /// Byte `k` of each 32-bit lane of `v`, zero-extended to the lane.
    @inline(__always)
    static func byte(_ v: __m256i, _ k: Int) -> __m256i {
        _mm256_and_si256(k == 0 ? v : _mm256_srli_epi32(v, Int32(8 * k)), _mm256_set1_epi32(0xff))
    }

    /// The minimums of sub-blocks `2j` and `2j + 1` of row `r` in 16-bit lanes `2r`, `2r + 1`.
    @inline(__always)
    static func minPair(_ m0: __m256i, _ m1: __m256i, _ j: Int) -> __m256i {
        let b = Int8(2 * (j % 2)), c = b + 1, z: Int8 = -128
        let m = _mm256_setr_epi8(b, z, c, z, b + 4, z, c + 4, z, b + 8, z, c + 8, z, b + 12, z, c + 12, z,
                                 b, z, c, z, b + 4, z, c + 4, z, b + 8, z, c + 8, z, b + 12, z, c + 12, z)
        return _mm256_shuffle_epi8(j < 2 ? m0 : m1, m)
    }

    @inline(__always)
    static func tile<Count: VNNITiles.TokenCount>(
        _ panel: UnsafeRawPointer, _ nb: Int, _ x: VNNIKTokens, _ continuing: Bool, _: Count.Type,
        _ y: UnsafeMutablePointer<Float>, _ ldy: Int
    ) {
        let n = Count.n
        let m4 = _mm256_set1_epi8(0x0f), zero = _mm256_setzero_si256()
        if !continuing { for j in 0..<n { _mm256_storeu_ps(y + j * ldy, _mm256_setzero_ps()) } }
        var p = (zero, zero, zero, zero, zero, zero, zero, zero), q = p, r = p
        withUnsafeMutableBytes(of: &p) { pBytes in
            withUnsafeMutableBytes(of: &q) { qBytes in
                withUnsafeMutableBytes(of: &r) { rBytes in
                    let lo = pBytes.baseAddress!.assumingMemoryBound(to: __m256i.self)
                    let hi = qBytes.baseAddress!.assumingMemoryBound(to: __m256i.self)
                    let isum = rBytes.baseAddress!.assumingMemoryBound(to: __m256i.self)
                    var xb = x.codes, scales = x.scales, pairs = x.pairs, g = panel
                    for _ in 0..<nb {
                        let sc = Self.scales(g)
                        for j in 0..<n { isum[j] = zero }
                        @inline(__always) func pair(_ qi: Int) {
                            for j in 0..<n {
                                lo[j] = zero
                                hi[j] = zero
                            }
                            for c in 0..<8 {
                                let raw = VNNITiles.load(g + 128 + 32 * (8 * qi + c))
                                let l = _mm256_and_si256(raw, m4), h = _mm256_and_si256(_mm256_srli_epi16(raw, 4), m4)
                                for j in 0..<n {
                                    lo[j] = VNNITiles.dot(lo[j], l, xb + 4 * (n * (16 * qi + c) + j))
                                    hi[j] = VNNITiles.dot(hi[j], h, xb + 4 * (n * (16 * qi + 8 + c) + j))
                                }
                            }
                            let s = qi < 2 ? sc.s0 : sc.s1
                            let kLo = byte(s, (2 * qi) % 4), kHi = byte(s, (2 * qi + 1) % 4)
                            for j in 0..<n {
                                isum[j] = _mm256_add_epi32(isum[j], _mm256_add_epi32(_mm256_mullo_epi32(lo[j], kLo),
                                                                                     _mm256_mullo_epi32(hi[j], kHi)))
                            }
                        }
                        pair(0); pair(1); pair(2); pair(3)
                        let mp = (minPair(sc.m0, sc.m1, 0), minPair(sc.m0, sc.m1, 1), minPair(sc.m0, sc.m1, 2),
                                  minPair(sc.m0, sc.m1, 3))
                        let d = _mm256_cvtph_ps(_mm_loadu_si128(g.assumingMemoryBound(to: __m128i.self)))
                        let dmin = _mm256_cvtph_ps(_mm_loadu_si128((g + 16).assumingMemoryBound(to: __m128i.self)))
                        for j in 0..<n {
                            @inline(__always) func term(_ k: Int, _ m: __m256i) -> __m256i {
                                _mm256_madd_epi16(m, _mm256_set1_epi32(pairs[n * k + j]))
                            }
                            let mins = _mm256_add_epi32(_mm256_add_epi32(term(0, mp.0), term(1, mp.1)),
                                                        _mm256_add_epi32(term(2, mp.2), term(3, mp.3)))
                            let s = _mm256_set1_ps(scales[j]), out = y + j * ldy
                            let a = _mm256_fmadd_ps(_mm256_cvtepi32_ps(isum[j]), _mm256_mul_ps(d, s), _mm256_loadu_ps(out))
                            _mm256_storeu_ps(out, _mm256_fnmadd_ps(_mm256_cvtepi32_ps(mins), _mm256_mul_ps(dmin, s), a))
                        }
                        xb += 256 * n
                        scales += n
                        pairs += 4 * n
                        g += Q4K.groupBytes
                    }
                }
            }
        }
    }
}
#endif

#if arch(x86_64)
import _Builtin_intrinsics.intel

// This target is compiled with AVX-512 F/VL/BW/DQ/VNNI enabled (Package.swift), so nothing
// in it may run before `Kernels.InstructionSet` has found those features on the CPU. It sees
// only raw pointers: the panel layouts, the activations and the GEMM driver live in `Kernels`,
// which calls one tile at a time. The instruction it exists for is `vpdpbusd` on 256-bit
// registers (EVEX-encoded; `_mm256_mask_dpbusd_epi32` with a full mask, since the unmasked
// form is a C macro Swift cannot import): four u8 × s8 products added into each 32-bit lane
// in one µop, where AVX2 needs `vpmaddubsw`, `vpmaddwd` (or a 16-bit add) and `vpaddd`.

/// Where an eight-row panel group of a 32-element block type keeps its fields (the layout of
/// `Kernels`' `WidePanel32` and `WidePanelQ8_0`), and the code offset of its weights.
public struct VNNIPanelLayout: Sendable, Equatable {
    /// Bytes per group (eight ggml blocks).
    public var groupBytes: Int
    /// Group offset of the eight fp16 minimums, when the type has them.
    public var minsAt: Int?
    /// Group offset of the 32-byte fifth-bit vector, when codes have five bits.
    public var highBitsAt: Int?
    /// Group offset of chunk 0 (chunk `c` is 32 bytes: four codes of each of the eight rows).
    public var chunksAt: Int
    /// Chunks per group: 4 for packed nibbles (low nibbles elements `4c…`, high nibbles
    /// `16 + 4c…`), 8 for whole bytes (Q8_0, signed).
    public var chunks: Int
    /// `w = d · (q − offset)` (+ `m`): the tile starts each row's sum at `−offset · Σ x`.
    /// For signed bytes (Q8_0) 128: the tile multiplies `q + 128` and takes `128 · Σ x` off.
    public var offset: Int32

    public init(groupBytes: Int, minsAt: Int?, highBitsAt: Int?, chunksAt: Int, chunks: Int, offset: Int32) {
        self.groupBytes = groupBytes
        self.minsAt = minsAt
        self.highBitsAt = highBitsAt
        self.chunksAt = chunksAt
        self.chunks = chunks
        self.offset = offset
    }
}

/// The Q8_0 activations of the tokens of one tile, interleaved so that one base register
/// and constant displacements reach every operand: for block `b`, element group `e`
/// (elements `4e … 4e + 3`, 0 … 7) and token `j` of the tile's `n`, the four codes are at
/// `codes + 32 · n · b + 4 · (n · e + j)`; token `j`'s block scale, scaled sum (`d · Σ x`)
/// and starting sum (`−offset · Σ x`, the layout's offset applied) at `[n · b + j]`.
public struct VNNITokens {
    public var codes: UnsafePointer<Int8>
    public var scales: UnsafePointer<Float>
    public var scaledSums: UnsafePointer<Float>
    public var startSums: UnsafePointer<Int32>
    /// Tokens in the tile, 1 … ``VNNITiles/maxTokens``.
    public var count: Int

    public init(codes: UnsafePointer<Int8>, scales: UnsafePointer<Float>, scaledSums: UnsafePointer<Float>,
                startSums: UnsafePointer<Int32>, count: Int) {
        self.codes = codes
        self.scales = scales
        self.scaledSums = scaledSums
        self.startSums = startSums
        self.count = count
    }
}

/// The AVX-512 VNNI tiles of the eight-row panel GEMM.
public enum VNNITiles {
    /// Tokens per tile: AVX-512VL gives 32 vector registers, room for eight tokens' two
    /// integer and one float accumulators beside the codes.
    public static let maxTokens = 8

    /// `y[j · ldy + i] = W[8p + i] · x[j]` for the eight rows of `panel` (`blocks` groups
    /// laid out as `layout`) and the tokens of `x`: per row and block the integer sum
    /// `Σ (q − offset) · x` (exact, as the AVX2 path's), then `acc = fma(Float(sum), d · dx, acc)`,
    /// plus `(offset · d + m) · dx·Σx` for types with minimums: bit for bit the AVX2 tile's
    /// result. With `continuing`, the sums start from `y` (an earlier call's result over the
    /// preceding blocks, which continues the same sequence of operations) instead of 0.
    public static func panelTile(
        _ panel: UnsafeRawPointer, blocks nb: Int, layout: VNNIPanelLayout, _ x: VNNITokens, y: UnsafeMutablePointer<Float>,
        ldy: Int, continuing: Bool = false
    ) {
        precondition(x.count >= 1 && x.count <= maxTokens, "VNNI tile of \(x.count) tokens")
        switch x.count {
        case 8: tile(panel, nb, layout, x, continuing, T8.self, y, ldy)
        case 7: tile(panel, nb, layout, x, continuing, T7.self, y, ldy)
        case 6: tile(panel, nb, layout, x, continuing, T6.self, y, ldy)
        case 5: tile(panel, nb, layout, x, continuing, T5.self, y, ldy)
        case 4: tile(panel, nb, layout, x, continuing, T4.self, y, ldy)
        case 3: tile(panel, nb, layout, x, continuing, T3.self, y, ldy)
        case 2: tile(panel, nb, layout, x, continuing, T2.self, y, ldy)
        default: tile(panel, nb, layout, x, continuing, T1.self, y, ldy)
        }
    }

    @inline(__always)
    static func load(_ p: UnsafeRawPointer) -> __m256i { _mm256_loadu_si256(p.assumingMemoryBound(to: __m256i.self)) }

    /// `p + Σ` over each 32-bit lane of the four products `u · x` (u unsigned, x signed).
    @inline(__always)
    static func dot(_ p: __m256i, _ u: __m256i, _ x: UnsafePointer<Int8>) -> __m256i {
        _mm256_mask_dpbusd_epi32(p, 0xff, u, _mm256_set1_epi32(UnsafeRawPointer(x).loadUnaligned(as: Int32.self)))
    }

    /// A token count known at compile time: each count gets its own specialization of
    /// ``tile(_:_:_:_:_:_:_:_:)``, with every accumulator in a register (a count passed as a
    /// value let the optimizer merge seven counts into one slow function that spills them).
    protocol TokenCount { static var n: Int { get } }
    enum T1: TokenCount { static var n: Int { 1 } }
    enum T2: TokenCount { static var n: Int { 2 } }
    enum T3: TokenCount { static var n: Int { 3 } }
    enum T4: TokenCount { static var n: Int { 4 } }
    enum T5: TokenCount { static var n: Int { 5 } }
    enum T6: TokenCount { static var n: Int { 6 } }
    enum T7: TokenCount { static var n: Int { 7 } }
    enum T8: TokenCount { static var n: Int { 8 } }

    /// The eight-row tile for a constant token count `n` (each call site specializes it): the
    /// codes of a chunk are unpacked once and multiplied with all `n` tokens, each token
    /// summing into two independent chains (halving the `vpdpbusd` latency chain).
    @inline(__always)
    static func tile<Count: TokenCount>(
        _ panel: UnsafeRawPointer, _ nb: Int, _ l: VNNIPanelLayout, _ x: VNNITokens, _ continuing: Bool, _: Count.Type,
        _ y: UnsafeMutablePointer<Float>, _ ldy: Int
    ) {
        let n = Count.n
        let gb = l.groupBytes, packed = l.chunks == 4, chunksAt = l.chunksAt
        let highBitsAt = l.highBitsAt ?? 0, hasHighBits = l.highBitsAt != nil
        let minsAt = l.minsAt ?? 0, hasMins = l.minsAt != nil
        let m4 = _mm256_set1_epi8(0x0f), m16 = _mm256_set1_epi8(0x10), flip = _mm256_set1_epi8(-128)
        let offset = _mm256_set1_ps(Float(l.offset))
        let zero = _mm256_setzero_si256()
        var acc = (_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(),
                   _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps())
        var p = (zero, zero, zero, zero, zero, zero, zero, zero), q = p
        withUnsafeMutableBytes(of: &acc) { accBytes in
            withUnsafeMutableBytes(of: &p) { pBytes in
                withUnsafeMutableBytes(of: &q) { qBytes in
                    let a = accBytes.baseAddress!.assumingMemoryBound(to: __m256.self)
                    let s = pBytes.baseAddress!.assumingMemoryBound(to: __m256i.self)
                    let s2 = qBytes.baseAddress!.assumingMemoryBound(to: __m256i.self)
                    if continuing { for j in 0..<n { a[j] = _mm256_loadu_ps(y + j * ldy) } }
                    var xb = x.codes, start = x.startSums, scales = x.scales, sums = x.scaledSums, g = panel
                    for _ in 0..<nb {
                        for j in 0..<n {
                            s[j] = _mm256_set1_epi32(start[j])
                            s2[j] = zero
                        }
                        if packed {
                            let h = hasHighBits ? load(g + highBitsAt) : zero
                            for c in 0..<4 {
                                let raw = load(g + chunksAt + 32 * c)
                                var lo = _mm256_and_si256(raw, m4), hi = _mm256_and_si256(_mm256_srli_epi16(raw, 4), m4)
                                if hasHighBits {
                                    let hc = _mm256_srl_epi16(h, _mm_cvtsi32_si128(Int32(c)))
                                    lo = _mm256_or_si256(lo, _mm256_and_si256(_mm256_slli_epi16(hc, 4), m16))
                                    hi = _mm256_or_si256(hi, _mm256_and_si256(hc, m16))
                                }
                                for j in 0..<n {
                                    s[j] = dot(s[j], lo, xb + 4 * (n * c + j))
                                    s2[j] = dot(s2[j], hi, xb + 4 * (n * (4 + c) + j))
                                }
                            }
                        } else {
                            for c in stride(from: 0, to: 8, by: 2) {  // whole bytes (Q8_0): eight chunks
                                let u0 = _mm256_xor_si256(load(g + chunksAt + 32 * c), flip)
                                let u1 = _mm256_xor_si256(load(g + chunksAt + 32 * c + 32), flip)
                                for j in 0..<n {
                                    s[j] = dot(s[j], u0, xb + 4 * (n * c + j))
                                    s2[j] = dot(s2[j], u1, xb + 4 * (n * (c + 1) + j))
                                }
                            }
                        }
                        let d = _mm256_cvtph_ps(_mm_loadu_si128(g.assumingMemoryBound(to: __m128i.self)))
                        if hasMins {
                            let m = _mm256_cvtph_ps(_mm_loadu_si128((g + minsAt).assumingMemoryBound(to: __m128i.self)))
                            let mw = _mm256_fmadd_ps(d, offset, m)
                            for j in 0..<n {
                                let r = _mm256_fmadd_ps(_mm256_cvtepi32_ps(_mm256_add_epi32(s[j], s2[j])),
                                                        _mm256_mul_ps(d, _mm256_set1_ps(scales[j])), a[j])
                                a[j] = _mm256_fmadd_ps(mw, _mm256_set1_ps(sums[j]), r)
                            }
                        } else {
                            for j in 0..<n {
                                a[j] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(_mm256_add_epi32(s[j], s2[j])),
                                                       _mm256_mul_ps(d, _mm256_set1_ps(scales[j])), a[j])
                            }
                        }
                        xb += 32 * n
                        start += n
                        scales += n
                        sums += n
                        g += gb
                    }
                    for j in 0..<n { _mm256_storeu_ps(y + j * ldy, a[j]) }
                }
            }
        }
    }
}
#endif

#if arch(x86_64)
import _Builtin_intrinsics.intel
import KernelsVNNI

/// The x86 stored layout of Q8_0 matrices: rows interleaved in panels of eight, as
/// ``WidePanel32`` does for the 4- and 5-bit types, so that every 32-bit lane of a
/// `vpmaddwd` result belongs to one row and a block ends in one float conversion and FMA for
/// eight rows.
///
/// A `[rows, cols]` matrix of `nb = cols / 32` blocks per row is stored as `rows / 8` panels
/// of `nb` groups, then the `rows % 8` tail rows in ggml's own layout. A group holds block
/// `b` of the panel's eight rows (272 bytes, eight ggml blocks):
///
/// ```
/// [d0 … d7: fp16] [chunk 0] … [chunk 7]
/// chunk c = [row 0: qs[4c..4c+3]] [row 1: qs[4c..4c+3]] … [row 7: qs[4c..4c+3]]
/// ```
///
/// Signed weights times signed activations go through `vpsignb` and `vpmaddubsw`
/// (`|w| · (x · sign w)`, at most 2 · 128 · 127 per 16-bit lane), then `vpmaddwd` by ones,
/// chunk by chunk: each row's block sum is ggml's `Σ w · x` exactly. Then
/// `acc = fma(Float(sum), d · dx, acc)`, block after block, the same in GEMV and GEMM.
enum WidePanelQ8_0: PanelKernels {
    static var rows: Int { 8 }
    static var groupBytes: Int { 272 }
    /// Group offset of chunk 0 (after the eight fp16 scales).
    static var chunksAt: Int { 16 }

    static func repack(_ src: UnsafeRawPointer, into dst: UnsafeMutableRawPointer, rows: Int, cols: Int) {
        PanelLayout.repackPanels(src, into: dst, rows: rows, cols: cols, panelRows: 8, blockElements: 32, blockBytes: 34) {
            g, i, block in
            g.storeBytes(of: block.loadUnaligned(as: UInt16.self), toByteOffset: 2 * i, as: UInt16.self)
            for c in 0..<8 { (g + chunksAt + 32 * c + 4 * i).copyMemory(from: block + 2 + 4 * c, byteCount: 4) }
        }
    }

    static func unpack(_ base: UnsafeRawPointer, row r: Int, rows: Int, cols: Int, into dst: UnsafeMutableRawPointer) {
        PanelLayout.unpackPanelRow(base, row: r, rows: rows, cols: cols, panelRows: 8, blockElements: 32, blockBytes: 34,
                                   into: dst) { g, i, block in
            block.storeBytes(of: g.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self), as: UInt16.self)
            for c in 0..<8 { (block + 2 + 4 * c).copyMemory(from: g + chunksAt + 32 * c + 4 * i, byteCount: 4) }
        }
    }

    /// `s +` the products of chunk `w` (its magnitudes `a`) with the four activations at `x`.
    @inline(__always)
    static func add(_ s: __m256i, _ a: __m256i, _ w: __m256i, _ x: UnsafePointer<Int8>) -> __m256i {
        _mm256_add_epi32(s, _mm256_madd_epi16(_mm256_maddubs_epi16(a, _mm256_sign_epi8(AVX2.broadcast4(x), w)), _mm256_set1_epi16(1)))
    }

    /// `acc + Float(s) · d · dx`.
    @inline(__always)
    static func finish(_ acc: __m256, _ s: __m256i, _ d: __m256, _ dx: Float) -> __m256 {
        _mm256_fmadd_ps(_mm256_cvtepi32_ps(s), _mm256_mul_ps(d, _mm256_set1_ps(dx)), acc)
    }

    /// `acc +` one block of the eight rows of group `g` times one token's block `x`.
    @inline(__always)
    static func accumulate(_ acc: __m256, _ g: UnsafeRawPointer, _ x: UnsafePointer<Int8>, dx: Float) -> __m256 {
        var s = _mm256_setzero_si256()
        for c in 0..<8 {
            let w = AVX2.load(g + chunksAt + 32 * c)
            s = add(s, _mm256_sign_epi8(w, w), w, x + 4 * c)
        }
        return finish(acc, s, _mm256_cvtph_ps(AVX2.load128(g)), dx)
    }

    static func gemvRows(_ base: UnsafeRawPointer, range: Range<Int>, rows: Int, cols: Int, _ x: Q8_0Row, y: UnsafeMutablePointer<Float>) {
        let nb = cols / 32
        PanelLayout.gemv8(base, range: range, rows: rows, blocks: nb, groupBytes: groupBytes, y: y) { acc, g, b in
            accumulate(acc, g, x.codes8 + 32 * b, dx: x.scales[b])
        } tail: { r in
            BlockQ8_0.dot(base + r * nb * 34, x, count: cols)
        }
    }

    static func gemm(
        _ base: UnsafeRawPointer, rows: Int, cols: Int, x: UnsafePointer<Float>, tokens: Int, y: UnsafeMutablePointer<Float>,
        pool: ThreadPool?
    ) {
        let act = ActivationBatchQ8_0(x, tokens: tokens, cols: cols, pool: pool)
        if InstructionSet.current == .avx512vnni {
            // Signed bytes as `w + 128` (a sign-bit flip) times `x`, less `128 · Σ x`.
            let layout = VNNIPanelLayout(groupBytes: groupBytes, minsAt: nil, highBitsAt: nil, chunksAt: chunksAt, chunks: 8, offset: 128)
            return PanelLayout.vnniGemm(base, rows: rows, cols: cols, tokens: tokens, y: y, pool: pool, blockBytes: 34,
                                        layout: layout, activations: act) { row, t in BlockQ8_0.dot(row, act.row(t), count: cols) }
        }
        let nb = cols / 32
        PanelLayout.gemm(base, rows: rows, cols: cols, tokens: tokens, y: y, pool: pool, blockElements: 32, blockBytes: 34) {
            panel, t, n, out in tile(panel, nb, act, t, n, out, rows)
        } tail: { row, t in
            BlockQ8_0.dot(row, act.row(t), count: cols)
        }
    }

    /// The `[8 rows × n ≤ 4 tokens]` tile of one panel, token `t0 + j`'s rows stored at
    /// `y + j · ldy`: each chunk loaded, and its magnitudes taken, once for the `n` tokens.
    @inline(__always)
    static func tile(
        _ panel: UnsafeRawPointer, _ nb: Int, _ a: ActivationBatchQ8_0, _ t0: Int, _ n: Int, _ y: UnsafeMutablePointer<Float>,
        _ ldy: Int
    ) {
        guard n == 4 else {
            for j in 0..<n {
                let x = a.row(t0 + j)
                var acc = _mm256_setzero_ps()
                for b in 0..<nb { acc = accumulate(acc, panel + groupBytes * b, x.codes8 + 32 * b, dx: x.scales[b]) }
                _mm256_storeu_ps(y + j * ldy, acc)
            }
            return
        }
        let cols = a.cols
        let x0 = a.codes8 + t0 * cols, x1 = x0 + cols, x2 = x1 + cols, x3 = x2 + cols
        let d0 = a.scales + t0 * nb, d1 = d0 + nb, d2 = d1 + nb, d3 = d2 + nb
        var a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps()
        for b in 0..<nb {
            let g = panel + groupBytes * b, o = 32 * b
            var s0 = _mm256_setzero_si256(), s1 = _mm256_setzero_si256(), s2 = _mm256_setzero_si256(), s3 = _mm256_setzero_si256()
            for c in 0..<8 {
                let w = AVX2.load(g + chunksAt + 32 * c), m = _mm256_sign_epi8(w, w), e = o + 4 * c
                s0 = add(s0, m, w, x0 + e)
                s1 = add(s1, m, w, x1 + e)
                s2 = add(s2, m, w, x2 + e)
                s3 = add(s3, m, w, x3 + e)
            }
            let d = _mm256_cvtph_ps(AVX2.load128(g))
            a0 = finish(a0, s0, d, d0[b]); a1 = finish(a1, s1, d, d1[b])
            a2 = finish(a2, s2, d, d2[b]); a3 = finish(a3, s3, d, d3[b])
        }
        _mm256_storeu_ps(y, a0); _mm256_storeu_ps(y + ldy, a1); _mm256_storeu_ps(y + 2 * ldy, a2); _mm256_storeu_ps(y + 3 * ldy, a3)
    }
}

/// Q8_0: `[d][qs: 32 × int8]`, `w = d · q`.
extension BlockQ8_0: PanelStored {
    typealias Panels = WidePanelQ8_0
}
#endif

#if arch(x86_64)
import _Builtin_intrinsics.intel

/// The integer GEMM of the Q8_0 panel layout (prefill, batched decode), and the Q8_0
/// activations both panel GEMMs read (``WidePanel32`` has its own tile): every token's
/// activations are quantized to Q8_0 once, then each panel of four weight rows is loaded
/// once per block and multiplied with four tokens at a time (a 4 × 4 register tile of
/// `[r0 r0 … r3 r3]` accumulators), so the block scales are shared by four tokens and each
/// token's activation chunks by four rows. Work is split over panels.
enum PanelGemm {
    /// Q8_0 activations of `tokens` rows: int8 and int16 codes, scales and block sums.
    final class Activations {
        let tokens: Int, cols: Int, blocks: Int
        let codes8: UnsafeMutablePointer<Int8>
        let codes: UnsafeMutablePointer<Int16>
        let scales: UnsafeMutablePointer<Float>
        let sums: UnsafeMutablePointer<Float>

        init(_ x: UnsafePointer<Float>, tokens: Int, cols: Int, pool: ThreadPool?) {
            self.tokens = tokens
            self.cols = cols
            blocks = cols / 32
            codes8 = .allocate(capacity: tokens * cols)
            codes = .allocate(capacity: tokens * cols)
            scales = .allocate(capacity: tokens * blocks)
            sums = .allocate(capacity: tokens * blocks)
            let c8 = UncheckedBox(codes8), c16 = UncheckedBox(codes), s = UncheckedBox(scales), m = UncheckedBox(sums)
            let nb = blocks
            let work: (Range<Int>, Int) -> Void = { range, _ in
                for t in range {
                    ActivationQuantizer.quantizeWide(x + t * cols, blocks: nb, codes: c16.value + t * cols,
                                                     scales: s.value + t * nb, sums: m.value + t * nb)
                    for i in 0..<cols { c8.value[t * cols + i] = Int8(truncatingIfNeeded: c16.value[t * cols + i]) }
                }
            }
            if let pool, tokens > 1 { pool.parallelFor(tokens, work) } else { work(0..<tokens, 0) }
        }

        deinit {
            codes8.deallocate()
            codes.deallocate()
            scales.deallocate()
            sums.deallocate()
        }

        /// Token `t`'s row.
        @inline(__always)
        func row(_ t: Int) -> Q8_0Row {
            Q8_0Row(codes: codes + t * cols, codes8: codes8 + t * cols, scales: scales + t * blocks, sums: sums + t * blocks,
                    blocks: blocks)
        }
    }

    /// Computes the `[4 rows × n ≤ 4 tokens]` tile of one panel into `y[token, row0 + i]`.
    typealias Tile = (UnsafeRawPointer, Int, Activations, Int, Int, UnsafeMutablePointer<Float>, Int, Int) -> Void

    static func run(
        _ base: UnsafeRawPointer, rows: Int, cols: Int, x: UnsafePointer<Float>, tokens: Int, y: UnsafeMutablePointer<Float>,
        pool: ThreadPool?, groupBytes: Int, rowBlockBytes: Int, kernel: @escaping Tile,
        tail: @escaping (UnsafeRawPointer, Q8_0Row) -> Float
    ) {
        let act = Activations(x, tokens: tokens, cols: cols, pool: pool)
        let nb = cols / 32
        PanelLayout.gemm(rows: rows, panelRows: 4, tokens: tokens, pool: pool) { p, t, n in
            kernel(base + p * nb * groupBytes, nb, act, t, n, y, rows, 4 * p)
        } tail: { r, t in
            y[t * rows + r] = tail(base + r * nb * rowBlockBytes, act.row(t))
        }
    }

    /// Stores the four row totals of `acc` as `y[token, row0 … row0 + 3]`.
    @inline(__always)
    static func store(_ acc: __m256, _ y: UnsafeMutablePointer<Float>, token: Int, ldy: Int, row0: Int) {
        let t = PanelLayout.rowTotals(acc)
        let o = y + token * ldy + row0
        o[0] = t[0]; o[1] = t[1]; o[2] = t[2]; o[3] = t[3]
    }

    static func q8_0Tile(
        _ panel: UnsafeRawPointer, _ nb: Int, _ a: Activations, _ t0: Int, _ n: Int, _ y: UnsafeMutablePointer<Float>,
        _ ldy: Int, _ row0: Int
    ) {
        @inline(__always) func step(_ acc: __m256, _ d: __m256, _ s: __m256i, _ dx: Float) -> __m256 {
            _mm256_fmadd_ps(_mm256_mul_ps(d, _mm256_set1_ps(dx)), _mm256_cvtepi32_ps(s), acc)
        }
        if n == 4 {
            var acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps(), acc2 = _mm256_setzero_ps(), acc3 = _mm256_setzero_ps()
            let x0 = a.row(t0), x1 = a.row(t0 + 1), x2 = a.row(t0 + 2), x3 = a.row(t0 + 3)
            for b in 0..<nb {
                let g = panel + 136 * b
                let d = PanelLayout.pairScales(g), w = PanelQ8_0.chunks(g)
                acc0 = step(acc0, d, PanelQ8_0.sums(w, x0.codes8 + 32 * b), x0.scales[b])
                acc1 = step(acc1, d, PanelQ8_0.sums(w, x1.codes8 + 32 * b), x1.scales[b])
                acc2 = step(acc2, d, PanelQ8_0.sums(w, x2.codes8 + 32 * b), x2.scales[b])
                acc3 = step(acc3, d, PanelQ8_0.sums(w, x3.codes8 + 32 * b), x3.scales[b])
            }
            store(acc0, y, token: t0, ldy: ldy, row0: row0); store(acc1, y, token: t0 + 1, ldy: ldy, row0: row0)
            store(acc2, y, token: t0 + 2, ldy: ldy, row0: row0); store(acc3, y, token: t0 + 3, ldy: ldy, row0: row0)
            return
        }
        for t in t0..<(t0 + n) {
            let x = a.row(t)
            var acc = _mm256_setzero_ps()
            for b in 0..<nb {
                let g = panel + 136 * b
                acc = step(acc, PanelLayout.pairScales(g), PanelQ8_0.sums(PanelQ8_0.chunks(g), x.codes8 + 32 * b), x.scales[b])
            }
            store(acc, y, token: t, ldy: ldy, row0: row0)
        }
    }
}
#endif

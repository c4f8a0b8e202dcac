#if arch(x86_64)
import _Builtin_intrinsics.intel

/// The x86 stored layout of Q8_0 matrices (Q4_0, Q4_1, Q5_0 and Q5_1 have their own, ``WidePanel32``): rows
/// interleaved in panels of four, so
/// that one pass over a panel computes four outputs (GEMV) or a 4 × T tile (GEMM) from one
/// sequential stream, with each activation chunk loaded once for four rows and one float
/// conversion and FMA per block for four rows.
///
/// A `[rows, cols]` matrix of `nb = cols / 32` blocks per row is stored as `rows / 4` panels
/// of `nb` groups, then the `rows % 4` tail rows in ggml's own layout. A group holds block
/// `b` of the panel's four rows:
///
/// ```
/// [d0 d1 d2 d3: fp16] [chunk 0] [chunk 1] …          (same size as four ggml blocks)
/// chunk c = [row 0: 8 bytes][row 1: 8 bytes][row 2: 8 bytes][row 3: 8 bytes]
/// Q8_0: 4 chunks, chunk c holds qs[8c..8c+7] (elements 8c..8c+7)
/// ```
///
/// `vpmaddubsw` of a chunk with the matching 8 activation bytes broadcast to all four lanes
/// leaves row `i`'s products in 16-bit lanes `4i…4i+3`; after `vpmaddwd` by ones, 32-bit
/// lanes `2i` and `2i + 1` hold row `i`, so the block scales multiply as
/// `[d0 d0 d1 d1 d2 d2 d3 d3]` and pairs are summed once per row at the end.
enum PanelLayout {
    /// Drives a repack into panels of `panelRows` rows: `move(group, row, block)` fills row
    /// `row`'s part of `group` from ggml's `block`, for every block of every whole panel; the
    /// tail rows are copied as they are.
    @inline(__always)
    static func repackPanels(
        _ src: UnsafeRawPointer, into dst: UnsafeMutableRawPointer, rows: Int, cols: Int, panelRows: Int, blockElements: Int,
        blockBytes: Int, _ move: (UnsafeMutableRawPointer, Int, UnsafeRawPointer) -> Void
    ) {
        let nb = cols / blockElements, rowBytes = nb * blockBytes, panels = rows / panelRows, gb = panelRows * blockBytes
        for p in 0..<panels {
            for b in 0..<nb {
                for r in 0..<panelRows { move(dst + (p * nb + b) * gb, r, src + (panelRows * p + r) * rowBytes + b * blockBytes) }
            }
        }
        let done = panels * panelRows * rowBytes
        (dst + done).copyMemory(from: src + done, byteCount: (rows - panelRows * panels) * rowBytes)
    }

    /// Stored row `r` back in ggml's layout: `move(group, lane, block)` fills ggml's `block`
    /// from lane `lane` of `group`, block by block; a tail row is copied as it is.
    @inline(__always)
    static func unpackPanelRow(
        _ base: UnsafeRawPointer, row r: Int, rows: Int, cols: Int, panelRows: Int, blockElements: Int, blockBytes: Int,
        into dst: UnsafeMutableRawPointer, _ move: (UnsafeRawPointer, Int, UnsafeMutableRawPointer) -> Void
    ) {
        let nb = cols / blockElements, rowBytes = nb * blockBytes, gb = panelRows * blockBytes
        if r >= rows / panelRows * panelRows {
            dst.copyMemory(from: base + r * rowBytes, byteCount: rowBytes)
            return
        }
        let p = r / panelRows, i = r % panelRows
        for b in 0..<nb { move(base + (p * nb + b) * gb, i, dst + b * blockBytes) }
    }

    /// Interleaves a ggml-layout matrix of blocks `[2-byte scale][payload]` into panels.
    static func repack(
        _ src: UnsafeRawPointer, into dst: UnsafeMutableRawPointer, rows: Int, cols: Int, blockBytes: Int
    ) {
        let chunks = (blockBytes - 2) / 8
        repackPanels(src, into: dst, rows: rows, cols: cols, panelRows: 4, blockElements: 32, blockBytes: blockBytes) { g, i, block in
            g.storeBytes(of: block.loadUnaligned(as: UInt16.self), toByteOffset: 2 * i, as: UInt16.self)
            for c in 0..<chunks { (g + 8 + 32 * c + 8 * i).copyMemory(from: block + 2 + 8 * c, byteCount: 8) }
        }
    }

    /// Stored row `r` back in ggml's layout.
    static func unpack(
        _ base: UnsafeRawPointer, row r: Int, rows: Int, cols: Int, blockBytes: Int, into dst: UnsafeMutableRawPointer
    ) {
        let chunks = (blockBytes - 2) / 8
        unpackPanelRow(base, row: r, rows: rows, cols: cols, panelRows: 4, blockElements: 32, blockBytes: blockBytes, into: dst) { g, i, block in
            block.storeBytes(of: g.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self), as: UInt16.self)
            for c in 0..<chunks { (block + 2 + 8 * c).copyMemory(from: g + 8 + 32 * c + 8 * i, byteCount: 8) }
        }
    }

    /// `[d0 d0 d1 d1 d2 d2 d3 d3]` from the four fp16 scales at `g`.
    @inline(__always)
    static func pairScales(_ g: UnsafeRawPointer) -> __m256 {
        let d = _mm_loadl_epi64(g.assumingMemoryBound(to: __m128i.self))
        return _mm256_cvtph_ps(_mm_unpacklo_epi16(d, d))
    }

    /// Eight activation bytes at `x` in all four 64-bit lanes.
    @inline(__always)
    static func broadcast8(_ x: UnsafeRawPointer) -> __m256i {
        _mm256_set1_epi64x(Int64(littleEndian: x.loadUnaligned(as: Int64.self)))
    }

    /// Visits panels `first..<last` as four interleaved sequential streams (four runs of `s`
    /// panels in lockstep: `four(k, k + s, k + 2s, k + 3s)`), then the remainder one by one.
    /// Four streams keep more DRAM misses in flight than one: kernel-bench's Q4_0 GEMV on one
    /// thread went from 59% of a one-stream read roofline to 76–89% of a four-stream one.
    /// `s` is ``streamStride(_:panelBytes:)`` of a quarter of the range.
    @inline(__always)
    static func fourStreams(
        first: Int, last: Int, panelBytes: Int, _ four: (Int, Int, Int, Int) -> Void, single: (Int) -> Void
    ) {
        let s = streamStride(max(0, last - first) / 4, panelBytes: panelBytes)
        for k in 0..<s { four(first + k, first + k + s, first + k + 2 * s, first + k + 3 * s) }
        for p in (first + 4 * s)..<max(first + 4 * s, last) { single(p) }
    }

    /// The run length, among `q, q − 1, …, q − 7`, whose four stream starts lie most evenly
    /// spread modulo 64 KiB (the longest run among equals); the results do not depend on it.
    /// With streams an exact multiple of 64 KiB apart (TinyLlama's 5632×2048 `ffn_gate` in
    /// Q5_1: 12,288-byte panels, 176 per quarter, 33 × 64 KiB), kernel-bench's DRAM GEMV ran
    /// at 0.56–0.68× of Q5_0's rate in three runs; with this choice, 0.58–1.57× (noisy VM).
    static func streamStride(_ q: Int, panelBytes: Int) -> Int {
        guard q > 8 else { return q }
        let period = 1 << 16
        var best = q, bestSpread = -1
        for s in stride(from: q, to: q - 8, by: -1) {
            let d = s * panelBytes % period
            var spread = period
            for m in 1...3 {
                let r = m * d % period
                spread = min(spread, r, period - r)
            }
            if spread > bestSpread { (best, bestSpread) = (s, spread) }
        }
        return best
    }

    /// The GEMV over eight-row panels of `nb` groups of `gb` bytes: for each panel `p` of
    /// `range`, `y[8p ..< 8p + 8]` is the accumulator that `step(acc, group, b)` carries
    /// through groups `b = 0 ..< nb` (the panels as ``fourStreams(first:last:panelBytes:_:single:)``),
    /// then `y[r] = tail(r)` for the rows of `range` after the last whole panel.
    @inline(__always)
    static func gemv8(
        _ base: UnsafeRawPointer, range: Range<Int>, rows: Int, blocks nb: Int, groupBytes gb: Int, y: UnsafeMutablePointer<Float>,
        step: (__m256, UnsafeRawPointer, Int) -> __m256, tail: (Int) -> Float
    ) {
        let panels = rows / 8, pb = nb * gb
        let first = range.lowerBound / 8, last = min(panels, range.upperBound / 8)
        fourStreams(first: first, last: last, panelBytes: pb) { p0, p1, p2, p3 in
            let w0 = base + p0 * pb, w1 = base + p1 * pb, w2 = base + p2 * pb, w3 = base + p3 * pb
            var a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps()
            for b in 0..<nb {
                let o = gb * b
                a0 = step(a0, w0 + o, b)
                a1 = step(a1, w1 + o, b)
                a2 = step(a2, w2 + o, b)
                a3 = step(a3, w3 + o, b)
            }
            _mm256_storeu_ps(y + 8 * p0, a0); _mm256_storeu_ps(y + 8 * p1, a1)
            _mm256_storeu_ps(y + 8 * p2, a2); _mm256_storeu_ps(y + 8 * p3, a3)
        } single: { p in
            let w = base + p * pb
            var a = _mm256_setzero_ps()
            for b in 0..<nb { a = step(a, w + gb * b, b) }
            _mm256_storeu_ps(y + 8 * p, a)
        }
        for r in max(range.lowerBound, 8 * last)..<range.upperBound { y[r] = tail(r) }
    }

    /// Drives a panel GEMM over the pool: one work item per whole panel of `panelRows` rows,
    /// in which `tile(p, t, n)` computes panel `p` for tokens `t ..< t + n` (`n ≤ 4`), and one
    /// more item for the rows after the last whole panel, `tail(r, t)` each.
    @inline(__always)
    static func gemm(
        rows: Int, panelRows: Int, tokens: Int, pool: ThreadPool?, tile: (Int, Int, Int) -> Void, tail: (Int, Int) -> Void
    ) {
        let panels = rows / panelRows
        func work(_ range: Range<Int>, _: Int) {
            for p in range {
                if p < panels {
                    var t = 0
                    while t < tokens {
                        let n = min(4, tokens - t)
                        tile(p, t, n)
                        t += n
                    }
                } else {
                    for r in (panelRows * panels)..<rows {
                        for t in 0..<tokens { tail(r, t) }
                    }
                }
            }
        }
        let items = panels + (rows % panelRows == 0 ? 0 : 1)
        if let pool { pool.parallelFor(items, work) } else { work(0..<items, 0) }
    }

    /// Stores the four row totals of `acc` as `y[row … row + 3]`.
    @inline(__always)
    static func store(_ acc: __m256, _ y: UnsafeMutablePointer<Float>, row r: Int) {
        let t = rowTotals(acc)
        y[r] = t[0]; y[r + 1] = t[1]; y[r + 2] = t[2]; y[r + 3] = t[3]
    }

    /// The four row totals of a `[r0 r0 r1 r1 r2 r2 r3 r3]` accumulator.
    @inline(__always)
    static func rowTotals(_ acc: __m256) -> SIMD4<Float> {
        let v = unsafeBitCast(acc, to: SIMD8<Float>.self)
        return v.evenHalf + v.oddHalf
    }
}

/// One block of four Q8_0 rows against one activation block: signed × signed through
/// `vpsignb` (|w| times x with w's sign) and `vpmaddubsw`.
enum PanelQ8_0 {
    /// The four chunks of a group, as `(|w|, w)` pairs.
    @inline(__always)
    static func chunks(_ g: UnsafeRawPointer) -> ((__m256i, __m256i), (__m256i, __m256i), (__m256i, __m256i), (__m256i, __m256i)) {
        @inline(__always) func c(_ i: Int) -> (__m256i, __m256i) {
            let w = AVX2.load(g + 8 + 32 * i)
            return (_mm256_sign_epi8(w, w), w)
        }
        return (c(0), c(1), c(2), c(3))
    }

    @inline(__always)
    static func sums(_ w: ((__m256i, __m256i), (__m256i, __m256i), (__m256i, __m256i), (__m256i, __m256i)), _ x: UnsafeRawPointer)
        -> __m256i
    {
        let ones = _mm256_set1_epi16(1)
        @inline(__always) func chunk(_ c: (__m256i, __m256i), _ o: Int) -> __m256i {
            _mm256_madd_epi16(_mm256_maddubs_epi16(c.0, _mm256_sign_epi8(PanelLayout.broadcast8(x + o), c.1)), ones)
        }
        return _mm256_add_epi32(_mm256_add_epi32(chunk(w.0, 0), chunk(w.1, 8)), _mm256_add_epi32(chunk(w.2, 16), chunk(w.3, 24)))
    }
}

extension BlockQ8_0 {
    static var repacksAtLoad: Bool { true }
    static var gemmIsExact: Bool { true }
    static var panelRows: Int { 4 }

    static func repackMatrix(_ src: UnsafeRawPointer, into dst: UnsafeMutableRawPointer, rows: Int, cols: Int) {
        PanelLayout.repack(src, into: dst, rows: rows, cols: cols, blockBytes: 34)
    }

    static func unpackStoredRow(_ base: UnsafeRawPointer, row: Int, rows: Int, cols: Int, into dst: UnsafeMutableRawPointer) {
        PanelLayout.unpack(base, row: row, rows: rows, cols: cols, blockBytes: 34, into: dst)
    }

    static func gemvRows(
        _ base: UnsafeRawPointer, range: Range<Int>, rows: Int, cols: Int, _ x: Q8_0Row, y: UnsafeMutablePointer<Float>
    ) {
        let nb = cols / 32, panels = rows / 4
        let first = range.lowerBound / 4, last = min(panels, range.upperBound / 4)
        PanelLayout.fourStreams(first: first, last: last, panelBytes: nb * 136) { p0, p1, p2, p3 in
            @inline(__always) func group(_ g: UnsafeRawPointer, _ b: Int, _ acc: __m256) -> __m256 {
                let s = PanelQ8_0.sums(PanelQ8_0.chunks(g), x.codes8 + 32 * b)
                return _mm256_fmadd_ps(_mm256_mul_ps(PanelLayout.pairScales(g), _mm256_set1_ps(x.scales[b])), _mm256_cvtepi32_ps(s), acc)
            }
            let w0 = base + p0 * nb * 136, w1 = base + p1 * nb * 136, w2 = base + p2 * nb * 136, w3 = base + p3 * nb * 136
            var a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps()
            for b in 0..<nb {
                a0 = group(w0 + 136 * b, b, a0)
                a1 = group(w1 + 136 * b, b, a1)
                a2 = group(w2 + 136 * b, b, a2)
                a3 = group(w3 + 136 * b, b, a3)
            }
            PanelLayout.store(a0, y, row: 4 * p0); PanelLayout.store(a1, y, row: 4 * p1)
            PanelLayout.store(a2, y, row: 4 * p2); PanelLayout.store(a3, y, row: 4 * p3)
        } single: { p in
            let w = base + p * nb * 136
            var a = _mm256_setzero_ps()
            for b in 0..<nb {
                let g = w + 136 * b
                let s = PanelQ8_0.sums(PanelQ8_0.chunks(g), x.codes8 + 32 * b)
                a = _mm256_fmadd_ps(_mm256_mul_ps(PanelLayout.pairScales(g), _mm256_set1_ps(x.scales[b])), _mm256_cvtepi32_ps(s), a)
            }
            PanelLayout.store(a, y, row: 4 * p)
        }
        var r = max(range.lowerBound, 4 * last)
        while r < range.upperBound {
            y[r] = dot(base + r * nb * 34, x, count: cols)
            r += 1
        }
    }

    static func gemm(
        _ base: UnsafeRawPointer, rows: Int, cols: Int, x: UnsafePointer<Float>, tokens: Int,
        y: UnsafeMutablePointer<Float>, pool: ThreadPool?
    ) {
        PanelGemm.run(base, rows: rows, cols: cols, x: x, tokens: tokens, y: y, pool: pool, groupBytes: 136, rowBlockBytes: 34,
                      kernel: PanelGemm.q8_0Tile, tail: { w, a in dot(w, a, count: cols) })
    }
}
#endif

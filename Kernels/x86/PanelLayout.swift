#if arch(x86_64)
import _Builtin_intrinsics.intel

/// What the x86 panel layouts share (``WidePanel32``, ``WidePanelQ8_0``, ``WidePanelK``,
/// ``WidePanel16``): rows interleaved in panels of eight, a panel of `nb` groups (group `b`
/// holding block `b` of the panel's rows), then the tail rows in ggml's own layout. Here are
/// the repack and unpack walks over panels, blocks and tail, the four-stream GEMV and the
/// panel-by-panel GEMM driver.
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

    /// Drives the GEMM `y[t, r] = W[r] · x[t]` over eight-row panels of the matrix at `base`
    /// (`cols / blockElements` groups of eight `blockBytes` blocks per panel), on the pool: one
    /// work item per whole panel, in which `tile(panel, t, n, out)` computes the panel for
    /// tokens `t ..< t + n` (`n ≤ tokensPerTile`) into `out[j · rows + i]` (`out` = row `8p` of token `t`),
    /// and one more item for the rows after the last whole panel, `y[t, r] = tail(row, t)`
    /// with `row` the address of ggml-layout row `r`.
    @inline(__always)
    static func gemm(
        _ base: UnsafeRawPointer, rows: Int, cols: Int, tokens: Int, y: UnsafeMutablePointer<Float>, pool: ThreadPool?,
        blockElements: Int, blockBytes: Int, tokensPerTile: Int = 4, tile: (UnsafeRawPointer, Int, Int, UnsafeMutablePointer<Float>) -> Void,
        tail: (UnsafeRawPointer, Int) -> Float
    ) {
        let nb = cols / blockElements
        gemm(base, rows: rows, cols: cols, tokens: tokens, y: y, pool: pool, blockElements: blockElements, blockBytes: blockBytes,
             tokensPerTile: tokensPerTile, blocksPerChunk: nb, tile: { panel, t, n, out, _ in tile(panel, t, n, out) }, tail: tail)
    }

    /// ``gemm(_:rows:cols:tokens:y:pool:blockElements:blockBytes:tokensPerTile:tile:tail:)``
    /// with the columns cut into chunks of `blocksPerChunk` blocks: within a panel, chunk by
    /// chunk, every token tile calls `tile(panel, t, n, out, blocks)` for the chunk's `blocks`
    /// (the first chunk starts the sums in `out`, later ones continue them), so a chunk of
    /// the panel stays in L1 while the tiles pass over it.
    @inline(__always)
    static func gemm(
        _ base: UnsafeRawPointer, rows: Int, cols: Int, tokens: Int, y: UnsafeMutablePointer<Float>, pool: ThreadPool?,
        blockElements: Int, blockBytes: Int, tokensPerTile: Int, blocksPerChunk: Int,
        tile: (UnsafeRawPointer, Int, Int, UnsafeMutablePointer<Float>, Range<Int>) -> Void,
        tail: (UnsafeRawPointer, Int) -> Float
    ) {
        let panels = rows / 8, nb = cols / blockElements, rowBytes = nb * blockBytes, panelBytes = 8 * rowBytes
        let chunk = max(1, blocksPerChunk)
        func work(_ range: Range<Int>, _: Int) {
            for p in range {
                if p < panels {
                    var b0 = 0
                    repeat {
                        let blocks = b0..<min(nb, b0 + chunk)
                        var t = 0
                        while t < tokens {
                            let n = min(tokensPerTile, tokens - t)
                            tile(base + p * panelBytes, t, n, y + t * rows + 8 * p, blocks)
                            t += n
                        }
                        b0 = blocks.upperBound
                    } while b0 < nb
                } else {
                    for r in (8 * panels)..<rows {
                        for t in 0..<tokens { y[t * rows + r] = tail(base + r * rowBytes, t) }
                    }
                }
            }
        }
        let items = panels + (rows % 8 == 0 ? 0 : 1)
        if let pool { pool.parallelFor(items, work) } else { work(0..<items, 0) }
    }
}
#endif

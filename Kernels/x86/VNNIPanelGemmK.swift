#if arch(x86_64)
import KernelsVNNI

extension PanelLayout {
    /// A k-quant VNNI tile: `(panel, blocks, tokens, out, ldy, continuing)`, one of
    /// ``VNNIKTiles``' entry points.
    typealias VNNIKTile = (UnsafeRawPointer, Int, VNNIKTokens, UnsafeMutablePointer<Float>, Int, Bool) -> Void

    /// The panel GEMM of a k-quant on one of `KernelsVNNI`'s ``VNNIKTiles``: the Q8_K
    /// activations copied into ``VNNIKTokens``' interleaved layout (one tile of eight tokens
    /// after another: codes, scales and `pairsPerBlock` pairs of sums per super-block, which
    /// `pairs(row, out)` writes for one token's `nb` super-blocks), then
    /// ``gemm(_:rows:cols:tokens:y:pool:blockElements:blockBytes:tokensPerTile:blocksPerChunk:tile:tail:)``
    /// over the panels with eight tokens per tile and eight super-blocks per column chunk (a
    /// chunk of the panel and a tile's 16 KB of activations stay in L1), each (tile, chunk)
    /// one call of `tile(panel, blocks, tokens, out, ldy, continuing)`, and `tail(row, t)` for
    /// the rows after the last whole panel. Only called when
    /// ``InstructionSet/current`` is ``InstructionSet/avx512vnni``.
    static func vnniKGemm(
        _ base: UnsafeRawPointer, rows: Int, cols: Int, tokens: Int, y: UnsafeMutablePointer<Float>, pool: ThreadPool?,
        blockBytes: Int, activations act: ActivationBatchQ8_K, pairsPerBlock: Int,
        pairs: (Q8_KRow, UnsafeMutablePointer<Int32>) -> Void,
        tile: VNNIKTile,
        tail: (UnsafeRawPointer, Int) -> Float
    ) {
        let nb = cols / 256, tileTokens = VNNIKTiles.maxTokens, pp = pairsPerBlock, groupBytes = 8 * blockBytes
        let codes = UnsafeMutablePointer<Int8>.allocate(capacity: max(1, tokens * cols))
        let scales = UnsafeMutablePointer<Float>.allocate(capacity: max(1, tokens * nb))
        let pairsBuffer = UnsafeMutablePointer<Int32>.allocate(capacity: max(1, tokens * pp * nb))
        defer {
            codes.deallocate()
            scales.deallocate()
            pairsBuffer.deallocate()
        }
        let boxes = (UncheckedBox(codes), UncheckedBox(scales), UncheckedBox(pairsBuffer))
        func interleaveTiles(_ range: Range<Int>, _: Int) {
            let codes = boxes.0.value, scales = boxes.1.value, all = boxes.2.value
            withUnsafeTemporaryAllocation(of: Int32.self, capacity: max(1, pp * nb)) { own in
                for k in range {
                    let t0 = tileTokens * k, n = min(tileTokens, tokens - t0)
                    for j in 0..<n {
                        let row = act.row(t0 + j)
                        pairs(row, own.baseAddress!)
                        for b in 0..<nb {
                            scales[t0 * nb + n * b + j] = row.scales[b]
                            for i in 0..<pp { all[pp * t0 * nb + n * (pp * b + i) + j] = own[pp * b + i] }
                            interleave(row.codes8 + 256 * b, groups: 64, into: codes + t0 * cols + 256 * n * b + 4 * j, tokens: n)
                        }
                    }
                }
            }
        }
        let tiles = (tokens + tileTokens - 1) / tileTokens
        if let pool, tiles > 1 { pool.parallelFor(tiles, interleaveTiles) } else { interleaveTiles(0..<tiles, 0) }
        gemm(base, rows: rows, cols: cols, tokens: tokens, y: y, pool: pool, blockElements: 256, blockBytes: blockBytes,
             tokensPerTile: tileTokens, blocksPerChunk: 8, tile: { panel, t, n, out, blocks in
            let b0 = blocks.lowerBound
            let x = VNNIKTokens(codes: codes + t * cols + 256 * n * b0, scales: scales + t * nb + n * b0,
                                pairs: pairsBuffer + pp * t * nb + pp * n * b0, count: n)
            tile(panel + groupBytes * b0, blocks.count, x, out, rows, b0 > 0)
        }, tail: tail)
    }
}
#endif

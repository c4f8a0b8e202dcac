#if arch(x86_64)
import KernelsVNNI

extension WidePanelK {
    /// Q4_K's panel GEMM on `KernelsVNNI`'s tile, every result bit for bit the AVX2 tile's
    /// (and so the GEMV's). The activations are copied into ``VNNIKTokens``' interleaved
    /// layout (one tile of eight tokens after another: codes, scales and
    /// ``minPairs(_:blocks:into:)``), then
    /// ``PanelLayout/gemm(_:rows:cols:tokens:y:pool:blockElements:blockBytes:tokensPerTile:blocksPerChunk:tile:tail:)``
    /// walks the panels with eight tokens per tile and eight super-blocks per column chunk
    /// (a 9 KB chunk of the panel and a tile's 16 KB of activations stay in L1). Only called
    /// when ``InstructionSet/current`` is ``InstructionSet/avx512vnni`` and the type has no
    /// fifth bits.
    static func vnniGemm(
        _ base: UnsafeRawPointer, rows: Int, cols: Int, tokens: Int, y: UnsafeMutablePointer<Float>, pool: ThreadPool?,
        activations act: ActivationBatchQ8_K
    ) {
        precondition(F.highBitsOffset == nil && groupBytes == VNNIKTiles.groupBytes, "the VNNI k-quant tile is Q4_K's")
        let nb = cols / 256, tile = VNNIKTiles.maxTokens
        let codes = UnsafeMutablePointer<Int8>.allocate(capacity: max(1, tokens * cols))
        let scales = UnsafeMutablePointer<Float>.allocate(capacity: max(1, tokens * nb))
        let pairs = UnsafeMutablePointer<Int32>.allocate(capacity: max(1, tokens * 4 * nb))
        defer {
            codes.deallocate()
            scales.deallocate()
            pairs.deallocate()
        }
        let boxes = (UncheckedBox(codes), UncheckedBox(scales), UncheckedBox(pairs))
        let interleave: (Range<Int>, Int) -> Void = { range, _ in
            let codes = boxes.0.value, scales = boxes.1.value, pairs = boxes.2.value
            withUnsafeTemporaryAllocation(of: Int32.self, capacity: max(1, 4 * nb)) { own in
                for k in range {
                    let t0 = tile * k, n = min(tile, tokens - t0)
                    for j in 0..<n {
                        let row = act.row(t0 + j)
                        minPairs(row, blocks: nb, into: own.baseAddress!)
                        for b in 0..<nb {
                            scales[t0 * nb + n * b + j] = row.scales[b]
                            for i in 0..<4 { pairs[4 * t0 * nb + n * (4 * b + i) + j] = own[4 * b + i] }
                            let block = UnsafeRawPointer(row.codes8 + 256 * b)
                            let dst = UnsafeMutableRawPointer(codes + t0 * cols + 256 * n * b + 4 * j)
                            for e in 0..<64 {
                                let word = block.loadUnaligned(fromByteOffset: 4 * e, as: UInt32.self)
                                dst.storeBytes(of: word, toByteOffset: 4 * n * e, as: UInt32.self)
                            }
                        }
                    }
                }
            }
        }
        let tiles = (tokens + tile - 1) / tile
        if let pool, tiles > 1 { pool.parallelFor(tiles, interleave) } else { interleave(0..<tiles, 0) }
        PanelLayout.gemm(base, rows: rows, cols: cols, tokens: tokens, y: y, pool: pool, blockElements: 256, blockBytes: F.blockBytes,
                         tokensPerTile: tile, blocksPerChunk: 8, tile: { panel, t, n, out, blocks in
            let b0 = blocks.lowerBound
            let x = VNNIKTokens(codes: codes + t * cols + 256 * n * b0, scales: scales + t * nb + n * b0,
                                pairs: pairs + 4 * t * nb + 4 * n * b0, count: n)
            VNNIKTiles.q4KTile(panel + groupBytes * b0, blocks: blocks.count, x, y: out, ldy: rows, continuing: b0 > 0)
        }, tail: { row, t in
            F.dot(row, act.row(t), count: cols)
        })
    }
}
#endif

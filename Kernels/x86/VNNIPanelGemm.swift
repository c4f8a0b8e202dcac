#if arch(x86_64)
import KernelsVNNI

extension PanelLayout {
    /// The panel GEMM of a 32-element type (``WidePanel32``, ``WidePanelQ8_0``) on the
    /// AVX-512 VNNI tiles of `KernelsVNNI`, every result bit for bit the AVX2 tile's. The
    /// activations are first copied into `VNNITokens`' interleaved layout (one tile of eight
    /// tokens after another, with each token's starting sums `−offset · Σx`), then
    /// ``gemm(_:rows:cols:tokens:y:pool:blockElements:blockBytes:tokensPerTile:blocksPerChunk:tile:tail:)``
    /// walks the panels with eight tokens per tile and 64 blocks per column chunk, each
    /// (tile, chunk) one call of ``VNNITiles/panelTile(_:blocks:layout:_:y:ldy:continuing:)``.
    /// Only called when ``InstructionSet/current`` is ``InstructionSet/avx512vnni``.
    static func vnniGemm(
        _ base: UnsafeRawPointer, rows: Int, cols: Int, tokens: Int, y: UnsafeMutablePointer<Float>, pool: ThreadPool?,
        blockBytes: Int, layout: VNNIPanelLayout, activations act: ActivationBatchQ8_0, tail: (UnsafeRawPointer, Int) -> Float
    ) {
        let nb = cols / 32, tile = VNNITiles.maxTokens
        // The tiles' activations, interleaved as `VNNITokens` lays them out: tile `k` (tokens
        // `8k …`, `n` of them) at codes `8k · cols` and scalars `8k · nb`.
        let codes = UnsafeMutablePointer<Int8>.allocate(capacity: max(1, tokens * cols))
        let scalars = UnsafeMutablePointer<Float>.allocate(capacity: max(1, 2 * tokens * nb))
        let starts = UnsafeMutablePointer<Int32>.allocate(capacity: max(1, tokens * nb))
        defer {
            codes.deallocate()
            scalars.deallocate()
            starts.deallocate()
        }
        let scales = scalars, scaledSums = scalars + tokens * nb
        let boxes = (UncheckedBox(codes), UncheckedBox(scalars), UncheckedBox(starts))
        let offset = layout.offset
        let interleaveTiles: (Range<Int>, Int) -> Void = { range, _ in
            let codes = boxes.0.value, scales = boxes.1.value, scaledSums = scales + tokens * nb, starts = boxes.2.value
            for k in range {
                let t0 = tile * k, n = min(tile, tokens - t0)
                for j in 0..<n {
                    let t = t0 + j, src = act.codes8 + t * cols
                    for b in 0..<nb {
                        let i = t0 * nb + n * b + j
                        scales[i] = act.scales[t * nb + b]
                        scaledSums[i] = act.sums[t * nb + b]
                        let block = UnsafeRawPointer(src + 32 * b)
                        interleave(block, groups: 8, into: codes + t0 * cols + 32 * n * b + 4 * j, tokens: n)
                        if offset != 0 {
                            let v = block.loadUnaligned(as: SIMD32<Int8>.self)
                            let lo = SIMD16<Int16>(truncatingIfNeeded: v.lowHalf)
                            let hi = SIMD16<Int16>(truncatingIfNeeded: v.highHalf)
                            starts[i] = -offset &* Int32((lo &+ hi).wrappedSum())
                        } else {
                            starts[i] = 0  // Q4_1, Q5_1: they add m · Σx instead
                        }
                    }
                }
            }
        }
        let tiles = (tokens + tile - 1) / tile
        if let pool, tiles > 1 { pool.parallelFor(tiles, interleaveTiles) } else { interleaveTiles(0..<tiles, 0) }
        // Chunks of 64 blocks (2048 columns): a chunk of the panel (9–17 KB) and a tile's
        // activations for it (16 KB) stay in L1 together.
        gemm(base, rows: rows, cols: cols, tokens: tokens, y: y, pool: pool, blockElements: 32, blockBytes: blockBytes,
             tokensPerTile: tile, blocksPerChunk: 64, tile: { panel, t, n, out, blocks in
            let b0 = blocks.lowerBound
            let x = VNNITokens(codes: codes + t * cols + 32 * n * b0, scales: scales + t * nb + n * b0,
                               scaledSums: scaledSums + t * nb + n * b0, startSums: starts + t * nb + n * b0, count: n)
            VNNITiles.panelTile(panel + layout.groupBytes * b0, blocks: blocks.count, layout: layout, x, y: out, ldy: rows,
                                continuing: b0 > 0)
        }, tail: tail)
    }

    /// Copies one token's block of `groups` 4-byte element groups into a VNNI tile of
    /// `tokens` tokens: group `e` to `dst + 4 · tokens · e` (`dst`: the token's group 0).
    @inline(__always)
    static func interleave(_ block: UnsafeRawPointer, groups: Int, into dst: UnsafeMutablePointer<Int8>, tokens: Int) {
        let d = UnsafeMutableRawPointer(dst)
        for e in 0..<groups {
            d.storeBytes(of: block.loadUnaligned(fromByteOffset: 4 * e, as: UInt32.self), toByteOffset: 4 * tokens * e, as: UInt32.self)
        }
    }
}
#endif

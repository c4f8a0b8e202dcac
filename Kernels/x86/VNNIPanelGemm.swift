#if arch(x86_64)
import KernelsVNNI

extension PanelLayout {
    /// The panel GEMM of a 32-element type (``WidePanel32``, ``WidePanelQ8_0``) on the
    /// AVX-512 VNNI tiles of `KernelsVNNI`: ``gemm(_:rows:cols:tokens:y:pool:blockElements:blockBytes:tile:tail:)``'s
    /// walk with eight tokens per tile, each tile one call of ``VNNITiles/panelTile(_:blocks:layout:_:y:ldy:)``,
    /// and every result bit for bit the AVX2 tile's. Only called when
    /// ``InstructionSet/current`` is ``InstructionSet/avx512vnni``.
    static func vnniGemm(
        _ base: UnsafeRawPointer, rows: Int, cols: Int, tokens: Int, y: UnsafeMutablePointer<Float>, pool: ThreadPool?,
        blockBytes: Int, layout: VNNIPanelLayout, activations act: ActivationBatchQ8_0, tail: (UnsafeRawPointer, Int) -> Float
    ) {
        let nb = cols / 32
        let sums = UnsafeMutablePointer<Int32>.allocate(capacity: max(1, tokens * nb))
        defer { sums.deallocate() }
        if layout.offset == 0 {
            sums.initialize(repeating: 0, count: tokens * nb)  // Q4_1, Q5_1: the tile multiplies them by 0
        } else {
            for i in 0..<(tokens * nb) {
                var s: Int32 = 0
                for e in 0..<32 { s &+= Int32(act.codes8[32 * i + e]) }
                sums[i] = s
            }
        }
        gemm(base, rows: rows, cols: cols, tokens: tokens, y: y, pool: pool, blockElements: 32, blockBytes: blockBytes,
             tokensPerTile: VNNITiles.maxTokens, tile: { panel, t, n, out in
            let x = VNNITokens(codes: act.codes8 + t * cols, scales: act.scales + t * nb, scaledSums: act.sums + t * nb,
                               codeSums: sums + t * nb, cols: cols, count: n)
            VNNITiles.panelTile(panel, blocks: nb, layout: layout, x, y: out, ldy: rows)
        }, tail: tail)
    }
}
#endif

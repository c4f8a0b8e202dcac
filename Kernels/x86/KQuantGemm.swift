#if arch(x86_64)
/// The integer GEMM of the k-quants (prefill, batched decode): every token's activations
/// quantized to Q8_K once, then each weight row multiplied with four tokens at a time by
/// ``AVX2/dotTile(_:_:_:_:blocks:)``, which unpacks each chunk of the row once for all four.
/// A row's 144–210-byte super-blocks stay in L1 while the token tiles pass over them.
///
/// Each `y[t, r]` is computed by the same operations, in the same order, as the GEMV of
/// token `t` alone, so prefill, batched decode and decode agree bit for bit.
enum KQuantGemm {
    /// Rows per work item: a few kilobytes of weights reused by every token tile.
    static let rowsPerItem = 16

    static func run<K: KQuantKernel>(
        _: K.Type, _ base: UnsafeRawPointer, rows: Int, cols: Int, x: UnsafePointer<Float>, tokens: Int,
        y: UnsafeMutablePointer<Float>, pool: ThreadPool?
    ) {
        let act = ActivationBatchQ8_K(x, tokens: tokens, cols: cols, pool: pool)
        let blocks = cols / 256, rowBytes = blocks * K.blockBytes
        let wb = UncheckedBox(base), yb = UncheckedBox(y)
        let items = (rows + rowsPerItem - 1) / rowsPerItem
        let work: (Range<Int>, Int) -> Void = { range, _ in
            for item in range {
                for r in (item * rowsPerItem)..<min(rows, (item + 1) * rowsPerItem) {
                    let w = wb.value + r * rowBytes
                    var t = 0
                    while t < tokens {
                        let n = min(4, tokens - t)
                        let x0 = act.row(t), x1 = act.row(n > 1 ? t + 1 : t)
                        let x2 = act.row(n > 2 ? t + 2 : t), x3 = act.row(n > 3 ? t + 3 : t)
                        let v: SIMD4<Float>
                        switch n {
                        case 4: v = AVX2.dotTile(K.self, w, (x0, x1, x2, x3), 4, blocks: blocks)
                        case 3: v = AVX2.dotTile(K.self, w, (x0, x1, x2, x3), 3, blocks: blocks)
                        case 2: v = AVX2.dotTile(K.self, w, (x0, x1, x2, x3), 2, blocks: blocks)
                        default: v = AVX2.dotTile(K.self, w, (x0, x1, x2, x3), 1, blocks: blocks)
                        }
                        for j in 0..<n { yb.value[(t + j) * rows + r] = v[j] }
                        t += n
                    }
                }
            }
        }
        if let pool { pool.parallelFor(items, work) } else { work(0..<items, 0) }
    }
}
#endif

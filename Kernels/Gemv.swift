/// Matrix-vector kernels for decode (one activation row): `y[r] = Σ_c W[r, c] · x[c]` for
/// the rows in a range. Kernel-internal; ``LinearWeights`` checks shapes and splits rows
/// over threads.
///
/// Every kernel runs one row at a time, reading the matrix as a single sequential stream:
/// measured here, interleaving four quantized rows (four streams advancing 18–34 bytes per
/// step) cut DRAM throughput by 3× (6 GB/s against 16 GB/s) at equal cache-hot speed, and
/// the float kernels gained 1.6–1.9× from the same change.
enum Gemv {
    /// Pointers to quantized activations (see ``ActivationsQ8_0``).
    struct Q8Input {
        let codes: UnsafePointer<Int16>
        let scales: UnsafePointer<Float>
        let sums: UnsafePointer<Float>
        let blocks: Int
    }

    static func q8_0(_ w: UnsafeRawPointer, rowBytes: Int, rows: Range<Int>, x: Q8Input, y: UnsafeMutablePointer<Float>) {
        for r in rows { y[r] = DotProducts.dotQ8_0Q8_0(w + r * rowBytes, x.codes, x.scales, blocks: x.blocks) }
    }

    static func q4_0(_ w: UnsafeRawPointer, rowBytes: Int, rows: Range<Int>, x: Q8Input, y: UnsafeMutablePointer<Float>) {
        for r in rows { y[r] = DotProducts.dotQ4_0Q8_0(w + r * rowBytes, x.codes, x.scales, x.sums, blocks: x.blocks) }
    }

    /// Q4_0 rows in ``RepackedQ4_0``'s layout; `x.codes` permuted to match.
    static func q4_0Repacked(_ w: UnsafeRawPointer, rowBytes: Int, rows: Range<Int>, x: Q8Input, y: UnsafeMutablePointer<Float>) {
        for r in rows { y[r] = RepackedQ4_0.dot(w + r * rowBytes, x.codes, x.scales, x.sums, blocks: x.blocks) }
    }

    static func q4_1(_ w: UnsafeRawPointer, rowBytes: Int, rows: Range<Int>, x: Q8Input, y: UnsafeMutablePointer<Float>) {
        for r in rows { y[r] = DotProducts.dotQ4_1Q8_0(w + r * rowBytes, x.codes, x.scales, x.sums, blocks: x.blocks) }
    }

    /// Float weights (f32, f16, bf16): one row at a time, so the matrix streams sequentially.
    /// Measured on the 1.1B shapes (one thread, from DRAM): f16 rose from 45–50% of the read
    /// roofline with four interleaved rows to 75–90%; two interleaved rows gave 42%, and
    /// walking long rows in 2048-column segments (to keep `x` in L1) halved ffn_down's speed.
    static func float<R: FloatRow>(
        _: R.Type, _ w: UnsafeRawPointer, rowBytes: Int, cols n: Int, rows: Range<Int>, x: UnsafePointer<Float>,
        y: UnsafeMutablePointer<Float>
    ) {
        for r in rows { y[r] = DotProducts.dotFloat(R.self, w + r * rowBytes, x, count: n) }
    }
}

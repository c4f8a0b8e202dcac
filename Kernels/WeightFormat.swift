/// Everything LowBit knows about computing with one ggml weight type: the scalar spec (its
/// reference quantizer, dequantizer and dot product, in ggml's layout) and the fast paths
/// (a SIMD dequantizer and dot product on the *stored* layout, which is ggml's unless the
/// type repacks rows at load time). Kernel-internal; ``TypeTraits`` wraps each conforming
/// type into a row of the table the rest of LowBit consults.
///
/// A new weight type is one file with a conforming enum and one row in ``TypeTraits/table``.
protocol WeightFormat {
    /// The activation encoding the dot product consumes.
    associatedtype Activations: ActivationEncoding

    /// The ggml type.
    static var type: GGMLType { get }

    /// Reference quantizer: `count` (a whole number of blocks) values into ggml's bytes.
    static func quantizeRowRef(_ x: UnsafePointer<Float>, into y: UnsafeMutableRawPointer, count: Int)
    /// Reference dequantizer of ggml's layout.
    static func dequantizeRowRef(_ x: UnsafeRawPointer, into y: UnsafeMutablePointer<Float>, count: Int)
    /// Reference dot product of a row in ggml's layout with encoded activations.
    static func dotRef(_ w: UnsafeRawPointer, _ x: Activations.Row, count: Int) -> Float

    /// Whether matrices are stored in a layout of their own (``repackMatrix(_:into:rows:cols:)``).
    static var repacksAtLoad: Bool { get }
    /// SIMD dequantizer of a row in ggml's layout; exactly the values of
    /// ``dequantizeRowRef(_:into:count:)``.
    static func dequantizeRow(_ x: UnsafeRawPointer, into y: UnsafeMutablePointer<Float>, count: Int)
    /// Fast dot product of a row in ggml's layout (on x86, the AVX2 kernel where the type
    /// has one).
    static func dot(_ w: UnsafeRawPointer, _ x: Activations.Row, count: Int) -> Float
    /// The portable SIMD dot product of a row in ggml's layout (`SIMD4`/`SIMD8`/`SIMD16`;
    /// the arm64 path), which the tests also check on x86.
    static func dotPortable(_ w: UnsafeRawPointer, _ x: Activations.Row, count: Int) -> Float
    /// The stored row as f32 in place, when the layout is f32 (the GEMM reads it without a copy).
    static func floatRow(_ w: UnsafeRawPointer) -> UnsafePointer<Float>?
    // Matrix-level stored layout. The defaults store rows one after another (each through
    // `repackRow`); a type that interleaves rows in panels overrides all five.

    /// Rows per interleaved panel of the stored matrix (1: rows one after another). GEMV
    /// work is split at multiples of `max(4, panelRows)` rows, so this is 1, 2, 4 or 8.
    static var panelRows: Int { get }
    /// Converts a `[rows, cols]` matrix from ggml's layout to the stored layout (same size).
    static func repackMatrix(_ src: UnsafeRawPointer, into dst: UnsafeMutableRawPointer, rows: Int, cols: Int)
    /// Copies stored row `row` back into ggml's layout (`rowBytes(cols)` bytes at `dst`).
    static func unpackStoredRow(_ base: UnsafeRawPointer, row: Int, rows: Int, cols: Int, into dst: UnsafeMutableRawPointer)
    /// SIMD dequantizer of stored row `row` of the matrix at `base`.
    static func dequantizeStoredRow(_ base: UnsafeRawPointer, row: Int, rows: Int, cols: Int, into y: UnsafeMutablePointer<Float>)
    /// `y[r] = W[r] · x` for `r` in `range` (aligned to panels).
    static func gemvRows(
        _ base: UnsafeRawPointer, range: Range<Int>, rows: Int, cols: Int, _ x: Activations.Row,
        y: UnsafeMutablePointer<Float>)
    /// `y[t, r] = W[r] · x[t]` for `tokens` activation rows (prefill).
    static func gemm(
        _ base: UnsafeRawPointer, rows: Int, cols: Int, x: UnsafePointer<Float>, tokens: Int,
        y: UnsafeMutablePointer<Float>, pool: ThreadPool?)
    /// Whether ``gemm(_:rows:cols:x:tokens:y:pool:)`` computes every `y[t, r]` with the
    /// operations, in the order, of ``gemvRows(_:range:rows:cols:_:y:)`` on token `t` alone.
    static var gemmIsExact: Bool { get }
}

extension WeightFormat {
    static var repacksAtLoad: Bool { false }
    static func dotPortable(_ w: UnsafeRawPointer, _ x: Activations.Row, count: Int) -> Float { dot(w, x, count: count) }
    static func floatRow(_ w: UnsafeRawPointer) -> UnsafePointer<Float>? { nil }

    static var panelRows: Int { 1 }
    /// Bytes of one row in ggml's layout.
    @inline(__always)
    static func rowBytes(_ cols: Int) -> Int { type.byteCount(elements: cols) ?? 0 }

    static func repackMatrix(_ src: UnsafeRawPointer, into dst: UnsafeMutableRawPointer, rows: Int, cols: Int) {
        dst.copyMemory(from: src, byteCount: rows * rowBytes(cols))
    }

    static func unpackStoredRow(_ base: UnsafeRawPointer, row: Int, rows: Int, cols: Int, into dst: UnsafeMutableRawPointer) {
        let rb = rowBytes(cols)
        dst.copyMemory(from: base + row * rb, byteCount: rb)
    }

    /// Rows one after another are read in place; a repacked layout's row is first copied
    /// back to ggml's layout (``unpackStoredRow(_:row:rows:cols:into:)``).
    static func dequantizeStoredRow(_ base: UnsafeRawPointer, row: Int, rows: Int, cols: Int, into y: UnsafeMutablePointer<Float>) {
        guard repacksAtLoad else { return dequantizeRow(base + row * rowBytes(cols), into: y, count: cols) }
        withUnsafeTemporaryAllocation(byteCount: max(1, rowBytes(cols)), alignment: 16) { buf in
            unpackStoredRow(base, row: row, rows: rows, cols: cols, into: buf.baseAddress!)
            dequantizeRow(UnsafeRawPointer(buf.baseAddress!), into: y, count: cols)
        }
    }

    static func gemvRows(
        _ base: UnsafeRawPointer, range: Range<Int>, rows: Int, cols: Int, _ x: Activations.Row,
        y: UnsafeMutablePointer<Float>
    ) {
        let rb = rowBytes(cols)
        for r in range { y[r] = dot(base + r * rb, x, count: cols) }
    }

    /// The portable path over the stored layout: each row copied back to ggml's layout and
    /// multiplied by ``dotPortable(_:_:count:)``.
    static func gemvRowsPortable(
        _ base: UnsafeRawPointer, range: Range<Int>, rows: Int, cols: Int, _ x: Activations.Row,
        y: UnsafeMutablePointer<Float>
    ) {
        let rb = rowBytes(cols)
        let row = UnsafeMutableRawPointer.allocate(byteCount: max(rb, 1), alignment: 64)
        defer { row.deallocate() }
        for r in range {
            unpackStoredRow(base, row: r, rows: rows, cols: cols, into: row)
            y[r] = dotPortable(UnsafeRawPointer(row), x, count: cols)
        }
    }

    static func gemm(
        _ base: UnsafeRawPointer, rows: Int, cols: Int, x: UnsafePointer<Float>, tokens: Int,
        y: UnsafeMutablePointer<Float>, pool: ThreadPool?
    ) {
        BlockedGemm.run(Self.self, w: base, rows: rows, cols: cols, x: x, tokens: tokens, y: y, pool: pool)
    }
}

extension WeightFormat {
    static var gemmIsExact: Bool { false }

    /// Rows per work item of ``gemmEach(_:rows:cols:x:tokens:y:pool:)``'s GEMV passes.
    static var eachChunkRows: Int { 64 }

    /// `y[t, r] = W[r] · x[t]` with every token's row exactly as its GEMV computes it:
    /// ``gemm(_:rows:cols:x:tokens:y:pool:)`` when that is exact, else one GEMV per token
    /// over chunks of rows small enough to stay in cache while the tokens pass (batched
    /// decoding of independent sequences).
    static func gemmEach(
        _ base: UnsafeRawPointer, rows: Int, cols: Int, x: UnsafePointer<Float>, tokens: Int,
        y: UnsafeMutablePointer<Float>, pool: ThreadPool?
    ) {
        if gemmIsExact {
            gemm(base, rows: rows, cols: cols, x: x, tokens: tokens, y: y, pool: pool)
            return
        }
        let encoded = (0..<tokens).map { Activations(encoding: x + $0 * cols, count: cols) }
        let chunk = eachChunkRows, items = (rows + chunk - 1) / chunk
        let wb = UncheckedBox(base), yb = UncheckedBox(y)
        let work: (Range<Int>, Int) -> Void = { range, _ in
            for item in range {
                let rs = (item * chunk)..<min(rows, (item + 1) * chunk)
                for t in 0..<tokens {
                    encoded[t].withRow { gemvRows(wb.value, range: rs, rows: rows, cols: cols, $0, y: yb.value + t * rows) }
                }
            }
        }
        if let pool { pool.parallelFor(items, work) } else { work(0..<items, 0) }
    }
}

/// A block format whose row functions apply one block function to each block in turn.
protocol BlockwiseFormat: WeightFormat {
    /// Weights per block.
    static var count: Int { get }
    /// Bytes per block.
    static var bytes: Int { get }
    /// Reference quantizer of one block.
    static func quantizeRef(_ x: UnsafePointer<Float>, _ out: UnsafeMutableRawPointer)
    /// Reference dequantizer of one block.
    static func dequantizeRef(_ b: UnsafeRawPointer, _ y: UnsafeMutablePointer<Float>)
}

extension BlockwiseFormat {
    static func quantizeRowRef(_ x: UnsafePointer<Float>, into y: UnsafeMutableRawPointer, count n: Int) {
        for b in 0..<(n / count) { quantizeRef(x + count * b, y + bytes * b) }
    }
    static func dequantizeRowRef(_ x: UnsafeRawPointer, into y: UnsafeMutablePointer<Float>, count n: Int) {
        for b in 0..<(n / count) { dequantizeRef(x + bytes * b, y + count * b) }
    }
}

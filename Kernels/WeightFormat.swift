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

    /// Whether rows are stored in a layout of their own (``repackRow(_:into:count:)``).
    static var repacksAtLoad: Bool { get }
    /// Converts a row from ggml's layout to the stored layout (same size).
    static func repackRow(_ src: UnsafeRawPointer, into dst: UnsafeMutableRawPointer, count: Int)
    /// Reorders encoded activations for the stored layout, once per matrix-vector product.
    static func prepare(_ x: inout Activations)
    /// SIMD dequantizer of the stored layout; exactly the values of ``dequantizeRowRef(_:into:count:)``.
    static func dequantizeRow(_ x: UnsafeRawPointer, into y: UnsafeMutablePointer<Float>, count: Int)
    /// SIMD dot product of a stored row with prepared activations (on x86, the AVX2 kernel
    /// where the type has one).
    static func dot(_ w: UnsafeRawPointer, _ x: Activations.Row, count: Int) -> Float
    /// The portable SIMD dot product (`SIMD4`/`SIMD8`/`SIMD16`; the arm64 path), which the
    /// tests also check on x86.
    static func dotPortable(_ w: UnsafeRawPointer, _ x: Activations.Row, count: Int) -> Float
    /// The stored row as f32 in place, when the layout is f32 (the GEMM reads it without a copy).
    static func floatRow(_ w: UnsafeRawPointer) -> UnsafePointer<Float>?

    // Matrix-level stored layout. The defaults store rows one after another (each through
    // `repackRow`); a type that interleaves rows in panels overrides all five.

    /// Rows per interleaved panel of the stored matrix (1: rows one after another). GEMV
    /// work is split at multiples of 4 rows, so this is 1, 2 or 4.
    static var panelRows: Int { get }
    /// Converts a `[rows, cols]` matrix from ggml's layout to the stored layout (same size).
    static func repackMatrix(_ src: UnsafeRawPointer, into dst: UnsafeMutableRawPointer, rows: Int, cols: Int)
    /// SIMD dequantizer of stored row `row` of the matrix at `base`.
    static func dequantizeStoredRow(_ base: UnsafeRawPointer, row: Int, rows: Int, cols: Int, into y: UnsafeMutablePointer<Float>)
    /// `y[r] = W[r] · x` for `r` in `range` (aligned to panels), with the fast or the
    /// portable dot products.
    static func gemvRows(
        _ base: UnsafeRawPointer, range: Range<Int>, rows: Int, cols: Int, _ x: Activations.Row,
        y: UnsafeMutablePointer<Float>, portable: Bool)
    /// `y[t, r] = W[r] · x[t]` for `tokens` activation rows (prefill).
    static func gemm(
        _ base: UnsafeRawPointer, rows: Int, cols: Int, x: UnsafePointer<Float>, tokens: Int,
        y: UnsafeMutablePointer<Float>, pool: ThreadPool?)
}

extension WeightFormat {
    static var repacksAtLoad: Bool { false }
    static func repackRow(_ src: UnsafeRawPointer, into dst: UnsafeMutableRawPointer, count: Int) {
        dst.copyMemory(from: src, byteCount: type.byteCount(elements: count) ?? 0)
    }
    static func prepare(_ x: inout Activations) {}
    static func dotPortable(_ w: UnsafeRawPointer, _ x: Activations.Row, count: Int) -> Float { dot(w, x, count: count) }
    static func floatRow(_ w: UnsafeRawPointer) -> UnsafePointer<Float>? { nil }

    static var panelRows: Int { 1 }

    /// Bytes of one row in ggml's layout.
    @inline(__always)
    static func rowBytes(_ cols: Int) -> Int { type.byteCount(elements: cols) ?? 0 }

    static func repackMatrix(_ src: UnsafeRawPointer, into dst: UnsafeMutableRawPointer, rows: Int, cols: Int) {
        let rb = rowBytes(cols)
        for r in 0..<rows { repackRow(src + r * rb, into: dst + r * rb, count: cols) }
    }

    static func dequantizeStoredRow(_ base: UnsafeRawPointer, row: Int, rows: Int, cols: Int, into y: UnsafeMutablePointer<Float>) {
        dequantizeRow(base + row * rowBytes(cols), into: y, count: cols)
    }

    static func gemvRows(
        _ base: UnsafeRawPointer, range: Range<Int>, rows: Int, cols: Int, _ x: Activations.Row,
        y: UnsafeMutablePointer<Float>, portable: Bool
    ) {
        let rb = rowBytes(cols)
        if portable {
            for r in range { y[r] = dotPortable(base + r * rb, x, count: cols) }
        } else {
            for r in range { y[r] = dot(base + r * rb, x, count: cols) }
        }
    }

    static func gemm(
        _ base: UnsafeRawPointer, rows: Int, cols: Int, x: UnsafePointer<Float>, tokens: Int,
        y: UnsafeMutablePointer<Float>, pool: ThreadPool?
    ) {
        BlockedGemm.run(Self.self, w: base, rows: rows, cols: cols, x: x, tokens: tokens, y: y, pool: pool)
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

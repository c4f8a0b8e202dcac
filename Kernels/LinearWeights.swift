/// A weight matrix `W` of shape `[rows, cols]` (row-major: `rows` output features, each a row
/// of `cols` input features stored in `type`'s block layout), ready for `y = x · Wᵀ`.
///
/// This is the entry point the model uses for every matmul. Shapes are checked once, here;
/// the kernels behind it run unchecked.
public final class LinearWeights: @unchecked Sendable {
    /// Storage type of the weights.
    public let type: GGMLType
    /// Output features (rows of `W`).
    public let rows: Int
    /// Input features (columns of `W`).
    public let cols: Int

    /// Whether activations are quantized to Q8_0 before the dot product. The reference path
    /// computes in f32, so this is `false`.
    public var quantizesActivations: Bool { false }

    // [rows, cols] f32, row-major. Dequantized at load time by this reference path.
    private let dense: [Float]

    /// Wraps `bytes`, the `[rows, cols]` matrix in `type`'s layout.
    ///
    /// - Throws: ``KernelError`` when `cols` is not block-aligned or `bytes` is too small.
    public init(type: GGMLType, rows: Int, cols: Int, bytes: UnsafeRawBufferPointer) throws(KernelError) {
        guard let rowBytes = type.byteCount(elements: cols) else { throw .notBlockAligned(type: type, count: cols) }
        guard bytes.count >= rowBytes * rows else {
            throw .bufferTooSmall(what: "weights", needed: rowBytes * rows, available: bytes.count)
        }
        self.type = type
        self.rows = rows
        self.cols = cols
        var dense = [Float](repeating: 0, count: rows * cols)
        dense.withUnsafeMutableBufferPointer { d in
            RowCodec.dequantizeUnchecked(UnsafeRawBufferPointer(rebasing: bytes[0..<(rowBytes * rows)]), as: type, into: d)
        }
        self.dense = dense
    }

    /// Computes `y[t, r] = Σ_c W[r, c] · x[t, c]` for `tokens` activation rows.
    ///
    /// - Parameters:
    ///   - x: `[tokens, cols]` activations, row-major.
    ///   - tokens: number of activation rows.
    ///   - y: `[tokens, rows]` output, row-major.
    ///   - pool: threads to split the work over; `nil` runs on the caller's thread.
    public func apply(
        _ x: UnsafeBufferPointer<Float>, tokens: Int, into y: UnsafeMutableBufferPointer<Float>, pool: ThreadPool? = nil
    ) {
        precondition(x.count >= tokens * cols && y.count >= tokens * rows, "LinearWeights.apply: shape mismatch")
        let rows = rows, cols = cols
        dense.withUnsafeBufferPointer { w in
            let wp = w.baseAddress!, xp = x.baseAddress!, yp = UncheckedBox(y.baseAddress!)
            (pool ?? ThreadPool(threads: 1)).parallelFor(rows) { range, _ in
                for t in 0..<tokens {
                    for r in range {
                        var acc: Float = 0
                        let wr = wp + r * cols, xt = xp + t * cols
                        for c in 0..<cols { acc = acc.addingProduct(wr[c], xt[c]) }
                        yp.value[t * rows + r] = acc
                    }
                }
            }
        }
    }
}

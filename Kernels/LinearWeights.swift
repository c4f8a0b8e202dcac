/// A weight matrix `W` of shape `[rows, cols]` (row-major: `rows` output features, each a row
/// of `cols` input features stored in `type`'s block layout), ready for `y = x · Wᵀ`.
///
/// This is the entry point the model uses for every matmul. Shapes are checked once, here;
/// the kernels behind it run unchecked. One activation row (decode) runs the GEMV kernels
/// (``Gemv``-style, four rows per pass); several rows (prefill) run the blocked GEMM.
/// Quantized weights (Q8_0, Q4_0, Q4_1) see their activations quantized to Q8_0 first, as
/// ggml does; see ``quantizesActivations``.
public final class LinearWeights: @unchecked Sendable {
    /// Storage type of the weights.
    public let type: GGMLType
    /// Output features (rows of `W`).
    public let rows: Int
    /// Input features (columns of `W`).
    public let cols: Int
    /// Whether activations are quantized to Q8_0 before the dot products (true for the
    /// quantized weight types, as in ggml).
    public var quantizesActivations: Bool { type.isQuantized }

    /// Bytes per row of `W`.
    let rowBytes: Int
    // [rows, cols] in `type`'s layout (Q4_0: RepackedQ4_0's layout), either inside `owner`'s
    // memory or in `storage`.
    private let base: UnsafeRawPointer
    private let storage: UnsafeMutableRawPointer?
    private let owner: AnyObject?

    /// Wraps `bytes`, the `[rows, cols]` matrix in `type`'s layout.
    ///
    /// - Parameters:
    ///   - type: element type of `bytes`.
    ///   - rows: output features.
    ///   - cols: input features (a whole number of blocks).
    ///   - bytes: the matrix, `rows · type.byteCount(elements: cols)` bytes or more.
    ///   - owner: an object that keeps `bytes` alive (such as the memory-mapped file). When
    ///     given, the weights are used in place; when `nil`, they are copied. Q4_0 weights are
    ///     always copied, into the layout of ``RepackedQ4_0`` that the decode GEMV reads.
    /// - Throws: ``KernelError`` when `cols` is not block-aligned or `bytes` is too small.
    public init(
        type: GGMLType, rows: Int, cols: Int, bytes: UnsafeRawBufferPointer, owner: AnyObject? = nil
    ) throws(KernelError) {
        guard rows >= 0, let rowBytes = type.byteCount(elements: cols) else { throw .notBlockAligned(type: type, count: cols) }
        let (total, overflow) = rowBytes.multipliedReportingOverflow(by: rows)
        guard !overflow, bytes.count >= total else {
            throw .bufferTooSmall(what: "weights", needed: overflow ? Int.max : total, available: bytes.count)
        }
        self.type = type
        self.rows = rows
        self.cols = cols
        self.rowBytes = rowBytes
        if type == .q4_0, rows > 0, rowBytes > 0, let p = bytes.baseAddress {
            // Decode reads Q4_0 in the repacked layout (RepackedQ4_0): same size, own copy.
            let s = UnsafeMutableRawPointer.allocate(byteCount: total, alignment: 64)
            for r in 0..<rows { RepackedQ4_0.repackRow(p + r * rowBytes, s + r * rowBytes, blocks: cols / 32) }
            base = UnsafeRawPointer(s)
            storage = s
            self.owner = nil
        } else if let owner, let p = bytes.baseAddress {
            base = p
            storage = nil
            self.owner = owner
        } else {
            let s = UnsafeMutableRawPointer.allocate(byteCount: max(total, 1), alignment: 64)
            if total > 0 { s.copyMemory(from: bytes.baseAddress!, byteCount: total) }
            base = UnsafeRawPointer(s)
            storage = s
            self.owner = nil
        }
    }

    deinit { storage?.deallocate() }

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
        precondition(tokens >= 0 && x.count >= tokens * cols && y.count >= tokens * rows, "LinearWeights.apply: shape mismatch")
        guard tokens > 0, rows > 0, let yp = y.baseAddress else { return }
        guard cols > 0, let xp = x.baseAddress else {
            y.update(repeating: 0)
            return
        }
        if tokens == 1 {
            gemv(xp, yp, pool: pool)
        } else {
            Gemm.run(
                type: type, w: base, rowBytes: rowBytes, rows: rows, cols: cols, x: xp, tokens: tokens, y: yp, pool: pool,
                repackedQ4_0: type == .q4_0)
        }
    }

    private func gemv(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, pool: ThreadPool?) {
        let groups = (rows + 3) / 4
        let rows = rows, cols = cols, rowBytes = rowBytes, type = type
        let w = UncheckedBox(base), yb = UncheckedBox(y)
        func run(_ body: (Range<Int>) -> Void) {
            guard let pool else { return body(0..<rows) }
            pool.parallelFor(groups) { g, _ in body((4 * g.lowerBound)..<min(rows, 4 * g.upperBound)) }
        }
        switch type {
        case .f32: run { r in Gemv.float(F32Row.self, w.value, rowBytes: rowBytes, cols: cols, rows: r, x: x, y: yb.value) }
        case .f16: run { r in Gemv.float(F16Row.self, w.value, rowBytes: rowBytes, cols: cols, rows: r, x: x, y: yb.value) }
        case .bf16: run { r in Gemv.float(BF16Row.self, w.value, rowBytes: rowBytes, cols: cols, rows: r, x: x, y: yb.value) }
        case .q8_0, .q4_0, .q4_1:
            let a = ActivationsQ8_0(unchecked: UnsafeBufferPointer(start: x, count: cols))
            DotProducts.withPointers(a) { q, s, m in
                let input = Gemv.Q8Input(codes: q, scales: s, sums: m, blocks: cols / 32)
                switch type {
                case .q8_0: run { r in Gemv.q8_0(w.value, rowBytes: rowBytes, rows: r, x: input, y: yb.value) }
                case .q4_0:
                    let perm = UnsafeMutablePointer<Int16>.allocate(capacity: cols)
                    defer { perm.deallocate() }
                    RepackedQ4_0.permute(q, blocks: cols / 32, into: perm)
                    let permuted = Gemv.Q8Input(codes: perm, scales: s, sums: m, blocks: cols / 32)
                    run { r in Gemv.q4_0Repacked(w.value, rowBytes: rowBytes, rows: r, x: permuted, y: yb.value) }
                default: run { r in Gemv.q4_1(w.value, rowBytes: rowBytes, rows: r, x: input, y: yb.value) }
                }
            }
        }
    }
}

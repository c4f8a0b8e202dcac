/// A weight matrix `W` of shape `[rows, cols]` (row-major: `rows` output features, each a row
/// of `cols` input features stored in `type`'s block layout), ready for `y = x · Wᵀ`.
///
/// This is the entry point the model uses for every matmul. Shapes are checked once, here;
/// the kernels behind it (the type's row of ``TypeTraits``) run unchecked. One activation
/// row (decode) runs the GEMV, one weight row at a time so the matrix streams sequentially
/// (measured here: interleaving four quantized rows cut DRAM throughput by 3×); several rows
/// (prefill) run the blocked GEMM. Quantized weights see their activations encoded as the
/// type's ``TypeTraits/activation`` format first, as ggml does; see ``quantizesActivations``.
public final class LinearWeights: @unchecked Sendable {
    /// Storage type of the weights.
    public let type: GGMLType
    /// Output features (rows of `W`).
    public let rows: Int
    /// Input features (columns of `W`).
    public let cols: Int
    /// Whether activations are rounded (to Q8_0 or Q8_K) before the dot products, as in ggml.
    public var quantizesActivations: Bool { traits.activation.quantizes }

    /// Whether the matrix lives in memory of its own (repacked or copied at load) rather
    /// than in the caller's bytes, which the caller may then release.
    public var ownsStorage: Bool { storage != nil }

    /// The kernels of `type`.
    let traits: TypeTraits
    /// Bytes per row of `W`.
    let rowBytes: Int
    // [rows, cols] in the stored layout of `type` (ggml's, or the type's repacked layout),
    // either inside `owner`'s memory or in `storage`.
    private let base: UnsafeRawPointer
    private let storage: UnsafeMutableRawPointer?
    private let owner: AnyObject?

    /// Wraps `bytes`, the `[rows, cols]` matrix in `type`'s ggml layout.
    ///
    /// - Parameters:
    ///   - type: element type of `bytes`; LowBit must compute with it (``GGMLType/traits``).
    ///   - rows: output features.
    ///   - cols: input features (a whole number of blocks).
    ///   - bytes: the matrix, `rows · type.byteCount(elements: cols)` bytes or more.
    ///   - owner: an object that keeps `bytes` alive (such as the memory-mapped file). When
    ///     given, the weights are used in place; when `nil`, they are copied. Types that
    ///     repack at load (``TypeTraits/repacksAtLoad``) are always copied into their layout.
    /// - Throws: ``KernelError`` when the type is unsupported, `cols` is not block-aligned or
    ///   `bytes` is too small.
    public init(
        type: GGMLType, rows: Int, cols: Int, bytes: UnsafeRawBufferPointer, owner: AnyObject? = nil
    ) throws(KernelError) {
        guard let traits = type.traits else { throw .unsupportedType(type) }
        guard rows >= 0, cols % traits.activation.blockSize == 0, let rowBytes = type.byteCount(elements: cols) else {
            throw .notBlockAligned(type: type, count: cols)
        }
        let (total, overflow) = rowBytes.multipliedReportingOverflow(by: rows)
        guard !overflow, bytes.count >= total else {
            throw .bufferTooSmall(what: "weights", needed: overflow ? Int.max : total, available: bytes.count)
        }
        self.type = type
        self.traits = traits
        self.rows = rows
        self.cols = cols
        self.rowBytes = rowBytes
        if traits.repacksAtLoad, rows > 0, rowBytes > 0, let p = bytes.baseAddress {
            let s = UnsafeMutableRawPointer.allocate(byteCount: total, alignment: 64)
            traits.repack(p, s, rows, cols)
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
            traits.gemv(base, rows, cols, xp, yp, pool, false)
        } else {
            traits.gemm(base, rows, cols, xp, tokens, yp, pool)
        }
    }

    /// Computes `y[t, r] = Σ_c W[r, c] · x[t, c]` for `tokens` independent activation rows,
    /// each exactly as ``apply(_:tokens:into:pool:)`` computes it for that row alone (one
    /// token: the GEMV), bit for bit, whatever the number of rows or threads. Batched
    /// decoding uses it so that decoding many sequences at once changes no result.
    ///
    /// Types whose GEMM is exact (``TypeTraits/gemmIsExact``: Q4_0, Q8_0 and the k-quants
    /// on x86) read the weights once for all rows and share their unpacking; the others run
    /// one GEMV per row over cache-sized chunks of the matrix.
    public func applyEach(
        _ x: UnsafeBufferPointer<Float>, tokens: Int, into y: UnsafeMutableBufferPointer<Float>, pool: ThreadPool? = nil
    ) {
        precondition(tokens >= 0 && x.count >= tokens * cols && y.count >= tokens * rows, "LinearWeights.applyEach: shape mismatch")
        guard tokens > 1 else { return apply(x, tokens: tokens, into: y, pool: pool) }
        guard rows > 0, let yp = y.baseAddress else { return }
        guard cols > 0, let xp = x.baseAddress else {
            y.update(repeating: 0)
            return
        }
        traits.gemmEach(base, rows, cols, xp, tokens, yp, pool)
    }
}

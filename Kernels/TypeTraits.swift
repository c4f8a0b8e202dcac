/// What LowBit can compute with one ggml weight type: a row of the table that everything
/// else consults, as ggml's `type_traits` is. A row holds the block geometry, the activation
/// format the dot product consumes, the scalar reference quantizer, dequantizer and dot
/// product (the spec, in ggml's layout), the SIMD dequantizer and dot product on the stored
/// layout, an optional load-time repack, and the GEMV and GEMM built on them.
///
/// ```swift
/// guard let traits = GGMLType.q4_K.traits else { … }   // nil: LowBit cannot compute with it
/// try traits.quantizeRowRef(x, into: bytes)
/// ```
///
/// The public methods check shapes once and then run the kernels unchecked.
public struct TypeTraits: Sendable {
    /// The ggml type.
    public let type: GGMLType
    /// The form the dot product reads activations in (ggml's `vec_dot_type`).
    public let activation: ActivationFormat
    /// Whether rows are stored in a layout of LowBit's own, converted at load time.
    public let repacksAtLoad: Bool

    typealias RowMap = @Sendable (UnsafeRawPointer, UnsafeMutablePointer<Float>, Int) -> Void
    typealias Encode = @Sendable (UnsafePointer<Float>, UnsafeMutableRawPointer, Int) -> Void
    typealias RowDot = @Sendable (UnsafeRawPointer, UnsafePointer<Float>, Int) -> Float
    /// `(src, dst, rows, cols)`.
    typealias Repack = @Sendable (UnsafeRawPointer, UnsafeMutableRawPointer, Int, Int) -> Void
    /// `(base, row, rows, cols, y)`.
    typealias StoredRow = @Sendable (UnsafeRawPointer, Int, Int, Int, UnsafeMutablePointer<Float>) -> Void
    /// `(w, rows, cols, x, y, pool, portable)`: `y[r] = W[r] · x` over all rows.
    typealias Gemv = @Sendable (UnsafeRawPointer, Int, Int, UnsafePointer<Float>, UnsafeMutablePointer<Float>, ThreadPool?, Bool) -> Void
    /// `(w, rows, cols, x, tokens, y, pool)`: `y[t, r] = W[r] · x[t]`.
    typealias Gemm = @Sendable (UnsafeRawPointer, Int, Int, UnsafePointer<Float>, Int, UnsafeMutablePointer<Float>, ThreadPool?) -> Void

    /// Whether the GEMM (prefill) computes each token's row exactly as the GEMV would
    /// (same operations in the same order), so prefill and decode agree bit for bit.
    public let gemmIsExact: Bool

    let roundTrip: @Sendable (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void
    let quantizeRef: Encode
    let dequantizeRef: RowMap
    let dotReference: RowDot
    let repack: Repack
    let dequantizeStored: StoredRow
    let gemv: Gemv
    let gemm: Gemm
    /// Every token's row exactly as its GEMV computes it (``WeightFormat/gemmEach``).
    let gemmEach: Gemm

    /// The table: one row per weight type LowBit computes with.
    public static let table: [TypeTraits] = [
        TypeTraits(FloatWeights<F32Row>.self),
        TypeTraits(FloatWeights<F16Row>.self),
        TypeTraits(FloatWeights<BF16Row>.self),
        TypeTraits(BlockQ8_0.self),
        TypeTraits(BlockQ4_0.self),
        TypeTraits(BlockQ4_1.self),
        TypeTraits(BlockQ5_0.self),
        TypeTraits(BlockQ5_1.self),
        TypeTraits(BlockQ2_K.self),
        TypeTraits(BlockQ3_K.self),
        TypeTraits(BlockQ4_K.self),
        TypeTraits(BlockQ5_K.self),
        TypeTraits(BlockQ6_K.self),
    ]

    private static let byID: [UInt32: TypeTraits] = Dictionary(uniqueKeysWithValues: table.map { ($0.type.rawValue, $0) })

    /// The row for `type`, or `nil` when LowBit cannot compute with it.
    public static func of(_ type: GGMLType) -> TypeTraits? { byID[type.rawValue] }

    init<F: WeightFormat>(_: F.Type) {
        type = F.type
        activation = F.Activations.format
        repacksAtLoad = F.repacksAtLoad
        gemmIsExact = F.gemmIsExact
        roundTrip = { x, y, n in F.Activations.roundTrip(x, into: y, count: n) }
        quantizeRef = { x, y, n in F.quantizeRowRef(x, into: y, count: n) }
        dequantizeRef = { x, y, n in F.dequantizeRowRef(x, into: y, count: n) }
        dotReference = { w, x, n in F.Activations(encoding: x, count: n).withRow { F.dotRef(w, $0, count: n) } }
        repack = { s, d, rows, cols in F.repackMatrix(s, into: d, rows: rows, cols: cols) }
        dequantizeStored = { w, r, rows, cols, y in F.dequantizeStoredRow(w, row: r, rows: rows, cols: cols, into: y) }
        gemv = { w, rows, cols, x, y, pool, portable in
            let a = F.Activations(encoding: x, count: cols)
            let wb = UncheckedBox(w), yb = UncheckedBox(y)
            a.withRow { row in
                let rb = UncheckedBox(row)
                // Groups of four rows (or of one panel, when panels are wider) per work
                // item: whole panels, and chunks that are cache-line aligned in y.
                let group = max(4, F.panelRows)
                let body: (Range<Int>, Int) -> Void = { g, _ in
                    let range = (group * g.lowerBound)..<min(rows, group * g.upperBound)
                    if portable {
                        F.gemvRowsPortable(wb.value, range: range, rows: rows, cols: cols, rb.value, y: yb.value)
                    } else {
                        F.gemvRows(wb.value, range: range, rows: rows, cols: cols, rb.value, y: yb.value)
                    }
                }
                let groups = (rows + group - 1) / group
                if let pool { pool.parallelFor(groups, body) } else { body(0..<groups, 0) }
            }
        }
        gemm = { w, rows, cols, x, tokens, y, pool in F.gemm(w, rows: rows, cols: cols, x: x, tokens: tokens, y: y, pool: pool) }
        gemmEach = { w, rows, cols, x, tokens, y, pool in
            F.gemmEach(w, rows: rows, cols: cols, x: x, tokens: tokens, y: y, pool: pool)
        }
    }
}

extension GGMLType {
    /// What LowBit can compute with this type, or `nil` when it cannot (the type is still
    /// valid in a file: it can be inspected, copied and named in errors).
    public var traits: TypeTraits? { TypeTraits.of(self) }

    /// Whether LowBit can compute with this type.
    public var isSupported: Bool { traits != nil }

    /// Every type LowBit computes with, in table order.
    public static var supported: [GGMLType] { TypeTraits.table.map(\.type) }
}

extension TypeTraits {
    /// Elements per block.
    public var blockSize: Int { type.blockSize }
    /// Bytes per block.
    public var bytesPerBlock: Int { type.bytesPerBlock }

    /// Checks that `count` elements fit `bytes` bytes; returns the bytes a row needs.
    private func rowBytes(count: Int, available: Int, what: String) throws(KernelError) -> Int {
        guard count % activation.blockSize == 0, let needed = type.byteCount(elements: count) else {
            throw .notBlockAligned(type: type, count: count)
        }
        guard available >= needed else { throw .bufferTooSmall(what: what, needed: needed, available: available) }
        return needed
    }

    /// Reference quantizer: encodes `x` (a whole number of blocks) as ggml's bytes into `y`.
    ///
    /// - Throws: ``KernelError`` when `x.count` is not block-aligned or `y` is too small.
    public func quantizeRowRef(_ x: UnsafeBufferPointer<Float>, into y: UnsafeMutableRawBufferPointer) throws(KernelError) {
        _ = try rowBytes(count: x.count, available: y.count, what: "output")
        guard let xp = x.baseAddress, let yp = y.baseAddress else { return }
        quantizeRef(xp, yp, x.count)
    }

    /// Reference dequantizer: decodes `y.count` elements of ggml's layout from `x`.
    ///
    /// - Throws: ``KernelError`` when `y.count` is not block-aligned or `x` is too small.
    public func dequantizeRowRef(_ x: UnsafeRawBufferPointer, into y: UnsafeMutableBufferPointer<Float>) throws(KernelError) {
        _ = try rowBytes(count: y.count, available: x.count, what: "input")
        guard let xp = x.baseAddress, let yp = y.baseAddress else { return }
        dequantizeRef(xp, yp, y.count)
    }

    /// Converts a `[rows, cols]` matrix from ggml's layout to the stored layout (a copy
    /// unless ``repacksAtLoad``).
    ///
    /// - Throws: ``KernelError`` when `cols` is not block-aligned or a buffer is too small.
    public func repackMatrix(
        _ src: UnsafeRawBufferPointer, into dst: UnsafeMutableRawBufferPointer, rows: Int, cols: Int
    ) throws(KernelError) {
        let n = try matrixBytes(rows: rows, cols: cols, available: min(src.count, dst.count))
        guard n > 0, let s = src.baseAddress, let d = dst.baseAddress else { return }
        repack(s, d, rows, cols)
    }

    /// SIMD dequantizer of row `row` of a stored `[rows, cols]` matrix; the same values as
    /// ``dequantizeRowRef(_:into:)`` on that row before repacking.
    ///
    /// - Throws: ``KernelError`` when the shapes do not fit the buffers.
    public func dequantizeStoredRow(
        _ stored: UnsafeRawBufferPointer, row: Int, rows: Int, into y: UnsafeMutableBufferPointer<Float>
    ) throws(KernelError) {
        _ = try matrixBytes(rows: rows, cols: y.count, available: stored.count)
        guard row >= 0, row < rows else { throw .bufferTooSmall(what: "row index", needed: row + 1, available: rows) }
        guard let s = stored.baseAddress, let yp = y.baseAddress else { return }
        dequantizeStored(s, row, rows, y.count, yp)
    }

    /// The matrix-vector product `W · x` of a stored `[rows, x.count]` matrix, with the fast
    /// dot products (AVX2 on x86 where the type has them) or the portable SIMD ones (the
    /// arm64 path), which the tests check on x86 too.
    ///
    /// - Throws: ``KernelError`` when the shapes do not fit the buffers.
    public func gemv(_ stored: UnsafeRawBufferPointer, rows: Int, _ x: UnsafeBufferPointer<Float>, portable: Bool = false)
        throws(KernelError) -> [Float]
    {
        _ = try matrixBytes(rows: rows, cols: x.count, available: stored.count)
        var y = [Float](repeating: 0, count: rows)
        guard rows > 0, let s = stored.baseAddress, let xp = x.baseAddress else { return y }
        y.withUnsafeMutableBufferPointer { gemv(s, rows, x.count, xp, $0.baseAddress!, nil, portable) }
        return y
    }

    /// The activations as the dot product sees them: `x` rounded through ``activation``
    /// (unchanged for the float types).
    ///
    /// - Throws: ``KernelError`` when `x.count` is not a whole number of activation blocks.
    public func effectiveActivations(_ x: [Float]) throws(KernelError) -> [Float] {
        guard x.count % activation.blockSize == 0 else { throw .notBlockAligned(type: type, count: x.count) }
        var y = [Float](repeating: 0, count: x.count)
        x.withUnsafeBufferPointer { xb in
            y.withUnsafeMutableBufferPointer { yb in
                if let xp = xb.baseAddress, let yp = yb.baseAddress { roundTrip(xp, yp, x.count) }
            }
        }
        return y
    }

    /// Reference dot product of a row in ggml's layout with `x`, encoded as ``activation``.
    ///
    /// - Throws: ``KernelError`` when `x.count` is not block-aligned or `w` is too short.
    public func dotRef(_ w: UnsafeRawBufferPointer, _ x: UnsafeBufferPointer<Float>) throws(KernelError) -> Float {
        _ = try rowBytes(count: x.count, available: w.count, what: "weight row")
        guard let wp = w.baseAddress, let xp = x.baseAddress else { return 0 }
        return dotReference(wp, xp, x.count)
    }

    private func matrixBytes(rows: Int, cols: Int, available: Int) throws(KernelError) -> Int {
        let rb = try rowBytes(count: cols, available: Int.max, what: "row")
        let (n, o) = rb.multipliedReportingOverflow(by: max(0, rows))
        guard !o, available >= n else { throw .bufferTooSmall(what: "matrix", needed: o ? Int.max : n, available: available) }
        return n
    }
}

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
}

extension WeightFormat {
    static var repacksAtLoad: Bool { false }
    static func repackRow(_ src: UnsafeRawPointer, into dst: UnsafeMutableRawPointer, count: Int) {
        dst.copyMemory(from: src, byteCount: type.byteCount(elements: count) ?? 0)
    }
    static func prepare(_ x: inout Activations) {}
    static func dotPortable(_ w: UnsafeRawPointer, _ x: Activations.Row, count: Int) -> Float { dot(w, x, count: count) }
    static func floatRow(_ w: UnsafeRawPointer) -> UnsafePointer<Float>? { nil }
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

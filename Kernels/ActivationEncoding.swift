/// The form in which a weight type's dot product reads its activations: ggml's
/// `vec_dot_type` (f32 for float weights, Q8_0 blocks of 32 for the legacy quants, Q8_K
/// blocks of 256 with group sums for the k-quants).
public struct ActivationFormat: Sendable, Hashable, CustomStringConvertible {
    /// ggml's name of the format (`f32`, `q8_0`, `q8_K`).
    public let name: String
    /// Activations per block; rows must hold a whole number of blocks.
    public let blockSize: Int
    /// Whether activations are rounded before the dot product (every format but f32).
    public var quantizes: Bool { self != .f32 }

    public static let f32 = ActivationFormat(name: "f32", blockSize: 1)
    public static let q8_0 = ActivationFormat(name: "q8_0", blockSize: 32)
    public static let q8_K = ActivationFormat(name: "q8_K", blockSize: 256)

    public var description: String { name }
}

/// One activation row encoded for a weight type's dot product. Kernel-internal.
protocol ActivationEncoding {
    /// The pointers the dot products read.
    associatedtype Row
    /// Which format this is.
    static var format: ActivationFormat { get }
    /// Encodes `count` activations (a whole number of blocks).
    init(encoding x: UnsafePointer<Float>, count: Int)
    /// The values the dot product effectively multiplies by, in f32: `x` rounded through
    /// this encoding. The GEMM multiplies these so that prefill computes what the integer
    /// GEMV computes (ggml's semantics), up to summation order.
    static func roundTrip(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int)
    /// Calls `body` with the row's pointers, valid for the duration of the call.
    func withRow<R>(_ body: (Row) -> R) -> R
}

/// f32 activations, read in place: the encoding of the float weight types.
struct F32Activations: ActivationEncoding {
    let base: UnsafePointer<Float>
    static var format: ActivationFormat { .f32 }
    init(encoding x: UnsafePointer<Float>, count: Int) { base = x }
    static func roundTrip(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        y.update(from: x, count: count)
    }
    func withRow<R>(_ body: (UnsafePointer<Float>) -> R) -> R { body(base) }
}

/// The pointers of a Q8_0 activation row (see ``ActivationsQ8_0``).
struct Q8_0Row {
    /// `[blocks · 32]` codes widened to 16 bits.
    let codes: UnsafePointer<Int16>
    /// `[blocks · 32]` codes as bytes.
    let codes8: UnsafePointer<Int8>
    /// `[blocks]` fp16-rounded scales.
    let scales: UnsafePointer<Float>
    /// `[blocks]` `scale · Σ codes`.
    let sums: UnsafePointer<Float>
    let blocks: Int
}

extension ActivationsQ8_0: ActivationEncoding {
    static var format: ActivationFormat { .q8_0 }

    init(encoding x: UnsafePointer<Float>, count: Int) {
        self.init(unchecked: UnsafeBufferPointer(start: x, count: count))
    }

    static func roundTrip(_ x: UnsafePointer<Float>, into y: UnsafeMutablePointer<Float>, count: Int) {
        for b in 0..<(count / 32) {
            let (d, q0, q1, q2, q3) = ActivationQuantizer.quantizeBlock(x + 32 * b)
            let s = SIMD8<Float>(repeating: HalfConversion.float(f16Bits: HalfConversion.f16Bits(d)))
            let o = y + 32 * b
            store8(toFloat(q0) * s, o); store8(toFloat(q1) * s, o + 8)
            store8(toFloat(q2) * s, o + 16); store8(toFloat(q3) * s, o + 24)
        }
    }

    func withRow<R>(_ body: (Q8_0Row) -> R) -> R {
        codes8.withUnsafeBufferPointer { c8 in
            DotProducts.withPointers(self) { q, s, m in
                body(Q8_0Row(codes: q, codes8: c8.baseAddress!, scales: s, sums: m, blocks: count / 32))
            }
        }
    }
}

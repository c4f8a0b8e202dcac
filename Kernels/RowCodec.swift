/// Errors raised by the safe kernel entry points when shapes do not fit.
public enum KernelError: Error, Equatable, CustomStringConvertible {
    /// The element count is not a multiple of the type's block size.
    case notBlockAligned(type: GGMLType, count: Int)
    /// A buffer is smaller than the shape requires.
    case bufferTooSmall(what: String, needed: Int, available: Int)
    /// LowBit has no kernels for the type (``GGMLType/traits`` is `nil`).
    case unsupportedType(GGMLType)

    public var description: String {
        switch self {
        case let .notBlockAligned(type, count):
            "\(count) elements is not a multiple of the \(type) block size \(type.blockSize)"
        case let .bufferTooSmall(what, needed, available):
            "\(what) buffer holds \(available) but \(needed) are needed"
        case let .unsupportedType(type):
            "LowBit cannot compute with ggml type \(type) (supported: \(GGMLType.supported.map(\.name).joined(separator: ", ")))"
        }
    }
}

/// Row-level quantization and dequantization for every supported ``GGMLType``, through the
/// scalar reference path of its ``TypeTraits`` row (the spec of each format).
public enum RowCodec {
    /// Encodes `src` (a whole number of blocks) into `dst` in `type`'s layout.
    ///
    /// - Throws: ``KernelError`` when the type is unsupported, `src.count` is not
    ///   block-aligned or `dst` is too small.
    public static func quantize(
        _ src: UnsafeBufferPointer<Float>, as type: GGMLType, into dst: UnsafeMutableRawBufferPointer
    ) throws(KernelError) {
        guard let traits = type.traits else { throw .unsupportedType(type) }
        try traits.quantizeRowRef(src, into: dst)
    }

    /// Decodes `dst.count` elements of `type` from `src` into `dst`.
    ///
    /// - Throws: ``KernelError`` when the type is unsupported, `dst.count` is not
    ///   block-aligned or `src` is too small.
    public static func dequantize(
        _ src: UnsafeRawBufferPointer, as type: GGMLType, into dst: UnsafeMutableBufferPointer<Float>
    ) throws(KernelError) {
        guard let traits = type.traits else { throw .unsupportedType(type) }
        try traits.dequantizeRowRef(src, into: dst)
    }

    /// Array convenience: encodes `values` as `type`.
    public static func quantize(_ values: [Float], as type: GGMLType) throws(KernelError) -> [UInt8] {
        guard let bytes = type.byteCount(elements: values.count) else {
            throw .notBlockAligned(type: type, count: values.count)
        }
        var out = [UInt8](repeating: 0, count: bytes)
        let result = values.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBytes { dst in Result { () throws(KernelError) in try quantize(src, as: type, into: dst) } }
        }
        try result.get()
        return out
    }

    /// Array convenience: decodes `count` elements of `type` from `bytes`.
    public static func dequantize(_ bytes: UnsafeRawBufferPointer, as type: GGMLType, count: Int) throws(KernelError) -> [Float] {
        var out = [Float](repeating: 0, count: count)
        let result = out.withUnsafeMutableBufferPointer { dst in
            Result { () throws(KernelError) in try dequantize(bytes, as: type, into: dst) }
        }
        try result.get()
        return out
    }
}

/// Errors raised by the safe kernel entry points when shapes do not fit.
public enum KernelError: Error, Equatable, CustomStringConvertible {
    /// The element count is not a multiple of the type's block size.
    case notBlockAligned(type: GGMLType, count: Int)
    /// A buffer is smaller than the shape requires.
    case bufferTooSmall(what: String, needed: Int, available: Int)

    public var description: String {
        switch self {
        case let .notBlockAligned(type, count):
            "\(count) elements is not a multiple of the \(type) block size \(type.blockSize)"
        case let .bufferTooSmall(what, needed, available):
            "\(what) buffer holds \(available) but \(needed) are needed"
        }
    }
}

/// Row-level quantization and dequantization for every ``GGMLType``: the scalar reference
/// path that defines each format, and the one table the rest of LowBit consults.
public enum RowCodec {
    /// Encodes `src` (a whole number of blocks) into `dst` in `type`'s layout.
    ///
    /// - Throws: ``KernelError`` when `src.count` is not block-aligned or `dst` is too small.
    public static func quantize(
        _ src: UnsafeBufferPointer<Float>, as type: GGMLType, into dst: UnsafeMutableRawBufferPointer
    ) throws(KernelError) {
        let n = src.count
        guard let bytes = type.byteCount(elements: n) else { throw .notBlockAligned(type: type, count: n) }
        guard dst.count >= bytes else { throw .bufferTooSmall(what: "output", needed: bytes, available: dst.count) }
        quantizeUnchecked(src, as: type, into: dst)
    }

    static func quantizeUnchecked(_ src: UnsafeBufferPointer<Float>, as type: GGMLType, into dst: UnsafeMutableRawBufferPointer) {
        let n = src.count
        guard n > 0, let x = src.baseAddress, let out = dst.baseAddress else { return }
        switch type {
        case .f32:
            out.copyMemory(from: x, byteCount: n * 4)
        case .f16:
            for i in 0..<n { storeU16(out, 2 * i, HalfConversion.f16Bits(x[i])) }
        case .bf16:
            for i in 0..<n { storeU16(out, 2 * i, HalfConversion.bf16Bits(x[i])) }
        case .q8_0:
            for b in 0..<(n / 32) { BlockQ8_0.quantizeRef(x + 32 * b, out + BlockQ8_0.bytes * b) }
        case .q4_0:
            for b in 0..<(n / 32) { BlockQ4_0.quantizeRef(x + 32 * b, out + BlockQ4_0.bytes * b) }
        case .q4_1:
            for b in 0..<(n / 32) { BlockQ4_1.quantizeRef(x + 32 * b, out + BlockQ4_1.bytes * b) }
        }
    }

    /// Decodes `dst.count` elements of `type` from `src` into `dst`.
    ///
    /// - Throws: ``KernelError`` when `dst.count` is not block-aligned or `src` is too small.
    public static func dequantize(
        _ src: UnsafeRawBufferPointer, as type: GGMLType, into dst: UnsafeMutableBufferPointer<Float>
    ) throws(KernelError) {
        let n = dst.count
        guard let bytes = type.byteCount(elements: n) else { throw .notBlockAligned(type: type, count: n) }
        guard src.count >= bytes else { throw .bufferTooSmall(what: "input", needed: bytes, available: src.count) }
        dequantizeUnchecked(src, as: type, into: dst)
    }

    static func dequantizeUnchecked(_ src: UnsafeRawBufferPointer, as type: GGMLType, into dst: UnsafeMutableBufferPointer<Float>) {
        let n = dst.count
        guard n > 0, let p = src.baseAddress, let y = dst.baseAddress else { return }
        switch type {
        case .f32:
            UnsafeMutableRawPointer(y).copyMemory(from: p, byteCount: n * 4)
        case .f16:
            for i in 0..<n { y[i] = loadF16(p, 2 * i) }
        case .bf16:
            for i in 0..<n { y[i] = HalfConversion.float(bf16Bits: loadU16(p, 2 * i)) }
        case .q8_0:
            for b in 0..<(n / 32) { BlockQ8_0.dequantizeRef(p + BlockQ8_0.bytes * b, y + 32 * b) }
        case .q4_0:
            for b in 0..<(n / 32) { BlockQ4_0.dequantizeRef(p + BlockQ4_0.bytes * b, y + 32 * b) }
        case .q4_1:
            for b in 0..<(n / 32) { BlockQ4_1.dequantizeRef(p + BlockQ4_1.bytes * b, y + 32 * b) }
        }
    }

    /// Array convenience: encodes `values` as `type`.
    public static func quantize(_ values: [Float], as type: GGMLType) throws(KernelError) -> [UInt8] {
        guard let bytes = type.byteCount(elements: values.count) else {
            throw .notBlockAligned(type: type, count: values.count)
        }
        var out = [UInt8](repeating: 0, count: bytes)
        values.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBytes { dst in quantizeUnchecked(src, as: type, into: dst) }
        }
        return out
    }

    /// Array convenience: decodes `count` elements of `type` from `bytes`.
    public static func dequantize(_ bytes: UnsafeRawBufferPointer, as type: GGMLType, count: Int) throws(KernelError) -> [Float] {
        guard let needed = type.byteCount(elements: count) else { throw .notBlockAligned(type: type, count: count) }
        guard bytes.count >= needed else { throw .bufferTooSmall(what: "input", needed: needed, available: bytes.count) }
        var out = [Float](repeating: 0, count: count)
        out.withUnsafeMutableBufferPointer { dst in dequantizeUnchecked(bytes, as: type, into: dst) }
        return out
    }
}

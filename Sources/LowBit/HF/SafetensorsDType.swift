/// The element types a safetensors header can name (`"dtype"`), with their widths. LowBit
/// reads ``f32``, ``f16`` and ``bf16`` (``ggmlType``); the others are recognised so that an
/// error can name them.
public enum SafetensorsDType: String, Sendable, CaseIterable {
    case f64 = "F64", f32 = "F32", f16 = "F16", bf16 = "BF16"
    case i64 = "I64", i32 = "I32", i16 = "I16", i8 = "I8"
    case u64 = "U64", u32 = "U32", u16 = "U16", u8 = "U8", bool = "BOOL"
    case f8E4M3 = "F8_E4M3", f8E5M2 = "F8_E5M2", f8E8M0 = "F8_E8M0"
    case f6E2M3 = "F6_E2M3", f6E3M2 = "F6_E3M2", f4 = "F4", c64 = "C64"

    /// Bits per element.
    public var bits: Int {
        switch self {
        case .f64, .i64, .u64, .c64: 64
        case .f32, .i32, .u32: 32
        case .f16, .bf16, .i16, .u16: 16
        case .i8, .u8, .bool, .f8E4M3, .f8E5M2, .f8E8M0: 8
        case .f6E2M3, .f6E3M2: 6
        case .f4: 4
        }
    }

    /// The ggml type holding the same bits, for the types LowBit reads; `nil` otherwise.
    public var ggmlType: GGMLType? {
        switch self {
        case .f32: .f32
        case .f16: .f16
        case .bf16: .bf16
        default: nil
        }
    }

    /// Bytes of `elements` values, or `nil` when they are not a whole number of bytes or
    /// the count overflows.
    public func byteCount(elements: Int) -> Int? {
        let (bitCount, o) = elements.multipliedReportingOverflow(by: bits)
        guard !o, bitCount % 8 == 0 else { return nil }
        return bitCount / 8
    }
}

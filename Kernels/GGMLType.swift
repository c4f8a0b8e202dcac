/// A tensor element type, identified by its ggml type id as stored in GGUF files.
///
/// Block types pack `blockSize` consecutive weights of a row into `bytesPerBlock` bytes.
/// Rows of a block type must hold a whole number of blocks.
public enum GGMLType: UInt32, Sendable, CaseIterable, CustomStringConvertible {
    case f32 = 0
    case f16 = 1
    case q4_0 = 2
    case q4_1 = 3
    case q8_0 = 8
    case bf16 = 30

    /// The lowercase ggml name (`f32`, `q4_0`, …), as llama.cpp prints it.
    public var name: String {
        switch self {
        case .f32: "f32"
        case .f16: "f16"
        case .q4_0: "q4_0"
        case .q4_1: "q4_1"
        case .q8_0: "q8_0"
        case .bf16: "bf16"
        }
    }

    public var description: String { name }

    /// Creates a type from its lowercase or uppercase ggml name, such as `q4_0` or `F16`.
    public init?(name: String) {
        guard let t = GGMLType.allCases.first(where: { $0.name == name.lowercased() }) else { return nil }
        self = t
    }

    /// Number of weights in one block (1 for the float types).
    public var blockSize: Int {
        switch self {
        case .f32, .f16, .bf16: 1
        case .q4_0, .q4_1, .q8_0: 32
        }
    }

    /// Number of bytes one block occupies.
    public var bytesPerBlock: Int {
        switch self {
        case .f32: 4
        case .f16, .bf16: 2
        case .q4_0: BlockQ4_0.bytes
        case .q4_1: BlockQ4_1.bytes
        case .q8_0: BlockQ8_0.bytes
        }
    }

    /// Whether this is a block-quantized integer type.
    public var isQuantized: Bool { blockSize > 1 }

    /// Bytes needed for `count` elements, or `nil` when `count` is not a whole number of
    /// blocks or the size overflows.
    public func byteCount(elements count: Int) -> Int? {
        guard count >= 0, count % blockSize == 0 else { return nil }
        let (bytes, overflow) = (count / blockSize).multipliedReportingOverflow(by: bytesPerBlock)
        return overflow ? nil : bytes
    }
}

/// One tensor's entry in a GGUF file's tensor table.
public struct GGUFTensorInfo: Sendable, Equatable {
    /// Tensor name, e.g. `blk.0.attn_q.weight`.
    public var name: String
    /// Element type: any ggml id, including ones LowBit cannot compute with or ggml does not
    /// define (``GGMLType/isKnown``).
    public var type: GGMLType
    /// Dimensions, innermost first as GGUF stores them: a `[cols, rows]` matrix has rows of
    /// `cols` elements.
    public var shape: [Int]
    /// Byte offset of the data, relative to the start of the data section.
    public var offset: UInt64
    /// Bytes of data, or `nil` when ggml does not define the type (its size is unknown).
    public var byteCount: Int?

    /// Total number of elements.
    public var elementCount: Int { shape.reduce(1, *) }

    public init(name: String, type: GGMLType, shape: [Int], offset: UInt64 = 0) {
        self.name = name
        self.type = type
        self.shape = shape
        self.offset = offset
        self.byteCount = type.byteCount(elements: shape.reduce(1, *))
    }
}

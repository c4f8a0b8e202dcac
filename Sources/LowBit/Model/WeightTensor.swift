/// Bytes of a tensor: either a view into a memory-mapped file or memory this object owns.
/// The bytes stay valid for as long as the storage object lives.
public final class TensorStorage: @unchecked Sendable {
    /// The tensor's bytes.
    public let bytes: UnsafeRawBufferPointer
    private let owner: AnyObject?
    private let owned: Bool

    /// A view into `mapping` (kept alive by this storage).
    public init(view: UnsafeRawBufferPointer, owner: AnyObject) {
        bytes = view
        self.owner = owner
        owned = false
    }

    /// A copy of `data`, owned by this storage.
    public init(copying data: [UInt8]) {
        let p = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, data.count), alignment: 64)
        data.withUnsafeBytes { p.copyMemory(from: $0) }
        bytes = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(p)[0..<data.count])
        owner = nil
        owned = true
    }

    /// Whether the bytes are a view into another object's memory (a mapped file) rather than
    /// a copy this storage owns.
    public var isView: Bool { !owned }

    deinit {
        if owned { UnsafeMutableRawPointer(mutating: bytes.baseAddress)?.deallocate() }
    }

    /// Releases the resident pages of `part` (a slice of ``bytes``) when they are a view of
    /// a memory-mapped file, after their contents were copied elsewhere; see
    /// ``MappedFile/releasePages(_:)``. Reading them again stays valid.
    public func releasePages(of part: UnsafeRawBufferPointer) {
        guard let file = owner as? MappedFile, let p = part.baseAddress, let fileBase = file.bytes.baseAddress else { return }
        let offset = p - fileBase
        file.releasePages(offset..<(offset + part.count))
    }
}

/// A named tensor with its type, shape and bytes: the unit models are built from and that
/// quantizers and writers pass around.
public struct WeightTensor: Sendable {
    /// GGUF tensor name.
    public var name: String
    /// Element type.
    public var type: GGMLType
    /// Dimensions, innermost first (GGUF order).
    public var shape: [Int]
    /// The bytes, `type.byteCount(elements:)` long.
    public var storage: TensorStorage

    public init(name: String, type: GGMLType, shape: [Int], storage: TensorStorage) {
        self.name = name
        self.type = type
        self.shape = shape
        self.storage = storage
    }

    /// Creates a tensor by encoding f32 `values` as `type`.
    ///
    /// - Throws: ``KernelError`` when the type is unsupported, or rows (the innermost
    ///   dimension) are not a whole number of the type's blocks.
    public init(name: String, type: GGMLType, shape: [Int], values: [Float], pool: ThreadPool? = nil) throws(KernelError) {
        let rowLength = shape.first ?? 0
        guard rowLength % type.blockSize == 0 else { throw .notBlockAligned(type: type, count: rowLength) }
        guard let pool, pool.threadCount > 1, rowLength > 0, values.count / rowLength > 1 else {
            self.init(name: name, type: type, shape: shape, storage: TensorStorage(copying: try RowCodec.quantize(values, as: type)))
            return
        }
        // Rows are independent: quantize them in parallel (the bytes do not depend on the split).
        let rows = values.count / rowLength
        guard let rowBytes = type.byteCount(elements: rowLength), type.isSupported else { throw .unsupportedType(type) }
        var out = [UInt8](repeating: 0, count: rows * rowBytes)
        values.withUnsafeBufferPointer { src in
            out.withUnsafeMutableBytes { dst in
                let s = UncheckedBox(src), d = UncheckedBox(dst)
                pool.parallelFor(rows) { range, _ in
                    let x = UnsafeBufferPointer(rebasing: s.value[(range.lowerBound * rowLength)..<(range.upperBound * rowLength)])
                    let y = UnsafeMutableRawBufferPointer(rebasing: d.value[(range.lowerBound * rowBytes)..<(range.upperBound * rowBytes)])
                    try? RowCodec.quantize(x, as: type, into: y)  // sizes were checked above
                }
            }
        }
        self.init(name: name, type: type, shape: shape, storage: TensorStorage(copying: out))
    }

    /// Number of elements.
    public var elementCount: Int { shape.reduce(1, *) }
    /// Number of rows (all dimensions but the innermost).
    public var rowCount: Int { shape.dropFirst().reduce(1, *) }
    /// Elements per row (the innermost dimension).
    public var rowLength: Int { shape.first ?? 0 }

    /// All elements decoded to f32.
    public func floats() -> [Float] {
        (try? RowCodec.dequantize(storage.bytes, as: type, count: elementCount)) ?? []
    }

    /// Decodes row `r` into `out` (`rowLength` elements).
    public func dequantizeRow(_ r: Int, into out: UnsafeMutableBufferPointer<Float>) {
        let rowBytes = type.byteCount(elements: rowLength) ?? 0
        let slice = UnsafeRawBufferPointer(rebasing: storage.bytes[(r * rowBytes)..<((r + 1) * rowBytes)])
        try? RowCodec.dequantize(slice, as: type, into: out)
    }
}

/// A model as a set of tensors plus GGUF metadata, independent of where the bytes live
/// (a mapped file, or memory produced by an in-memory quantizer).
public struct ModelWeights: Sendable {
    /// Metadata in GGUF form (architecture, hyperparameters, tokenizer).
    public var metadata: GGUFMetadata
    /// Tensors in file order.
    public var tensors: [WeightTensor]
    /// Where these weights came from, for messages (a path, or a description).
    public var source: String

    public init(metadata: GGUFMetadata, tensors: [WeightTensor], source: String) {
        self.metadata = metadata
        self.tensors = tensors
        self.source = source
    }

    /// The tensor named `name`, or `nil`.
    public subscript(name: String) -> WeightTensor? { tensors.first { $0.name == name } }

    /// Total bytes of tensor data.
    public var byteCount: Int { tensors.reduce(0) { $0 + $1.storage.bytes.count } }
}

extension GGUFFile {
    /// The file's tensors as zero-copy views into its mapping.
    public func weights() -> ModelWeights {
        let ts = tensors.map { info in
            WeightTensor(name: info.name, type: info.type, shape: info.shape, storage: TensorStorage(view: bytes(of: info), owner: mapping))
        }
        return ModelWeights(metadata: metadata, tensors: ts, source: path)
    }

    /// Opens `path` and returns its weights.
    public static func loadWeights(path: String) throws(GGUFError) -> ModelWeights {
        try GGUFFile(path: path).weights()
    }
}

/// A GGUF file opened for reading: header, metadata, tensor table and a memory-mapped data
/// section. Every count, offset and size is validated against the file length, with
/// overflow-safe arithmetic, before any tensor memory is touched.
public final class GGUFFile: @unchecked Sendable {
    /// The mapping that owns all tensor bytes.
    public let mapping: MappedFile
    /// GGUF version (2 or 3).
    public let version: UInt32
    /// Metadata in file order.
    public let metadata: GGUFMetadata
    /// Tensor table in file order.
    public let tensors: [GGUFTensorInfo]
    /// Data-section alignment (`general.alignment`, default 32).
    public let alignment: Int
    /// Absolute byte offset of the data section.
    public let dataOffset: Int

    /// The path the file was opened from.
    public var path: String { mapping.path }

    /// Maximum nesting depth of metadata arrays.
    static let maxArrayDepth = 8
    /// ggml's maximum number of tensor dimensions.
    static let maxDims = 4

    /// Opens, maps and validates `path`.
    ///
    /// - Throws: ``GGUFError`` naming the file and what is wrong.
    public convenience init(path: String) throws(GGUFError) {
        try self.init(mapping: MappedFile(path: path))
    }

    /// Validates the GGUF file in `mapping` (a mapped file, or bytes in memory).
    ///
    /// - Throws: ``GGUFError`` naming the file and what is wrong.
    public init(mapping: MappedFile) throws(GGUFError) {
        let path = mapping.path
        self.mapping = mapping
        var c = ByteCursor(bytes: mapping.bytes, file: path)
        let file = path

        try c.require(4)
        let magic = Array(mapping.bytes[0..<4])
        guard magic == Array("GGUF".utf8) else { throw .badMagic(file: file, found: magic) }
        _ = try c.readBytes(4)
        version = try c.read(UInt32.self)
        guard version == 2 || version == 3 else { throw .unsupportedVersion(file: file, version: version) }
        let tensorCountOffset = c.offset
        let tensorCount = try c.read(UInt64.self)
        let kvCountOffset = c.offset
        let kvCount = try c.read(UInt64.self)
        // Each metadata entry takes at least 8 (key length) + 4 (type) + 1 bytes; each tensor
        // entry at least 8 + 4 + 8 + 4 + 8. Bound the counts before allocating anything.
        guard kvCount <= UInt64(c.remaining / 13) else {
            throw .countTooLarge(file: file, offset: kvCountOffset, field: "metadata count", count: kvCount)
        }
        guard tensorCount <= UInt64(c.remaining / 32) else {
            throw .countTooLarge(file: file, offset: tensorCountOffset, field: "tensor count", count: tensorCount)
        }

        var metadata = GGUFMetadata()
        for _ in 0..<Int(kvCount) {
            let key = try c.readString()
            guard !metadata.contains(key) else { throw .duplicateKey(file: file, key: key) }
            let typeOffset = c.offset
            let raw = try c.read(UInt32.self)
            guard let type = GGUFValueType(rawValue: raw) else {
                throw .invalidValueType(file: file, offset: typeOffset, key: key, rawValue: raw)
            }
            metadata[key] = try Self.readValue(type, key: key, depth: 0, file: mapping, cursor: &c)
        }
        self.metadata = metadata

        var alignment = 32
        if let a = metadata["general.alignment"] {
            guard let v = a.intValue, v > 0, v <= 1 << 20, v & (v - 1) == 0 else {
                throw .invalidMetadata(file: file, key: "general.alignment", reason: "must be a power of two, got \(a.abbreviated())")
            }
            alignment = v
        }
        self.alignment = alignment

        var infos: [GGUFTensorInfo] = []
        infos.reserveCapacity(Int(tensorCount))
        var names = Set<String>(minimumCapacity: Int(tensorCount))
        for _ in 0..<Int(tensorCount) {
            let name = try c.readString()
            guard names.insert(name).inserted else { throw .duplicateTensor(file: file, name: name) }
            let nDims = try c.read(UInt32.self)
            guard nDims >= 1, nDims <= UInt32(Self.maxDims) else {
                throw .invalidShape(file: file, name: name, shape: [], reason: "\(nDims) dimensions (1 to \(Self.maxDims) allowed)")
            }
            var dims: [UInt64] = []
            dims.reserveCapacity(Int(nDims))
            for _ in 0..<Int(nDims) { dims.append(try c.read(UInt64.self)) }
            let rawType = try c.read(UInt32.self)
            let offset = try c.read(UInt64.self)
            // Any type id is kept: a tensor LowBit cannot compute with still belongs to a valid
            // file (inspect and tokenize work; the model names it when it cannot proceed).
            let type = GGMLType(rawValue: rawType)
            var count: UInt64 = 1
            for d in dims {
                let (p, o) = count.multipliedReportingOverflow(by: d)
                guard !o, d > 0, p <= UInt64(Int.max / 8) else {
                    throw .invalidShape(file: file, name: name, shape: dims, reason: "element count is zero or overflows")
                }
                count = p
            }
            if type.isKnown, dims[0] % UInt64(type.blockSize) != 0 {
                throw .invalidShape(file: file, name: name, shape: dims, reason: "rows of \(dims[0]) are not a whole number of \(type) blocks of \(type.blockSize)")
            }
            guard offset % UInt64(alignment) == 0 else {
                throw .misalignedOffset(file: file, name: name, offset: offset, alignment: alignment)
            }
            infos.append(GGUFTensorInfo(name: name, type: type, shape: dims.map { Int($0) }, offset: offset))
        }

        let (padded, o1) = c.offset.addingReportingOverflow(alignment - 1)
        let dataOffset = o1 ? Int.max : padded / alignment * alignment
        self.dataOffset = dataOffset
        let fileSize = mapping.bytes.count
        if !infos.isEmpty, dataOffset > fileSize {
            throw .truncated(file: file, offset: c.offset, needed: dataOffset - fileSize)
        }
        let dataBytes = UInt64(fileSize - min(dataOffset, fileSize))
        for info in infos {
            // A type ggml does not define has no known size: only its offset can be checked.
            let bytes = UInt64(info.byteCount ?? 0)
            let (end, o) = info.offset.addingReportingOverflow(bytes)
            guard !o, end <= dataBytes else {
                throw .tensorOutOfBounds(file: file, name: info.name, offset: info.offset, bytes: bytes, fileSize: fileSize)
            }
        }
        let sized = infos.filter { $0.byteCount != nil }.sorted { $0.offset < $1.offset }
        for (a, b) in zip(sized, sized.dropFirst()) where a.offset + UInt64(a.byteCount!) > b.offset {
            throw .overlappingTensors(file: file, first: a.name, second: b.name)
        }
        self.tensors = infos
    }

    private static func readValue(
        _ type: GGUFValueType, key: String, depth: Int, file: MappedFile, cursor c: inout ByteCursor
    ) throws(GGUFError) -> GGUFValue {
        switch type {
        case .uint8: return .uint8(try c.read(UInt8.self))
        case .int8: return .int8(try c.read(Int8.self))
        case .uint16: return .uint16(try c.read(UInt16.self))
        case .int16: return .int16(try c.read(Int16.self))
        case .uint32: return .uint32(try c.read(UInt32.self))
        case .int32: return .int32(try c.read(Int32.self))
        case .float32: return .float32(Float(bitPattern: try c.read(UInt32.self)))
        case .uint64: return .uint64(try c.read(UInt64.self))
        case .int64: return .int64(try c.read(Int64.self))
        case .float64: return .float64(Double(bitPattern: try c.read(UInt64.self)))
        case .string: return .string(try c.readString())
        case .bool:
            let off = c.offset
            let b = try c.read(UInt8.self)
            guard b <= 1 else { throw .invalidMetadata(file: c.file, key: key, reason: "bool at offset \(off) has value \(b)") }
            return .bool(b == 1)
        case .array:
            let start = c.offset
            guard depth < maxArrayDepth else { throw .nestingTooDeep(file: c.file, offset: start, key: key) }
            let raw = try c.read(UInt32.self)
            guard let elementType = GGUFValueType(rawValue: raw) else {
                throw .invalidValueType(file: c.file, offset: start, key: key, rawValue: raw)
            }
            let countOffset = c.offset
            let count = try c.read(UInt64.self)
            guard count <= UInt64(c.remaining / elementType.minimumEncodedSize) else {
                throw .countTooLarge(file: c.file, offset: countOffset, field: "array length of '\(key.abbreviatedForMessage())'", count: count)
            }
            return .array(try GGUFArray.read(elementType, count: Int(count), key: key, depth: depth, file: file, cursor: &c))
        }
    }

    /// The table entry for `name`, or `nil`.
    public func tensorInfo(named name: String) -> GGUFTensorInfo? {
        tensors.first { $0.name == name }
    }

    /// The bytes of a tensor from this file's table (valid while this file lives); empty for
    /// a type ggml does not define, whose size is unknown.
    public func bytes(of info: GGUFTensorInfo) -> UnsafeRawBufferPointer {
        let start = dataOffset + Int(info.offset)
        return UnsafeRawBufferPointer(rebasing: mapping.bytes[start..<(start + (info.byteCount ?? 0))])
    }
}

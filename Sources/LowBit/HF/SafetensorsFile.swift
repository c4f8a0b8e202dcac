import Foundation

/// A safetensors file opened for reading: the JSON header's tensor table and a memory-mapped
/// data section. The header length is capped at ``maxHeaderBytes``, and every tensor's
/// `data_offsets` are checked against the data section, against its shape × dtype size and
/// for overlap with every other tensor before any tensor byte is touched.
///
/// Layout: `u64 n` (little-endian), `n` bytes of JSON
/// `{"NAME": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, …, "__metadata__": {..}}`,
/// then the data section; offsets are relative to its start.
public final class SafetensorsFile: @unchecked Sendable {
    /// One tensor's header entry.
    public struct TensorInfo: Sendable, Equatable {
        /// Tensor name as the checkpoint spells it (`model.layers.0.self_attn.q_proj.weight`).
        public var name: String
        /// Element type.
        public var dtype: SafetensorsDType
        /// Dimensions, outermost first (PyTorch order): a `[rows, cols]` matrix has rows of `cols`.
        public var shape: [Int]
        /// Byte offset of the data, relative to the data section.
        public var begin: Int
        /// Bytes of data.
        public var byteCount: Int

        /// Number of elements.
        public var elementCount: Int { shape.reduce(1, *) }
    }

    /// The longest header read (100 MB; safetensors' own limit).
    public static let maxHeaderBytes = 100_000_000
    /// The most dimensions a tensor may have.
    static let maxDims = 8

    /// The mapping that owns all tensor bytes.
    public let mapping: MappedFile
    /// Tensors, in data order.
    public let tensors: [TensorInfo]
    /// The header's `__metadata__` strings.
    public let metadata: [String: String]
    /// Absolute byte offset of the data section.
    public let dataOffset: Int
    private let byName: [String: Int]

    /// The path the file was opened from.
    public var path: String { mapping.path }

    /// Opens, maps and validates `path`.
    ///
    /// - Throws: ``SafetensorsError`` naming the file and what is wrong.
    public convenience init(path: String) throws(SafetensorsError) {
        let mapping: MappedFile
        do { mapping = try MappedFile(path: path) } catch {
            if case .cannotOpen(_, let reason) = error { throw .cannotOpen(file: path, reason: reason) }
            throw .cannotOpen(file: path, reason: error.description)
        }
        try self.init(mapping: mapping)
    }

    /// Validates the safetensors file in `mapping` (a mapped file, or bytes in memory).
    ///
    /// - Throws: ``SafetensorsError`` naming the file and what is wrong.
    public init(mapping: MappedFile) throws(SafetensorsError) {
        self.mapping = mapping
        let file = mapping.path
        let bytes = mapping.bytes
        guard bytes.count >= 8 else { throw .truncated(file: file, offset: bytes.count, needed: 8 - bytes.count) }
        var length: UInt64 = 0
        for i in 0..<8 { length |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        guard length <= UInt64(Self.maxHeaderBytes) else {
            throw .headerTooLarge(file: file, length: length, limit: Self.maxHeaderBytes)
        }
        let headerEnd = 8 + Int(length)
        guard headerEnd <= bytes.count else { throw .truncated(file: file, offset: bytes.count, needed: headerEnd - bytes.count) }
        guard length >= 2, bytes[8] == UInt8(ascii: "{") else {
            throw .invalidHeader(file: file, reason: "the header does not start with '{'")
        }
        let header = Data(UnsafeRawBufferPointer(rebasing: bytes[8..<headerEnd]))
        let parsed: Any
        do { parsed = try JSONSerialization.jsonObject(with: header) } catch {
            throw .invalidHeader(file: file, reason: "not JSON (\(error.localizedDescription.abbreviatedForMessage()))")
        }
        guard let object = parsed as? [String: Any] else { throw .invalidHeader(file: file, reason: "not a JSON object") }
        dataOffset = headerEnd
        let dataSize = bytes.count - headerEnd

        var metadata: [String: String] = [:]
        if let raw = object["__metadata__"] {
            guard let dict = raw as? [String: Any] else {
                throw .invalidField(file: file, tensor: "__metadata__", field: "__metadata__", reason: "is not an object")
            }
            for (k, v) in dict {
                guard let s = v as? String else {
                    throw .invalidField(file: file, tensor: "__metadata__", field: k, reason: "is not a string")
                }
                metadata[k] = s
            }
        }
        self.metadata = metadata

        var infos: [TensorInfo] = []
        infos.reserveCapacity(object.count)
        for (name, raw) in object where name != "__metadata__" {
            infos.append(try Self.entry(name: name, raw, file: file, dataSize: dataSize))
        }
        infos.sort { ($0.begin, $0.begin + $0.byteCount, $0.name) < ($1.begin, $1.begin + $1.byteCount, $1.name) }
        var last: TensorInfo?
        for info in infos where info.byteCount > 0 {
            if let last, last.begin + last.byteCount > info.begin {
                throw .overlappingTensors(file: file, first: last.name, second: info.name)
            }
            last = info
        }
        tensors = infos
        byName = Dictionary(uniqueKeysWithValues: infos.enumerated().map { ($1.name, $0) })
    }

    private static func entry(name: String, _ raw: Any, file: String, dataSize: Int) throws(SafetensorsError) -> TensorInfo {
        guard let dict = raw as? [String: Any] else {
            throw .invalidField(file: file, tensor: name, field: "(entry)", reason: "is not an object")
        }
        guard let dtypeName = dict["dtype"] as? String else {
            throw .invalidField(file: file, tensor: name, field: "dtype", reason: "is missing or not a string")
        }
        guard let dtype = SafetensorsDType(rawValue: dtypeName) else {
            throw .invalidField(file: file, tensor: name, field: "dtype",
                                reason: "'\(dtypeName.abbreviatedForMessage())' is not a safetensors dtype")
        }
        guard let rawShape = dict["shape"] as? [Any] else {
            throw .invalidField(file: file, tensor: name, field: "shape", reason: "is missing or not an array")
        }
        guard rawShape.count <= maxDims else {
            throw .invalidField(file: file, tensor: name, field: "shape", reason: "has \(rawShape.count) dimensions (at most \(maxDims))")
        }
        var shape: [Int] = []
        var count = 1
        for d in rawShape {
            guard let n = exactInteger(d), n >= 0 else {
                throw .invalidField(file: file, tensor: name, field: "shape", reason: "holds \(String(describing: d).abbreviatedForMessage(40)), not a non-negative integer")
            }
            let (p, o) = count.multipliedReportingOverflow(by: n)
            guard !o, p <= Int.max / 64 else {
                throw .invalidField(file: file, tensor: name, field: "shape", reason: "element count overflows")
            }
            count = p
            shape.append(n)
        }
        guard let offsets = dict["data_offsets"] as? [Any], offsets.count == 2,
              let begin = exactInteger(offsets[0]), let end = exactInteger(offsets[1]), begin >= 0, end >= 0 else {
            throw .invalidField(file: file, tensor: name, field: "data_offsets", reason: "is not a pair of non-negative integers")
        }
        guard begin <= end, end <= dataSize else {
            throw .tensorOutOfBounds(file: file, tensor: name, begin: UInt64(begin), end: UInt64(end), dataSize: dataSize)
        }
        guard let expected = dtype.byteCount(elements: count), expected == end - begin else {
            throw .sizeMismatch(file: file, tensor: name, shape: shape, dtype: dtype.rawValue,
                                expectedBytes: dtype.byteCount(elements: count) ?? -1, foundBytes: end - begin)
        }
        return TensorInfo(name: name, dtype: dtype, shape: shape, begin: begin, byteCount: expected)
    }

    /// An integer JSON number (not a boolean, not a fraction, within `Int`), or `nil`.
    static func exactInteger(_ value: Any) -> Int? { JSONNumbers.exactInteger(value) }

    /// The entry of the tensor called `name`, or `nil`.
    public func info(named name: String) -> TensorInfo? { byName[name].map { tensors[$0] } }

    /// The bytes of a tensor from this file's table (valid while this file lives).
    public func bytes(of info: TensorInfo) -> UnsafeRawBufferPointer {
        let start = dataOffset + info.begin
        return UnsafeRawBufferPointer(rebasing: mapping.bytes[start..<(start + info.byteCount)])
    }
}


/// A GGUF metadata array, stored the way GGUF encodes it: one contiguous buffer of
/// little-endian elements (strings as u64 length + UTF-8 bytes, nested arrays as type + count +
/// elements), plus a table of where each element starts when the size varies.
///
/// An array read from a file is a validated view into the file's mapping, so reading a
/// metadata array copies nothing; an array built in code owns its buffer. Either way an
/// element costs its encoded size (plus 4 bytes of start offset for strings and nested
/// arrays), never a boxed value per element.
///
/// ```swift
/// let tokens = md["tokenizer.ggml.tokens"]?.arrayValue?.strings   // [String]?
/// let scores = md["tokenizer.ggml.scores"]?.arrayValue?.floats    // [Float]?
/// let a = GGUFArray([1, 2, 3] as [Int32])                          // [int32] × 3
/// a[1]                                                             // .int32(2)
/// ```
///
/// Arrays compare equal when their element types and encodings are equal, so floats compare
/// bit for bit (a NaN equals the same NaN; `0.0` and `-0.0` differ).
public struct GGUFArray: Sendable, Equatable {
    /// The type of every element.
    public let elementType: GGUFValueType
    /// Number of elements.
    public let count: Int
    /// The encoded elements.
    let bytes: EncodedBytes
    /// Where each element starts in ``bytes``.
    let starts: ElementStarts

    init(elementType: GGUFValueType, count: Int, bytes: EncodedBytes, starts: ElementStarts) {
        self.elementType = elementType
        self.count = count
        self.bytes = bytes
        self.starts = starts
    }

    public static func == (a: GGUFArray, b: GGUFArray) -> Bool {
        guard a.elementType == b.elementType, a.count == b.count, a.bytes.count == b.bytes.count else { return false }
        return a.bytes.withUnsafeBytes { x in b.bytes.withUnsafeBytes { y in x.elementsEqual(y) } }
    }

    /// Calls `body` with the elements exactly as GGUF encodes them (what a writer copies).
    public func withEncodedElements<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try bytes.withUnsafeBytes(body)
    }

    /// Size of the encoded elements in bytes.
    public var encodedByteCount: Int { bytes.count }
}

// MARK: - Elements

extension GGUFArray: RandomAccessCollection {
    public var startIndex: Int { 0 }
    public var endIndex: Int { count }

    /// The element at `position` (`0..<count`; out of range is a programmer error, as for
    /// `Array`). Nested arrays are views of the same buffer; finding their elements walks them
    /// once.
    public subscript(position: Int) -> GGUFValue {
        precondition(position >= 0 && position < count, "GGUFArray index \(position) out of range 0..<\(count)")
        let offset = starts[position]
        return bytes.withUnsafeBytes { b in
            switch elementType {
            case .uint8: .uint8(b[offset])
            case .int8: .int8(Int8(bitPattern: b[offset]))
            case .uint16: .uint16(b.loadLE(UInt16.self, at: offset))
            case .int16: .int16(b.loadLE(Int16.self, at: offset))
            case .uint32: .uint32(b.loadLE(UInt32.self, at: offset))
            case .int32: .int32(b.loadLE(Int32.self, at: offset))
            case .uint64: .uint64(b.loadLE(UInt64.self, at: offset))
            case .int64: .int64(b.loadLE(Int64.self, at: offset))
            case .float32: .float32(Float(bitPattern: b.loadLE(UInt32.self, at: offset)))
            case .float64: .float64(Double(bitPattern: b.loadLE(UInt64.self, at: offset)))
            case .bool: .bool(b[offset] != 0)
            case .string: .string(String(decoding: b.stringBytes(at: offset), as: UTF8.self))
            case .array: .array(Self.nested(in: b, at: offset, of: bytes).array)
            }
        }
    }

    /// The validated nested array encoded at `offset` of `b` (the contents of `owner`), and
    /// the offset just past it.
    static func nested(in b: UnsafeRawBufferPointer, at offset: Int, of owner: EncodedBytes) -> (array: GGUFArray, end: Int) {
        let type = GGUFValueType(rawValue: b.loadLE(UInt32.self, at: offset)) ?? .uint8
        let count = Int(b.loadLE(UInt64.self, at: offset + 4))
        let first = offset + 12
        let starts: ElementStarts
        var end = first
        if let size = type.fixedSize {
            starts = .fixed(stride: size)
            end += count * size
        } else {
            var builder = ElementStarts.Builder(capacity: count, span: b.count - first)
            for _ in 0..<count {
                builder.append(end - first)
                end = skip(type, in: b, at: end)
            }
            starts = builder.finish()
        }
        return (GGUFArray(elementType: type, count: count, bytes: owner.slice(first..<end), starts: starts), end)
    }

    /// The offset just past the validated value of `type` encoded at `offset`.
    static func skip(_ type: GGUFValueType, in b: UnsafeRawBufferPointer, at offset: Int) -> Int {
        if let size = type.fixedSize { return offset + size }
        if type == .string { return offset + 8 + Int(b.loadLE(UInt64.self, at: offset)) }
        let elementType = GGUFValueType(rawValue: b.loadLE(UInt32.self, at: offset)) ?? .uint8
        let count = Int(b.loadLE(UInt64.self, at: offset + 4))
        var end = offset + 12
        if let size = elementType.fixedSize { return end + count * size }
        for _ in 0..<count { end = skip(elementType, in: b, at: end) }
        return end
    }
}

// MARK: - Typed bulk access

extension GGUFArray {
    /// The elements when they are strings, else `nil`.
    public var strings: [String]? {
        guard elementType == .string else { return nil }
        return bytes.withUnsafeBytes { b in
            var out: [String] = []
            out.reserveCapacity(count)
            var offset = 0
            for _ in 0..<count {
                let s = b.stringBytes(at: offset)
                out.append(String(decoding: s, as: UTF8.self))
                offset += 8 + s.count
            }
            return out
        }
    }

    /// The elements when they are integers that all fit an `Int`, else `nil`.
    public var integers: [Int]? {
        guard elementType.isInteger else { return nil }
        var out: [Int] = []
        out.reserveCapacity(count)
        for v in self {
            guard let i = v.intValue else { return nil }
            out.append(i)
        }
        return out
    }

    /// The elements as `Double` when they are numbers (integers or floats), else `nil`.
    public var doubles: [Double]? {
        guard elementType.isInteger || elementType == .float32 || elementType == .float64 else { return nil }
        return map { $0.doubleValue ?? 0 }
    }

    /// The elements as `Float` when they are numbers, else `nil`. `float32` elements are
    /// copied bit for bit; other numbers go through `Double`.
    public var floats: [Float]? {
        guard elementType == .float32 else { return doubles?.map(Float.init) }
        return bytes.withUnsafeBytes { b in
            (0..<count).map { Float(bitPattern: b.loadLE(UInt32.self, at: 4 * $0)) }
        }
    }

    /// The elements when they are bools, else `nil`.
    public var bools: [Bool]? {
        guard elementType == .bool else { return nil }
        return bytes.withUnsafeBytes { b in b.map { $0 != 0 } }
    }

    /// A rendering bounded in length whatever the array: its element type, count and first
    /// `elements` elements (nested arrays show a quarter as many of theirs).
    public func abbreviated(elements: Int = 8) -> String {
        let shown = prefix(Swift.max(0, elements)).map { $0.abbreviated(elements: elements / 4) }
        let more = count > shown.count ? (shown.isEmpty ? "…" : ", …") : ""
        return "[\(elementType)] × \(count): [\(shown.joined(separator: ", "))\(more)]"
    }
}

// MARK: - Building arrays in code

/// A fixed-size GGUF value type that ``GGUFArray`` can be built from.
public protocol GGUFScalar: Sendable {
    /// The GGUF type tag of this Swift type.
    static var ggufType: GGUFValueType { get }
    /// The value as a ``GGUFValue``.
    var ggufValue: GGUFValue { get }
}

extension UInt8: GGUFScalar { public static var ggufType: GGUFValueType { .uint8 }; public var ggufValue: GGUFValue { .uint8(self) } }
extension Int8: GGUFScalar { public static var ggufType: GGUFValueType { .int8 }; public var ggufValue: GGUFValue { .int8(self) } }
extension UInt16: GGUFScalar { public static var ggufType: GGUFValueType { .uint16 }; public var ggufValue: GGUFValue { .uint16(self) } }
extension Int16: GGUFScalar { public static var ggufType: GGUFValueType { .int16 }; public var ggufValue: GGUFValue { .int16(self) } }
extension UInt32: GGUFScalar { public static var ggufType: GGUFValueType { .uint32 }; public var ggufValue: GGUFValue { .uint32(self) } }
extension Int32: GGUFScalar { public static var ggufType: GGUFValueType { .int32 }; public var ggufValue: GGUFValue { .int32(self) } }
extension UInt64: GGUFScalar { public static var ggufType: GGUFValueType { .uint64 }; public var ggufValue: GGUFValue { .uint64(self) } }
extension Int64: GGUFScalar { public static var ggufType: GGUFValueType { .int64 }; public var ggufValue: GGUFValue { .int64(self) } }
extension Float: GGUFScalar { public static var ggufType: GGUFValueType { .float32 }; public var ggufValue: GGUFValue { .float32(self) } }
extension Double: GGUFScalar { public static var ggufType: GGUFValueType { .float64 }; public var ggufValue: GGUFValue { .float64(self) } }
extension Bool: GGUFScalar { public static var ggufType: GGUFValueType { .bool }; public var ggufValue: GGUFValue { .bool(self) } }

extension GGUFArray {
    /// An array of fixed-size values, e.g. `GGUFArray(scores)` for `[Float]`.
    public init<T: GGUFScalar>(_ values: [T]) {
        var encoded: [UInt8]
        if UInt16(1).littleEndian == 1, MemoryLayout<T>.stride == T.ggufType.minimumEncodedSize {
            // These types are stored natively as GGUF stores them (Bool is one byte, 0 or 1).
            encoded = values.withUnsafeBytes { Array($0) }
        } else {
            encoded = []
            encoded.reserveCapacity(values.count * T.ggufType.minimumEncodedSize)
            for v in values { v.ggufValue.appendEncoding(to: &encoded) }
        }
        self.init(elementType: T.ggufType, count: values.count, bytes: EncodedBytes(encoded),
                  starts: .fixed(stride: T.ggufType.minimumEncodedSize))
    }

    /// An array of strings.
    public init(_ strings: [String]) {
        self.init(encoding: strings.map { .string($0) }, as: .string)
    }

    /// An array of arrays (each with its own element type, as GGUF allows).
    public init(_ arrays: [GGUFArray]) {
        self.init(encoding: arrays.map { .array($0) }, as: .array)
    }

    /// An array of `elementType` holding `elements`, or `nil` when an element has another type.
    public init?(_ elementType: GGUFValueType, _ elements: [GGUFValue]) {
        guard elements.allSatisfy({ $0.type == elementType }) else { return nil }
        self.init(encoding: elements, as: elementType)
    }

    /// Encodes `elements`, all of type `elementType`.
    private init(encoding elements: [GGUFValue], as elementType: GGUFValueType) {
        let total = elements.reduce(0) { $0 + $1.encodedSize }
        var encoded: [UInt8] = []
        encoded.reserveCapacity(total)
        let variable = elementType.fixedSize == nil
        var builder = ElementStarts.Builder(capacity: variable ? elements.count : 0, span: total)
        for e in elements {
            if variable { builder.append(encoded.count) }
            e.appendEncoding(to: &encoded)
        }
        self.init(elementType: elementType, count: elements.count, bytes: EncodedBytes(encoded),
                  starts: elementType.fixedSize.map { .fixed(stride: $0) } ?? builder.finish())
    }
}

extension GGUFValue {
    /// Appends the value's GGUF encoding (without its type tag).
    func appendEncoding(to out: inout [UInt8]) {
        func le<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) } }
        switch self {
        case let .uint8(x): out.append(x)
        case let .int8(x): out.append(UInt8(bitPattern: x))
        case let .uint16(x): le(x)
        case let .int16(x): le(x)
        case let .uint32(x): le(x)
        case let .int32(x): le(x)
        case let .uint64(x): le(x)
        case let .int64(x): le(x)
        case let .float32(x): le(x.bitPattern)
        case let .float64(x): le(x.bitPattern)
        case let .bool(x): out.append(x ? 1 : 0)
        case let .string(s):
            le(UInt64(s.utf8.count))
            out.append(contentsOf: s.utf8)
        case let .array(a):
            le(a.elementType.rawValue)
            le(UInt64(a.count))
            a.withEncodedElements { out.append(contentsOf: $0) }
        }
    }

    /// Size of ``appendEncoding(to:)``'s output.
    var encodedSize: Int {
        switch self {
        case let .string(s): 8 + s.utf8.count
        case let .array(a): 12 + a.encodedByteCount
        default: type.minimumEncodedSize
        }
    }
}

// MARK: - Storage

/// A range of bytes owned by a heap buffer or by a mapped file.
struct EncodedBytes: Sendable {
    enum Owner: Sendable {
        case heap([UInt8])
        case file(MappedFile)
    }

    let owner: Owner
    let range: Range<Int>

    init(_ heap: [UInt8]) {
        owner = .heap(heap)
        range = 0..<heap.count
    }

    init(file: MappedFile, range: Range<Int>) {
        owner = .file(file)
        self.range = range
    }

    private init(owner: Owner, range: Range<Int>) {
        self.owner = owner
        self.range = range
    }

    var count: Int { range.count }

    /// The sub-range `r`, relative to this range.
    func slice(_ r: Range<Int>) -> EncodedBytes {
        EncodedBytes(owner: owner, range: (range.lowerBound + r.lowerBound)..<(range.lowerBound + r.upperBound))
    }

    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        switch owner {
        case let .heap(a): try a.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[range])) }
        case let .file(f): try body(UnsafeRawBufferPointer(rebasing: f.bytes[range]))
        }
    }
}

/// Start offsets of an array's elements within its encoded bytes.
enum ElementStarts: Sendable {
    /// Every element has the same size.
    case fixed(stride: Int)
    /// Offsets of arrays under 4 GiB.
    case narrow([UInt32])
    /// Offsets of larger arrays.
    case wide([Int])

    subscript(i: Int) -> Int {
        switch self {
        case let .fixed(stride): i * stride
        case let .narrow(o): Int(o[i])
        case let .wide(o): o[i]
        }
    }

    /// Collects offsets, 4 bytes each when `span` (the largest possible offset) allows.
    struct Builder {
        private var narrow: [UInt32] = []
        private var wide: [Int] = []
        private let isNarrow: Bool

        init(capacity: Int, span: Int) {
            isNarrow = span <= Int(UInt32.max)
            if isNarrow { narrow.reserveCapacity(capacity) } else { wide.reserveCapacity(capacity) }
        }

        mutating func append(_ offset: Int) {
            if isNarrow { narrow.append(UInt32(truncatingIfNeeded: offset)) } else { wide.append(offset) }
        }

        func finish() -> ElementStarts { isNarrow ? .narrow(narrow) : .wide(wide) }
    }
}

extension UnsafeRawBufferPointer {
    /// A little-endian integer at `offset` (the caller has checked the bounds).
    @inline(__always)
    func loadLE<T: FixedWidthInteger>(_: T.Type, at offset: Int) -> T {
        T(littleEndian: loadUnaligned(fromByteOffset: offset, as: T.self))
    }

    // Concrete forms for other files: without whole-module optimization (debug builds) a
    // generic from another file is not specialized, and costs a metadata lookup per call.
    func u16LE(at offset: Int) -> UInt16 { loadLE(UInt16.self, at: offset) }
    func u32LE(at offset: Int) -> UInt32 { loadLE(UInt32.self, at: offset) }
    func u64LE(at offset: Int) -> UInt64 { loadLE(UInt64.self, at: offset) }

    /// The UTF-8 bytes of the validated GGUF string at `offset`.
    @inline(__always)
    func stringBytes(at offset: Int) -> UnsafeRawBufferPointer {
        let n = Int(loadLE(UInt64.self, at: offset))
        return UnsafeRawBufferPointer(rebasing: self[(offset + 8)..<(offset + 8 + n)])
    }
}

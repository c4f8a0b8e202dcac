/// The type tag of a GGUF metadata value.
public enum GGUFValueType: UInt32, Sendable {
    case uint8 = 0, int8 = 1, uint16 = 2, int16 = 3, uint32 = 4, int32 = 5, float32 = 6, bool = 7
    case string = 8, array = 9, uint64 = 10, int64 = 11, float64 = 12

    /// Smallest encoded size of one value of this type, used to bound counts before allocating.
    var minimumEncodedSize: Int {
        switch self {
        case .uint8, .int8, .bool: 1
        case .uint16, .int16: 2
        case .uint32, .int32, .float32: 4
        case .uint64, .int64, .float64, .string: 8
        case .array: 12
        }
    }
}

/// A GGUF metadata value. Arrays carry their element type and may nest.
public indirect enum GGUFValue: Sendable, Equatable {
    case uint8(UInt8), int8(Int8), uint16(UInt16), int16(Int16), uint32(UInt32), int32(Int32)
    case float32(Float), bool(Bool), string(String)
    case array(GGUFValueType, [GGUFValue])
    case uint64(UInt64), int64(Int64), float64(Double)

    /// The value's type tag.
    public var type: GGUFValueType {
        switch self {
        case .uint8: .uint8
        case .int8: .int8
        case .uint16: .uint16
        case .int16: .int16
        case .uint32: .uint32
        case .int32: .int32
        case .float32: .float32
        case .bool: .bool
        case .string: .string
        case .array: .array
        case .uint64: .uint64
        case .int64: .int64
        case .float64: .float64
        }
    }

    /// The value as an `Int` when it is an integer that fits.
    public var intValue: Int? {
        switch self {
        case let .uint8(v): Int(v)
        case let .int8(v): Int(v)
        case let .uint16(v): Int(v)
        case let .int16(v): Int(v)
        case let .uint32(v): Int(v)
        case let .int32(v): Int(v)
        case let .uint64(v): Int(exactly: v)
        case let .int64(v): Int(exactly: v)
        default: nil
        }
    }

    /// The value as a `Double` when it is numeric.
    public var doubleValue: Double? {
        switch self {
        case let .float32(v): Double(v)
        case let .float64(v): v
        default: intValue.map(Double.init)
        }
    }

    /// The value when it is a string.
    public var stringValue: String? {
        if case let .string(s) = self { return s }
        return nil
    }

    /// The value when it is a bool.
    public var boolValue: Bool? {
        if case let .bool(b) = self { return b }
        return nil
    }

    /// The elements when the value is an array.
    public var arrayValue: [GGUFValue]? {
        if case let .array(_, a) = self { return a }
        return nil
    }

    /// A short rendering for messages and listings, bounded in length whatever the value:
    /// strings are cut at 120 characters, arrays show their element type, count and first
    /// `elements` elements.
    public func abbreviated(elements: Int = 8) -> String {
        switch self {
        case let .string(s): return "\"\(s.count > 120 ? String(s.prefix(120)) + "…" : s)\""
        case let .array(t, xs):
            let head = xs.prefix(elements).map { $0.abbreviated(elements: 2) }.joined(separator: ", ")
            return "[\(t)] × \(xs.count): [\(head)\(xs.count > elements ? ", …" : "")]"
        case let .bool(b): return String(b)
        case let .float32(f): return String(f)
        case let .float64(f): return String(f)
        default: return intValue.map(String.init) ?? "?"
        }
    }

    /// A Foundation-compatible JSON object (numbers, strings, bools, arrays).
    public var jsonObject: Any {
        switch self {
        case let .string(s): s
        case let .bool(b): b
        case let .float32(f): f.isFinite ? Double(f) as Any : String(describing: f) as Any
        case let .float64(f): f.isFinite ? f as Any : String(describing: f) as Any
        case let .array(_, a): a.map(\.jsonObject)
        case let .uint64(v): v
        case let .int64(v): v
        default: intValue ?? 0
        }
    }
}

/// GGUF metadata: key/value pairs in file order, with lookup by key.
public struct GGUFMetadata: Sendable, Equatable {
    /// Entries in file order.
    public private(set) var entries: [(key: String, value: GGUFValue)]
    private var index: [String: Int]

    /// Creates empty metadata.
    public init() {
        entries = []
        index = [:]
    }

    /// The value for `key`, or `nil`. Setting replaces in place or appends.
    public subscript(key: String) -> GGUFValue? {
        get { index[key].map { entries[$0].value } }
        set {
            if let i = index[key] {
                if let v = newValue {
                    entries[i].value = v
                } else {
                    entries.remove(at: i)
                    index = Dictionary(uniqueKeysWithValues: entries.enumerated().map { ($1.key, $0) })
                }
            } else if let v = newValue {
                index[key] = entries.count
                entries.append((key, v))
            }
        }
    }

    /// Whether `key` is present.
    public func contains(_ key: String) -> Bool { index[key] != nil }

    public static func == (a: GGUFMetadata, b: GGUFMetadata) -> Bool {
        a.entries.count == b.entries.count && zip(a.entries, b.entries).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}

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

    /// Encoded size of every value of this type, or `nil` for strings and arrays, whose size
    /// varies.
    var fixedSize: Int? {
        switch self {
        case .string, .array: nil
        default: minimumEncodedSize
        }
    }

    /// Whether values of this type are integers.
    var isInteger: Bool {
        switch self {
        case .uint8, .int8, .uint16, .int16, .uint32, .int32, .uint64, .int64: true
        default: false
        }
    }
}

/// A GGUF metadata value. Arrays are ``GGUFArray``s: one compact buffer in GGUF's own
/// encoding, not one boxed value per element.
///
/// Values compare as GGUF encodes them: floats bit for bit, so a NaN read back equals the NaN
/// written, and `0.0` differs from `-0.0`; strings byte for byte, not by Swift's canonical
/// equivalence (as in ``GGUFArray``).
public enum GGUFValue: Sendable, Equatable {
    case uint8(UInt8), int8(Int8), uint16(UInt16), int16(Int16), uint32(UInt32), int32(Int32)
    case float32(Float), bool(Bool), string(String)
    indirect case array(GGUFArray)
    case uint64(UInt64), int64(Int64), float64(Double)

    public static func == (a: GGUFValue, b: GGUFValue) -> Bool {
        switch (a, b) {
        case let (.uint8(x), .uint8(y)): x == y
        case let (.int8(x), .int8(y)): x == y
        case let (.uint16(x), .uint16(y)): x == y
        case let (.int16(x), .int16(y)): x == y
        case let (.uint32(x), .uint32(y)): x == y
        case let (.int32(x), .int32(y)): x == y
        case let (.uint64(x), .uint64(y)): x == y
        case let (.int64(x), .int64(y)): x == y
        case let (.float32(x), .float32(y)): x.bitPattern == y.bitPattern
        case let (.float64(x), .float64(y)): x.bitPattern == y.bitPattern
        case let (.bool(x), .bool(y)): x == y
        case let (.string(x), .string(y)): x.utf8.elementsEqual(y.utf8)
        case let (.array(x), .array(y)): x == y
        default: false
        }
    }

    /// An array of `elementType` holding `elements`, for metadata built in code.
    ///
    /// Every element must have type `elementType` (a programmer error otherwise).
    public static func array(_ elementType: GGUFValueType, _ elements: [GGUFValue]) -> GGUFValue {
        guard let a = GGUFArray(elementType, elements) else {
            preconditionFailure("GGUFValue.array: an element's type is not \(elementType)")
        }
        return .array(a)
    }

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

    /// The array when the value is one: a random-access collection of ``GGUFValue`` with
    /// typed bulk accessors (``GGUFArray/strings``, ``GGUFArray/floats``, …).
    public var arrayValue: GGUFArray? {
        if case let .array(a) = self { return a }
        return nil
    }

    /// A short rendering for messages and listings, bounded in length whatever the value:
    /// strings are cut at 120 Unicode scalars, arrays show their element type, count and first
    /// `elements` elements (nested arrays a quarter as many).
    public func abbreviated(elements: Int = 8) -> String {
        switch self {
        case let .string(s): return "\"\(s.abbreviatedForMessage())\""
        case let .array(a): return a.abbreviated(elements: elements)
        case let .bool(b): return String(b)
        case let .float32(f): return String(f)
        case let .float64(f): return String(f)
        case let .uint64(v): return String(v)
        case let .int64(v): return String(v)
        default: return String(intValue ?? 0)
        }
    }
}

extension String {
    /// This string cut to at most `limit` Unicode scalars, with `…` when cut. Counts scalars,
    /// not characters, so one huge grapheme cluster (a letter with a million combining marks)
    /// is cut too; the work is bounded by `limit`, not by the string's length.
    func abbreviatedForMessage(_ limit: Int = 120) -> String {
        var scalars = unicodeScalars.makeIterator()
        var head = String.UnicodeScalarView()
        for _ in 0..<limit {
            guard let s = scalars.next() else { return self }
            head.append(s)
        }
        return scalars.next() == nil ? self : String(head) + "…"
    }
}

/// A tensor element type, identified by its ggml type id as stored in GGUF files.
///
/// Any id is representable, so a reader can keep a tensor whose type it cannot compute with.
/// ``layout`` gives ggml's block geometry for every id ggml defines (as its `type_traits`
/// table does: name, block size, bytes per block); ``traits`` gives what LowBit can compute
/// with, for the ids listed in ``TypeTraits/table``.
///
/// Block types pack `blockSize` consecutive weights of a row into `bytesPerBlock` bytes;
/// rows of a block type hold a whole number of blocks.
public struct GGMLType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The ggml type id.
    public let rawValue: UInt32

    /// The type with ggml id `rawValue`, known to ggml or not.
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let f32 = GGMLType(rawValue: 0)
    public static let f16 = GGMLType(rawValue: 1)
    public static let q4_0 = GGMLType(rawValue: 2)
    public static let q4_1 = GGMLType(rawValue: 3)
    public static let q5_0 = GGMLType(rawValue: 6)
    public static let q5_1 = GGMLType(rawValue: 7)
    public static let q8_0 = GGMLType(rawValue: 8)
    public static let q8_1 = GGMLType(rawValue: 9)
    public static let q2_K = GGMLType(rawValue: 10)
    public static let q3_K = GGMLType(rawValue: 11)
    public static let q4_K = GGMLType(rawValue: 12)
    public static let q5_K = GGMLType(rawValue: 13)
    public static let q6_K = GGMLType(rawValue: 14)
    public static let q8_K = GGMLType(rawValue: 15)
    public static let bf16 = GGMLType(rawValue: 30)

    /// ggml's block geometry of one type.
    public struct Layout: Sendable, Equatable {
        /// ggml's name (`q4_0`, `q4_K`, `bf16`, …).
        public let name: String
        /// Elements per block (1 for scalar types).
        public let blockSize: Int
        /// Bytes per block.
        public let bytesPerBlock: Int
    }

    /// Every type id ggml defines (ggml.h `enum ggml_type`), with its `type_traits` geometry.
    /// Ids 4, 5 and 31–33, 36–38 were removed from ggml and are not listed.
    static let layouts: [UInt32: Layout] = [
        0: Layout(name: "f32", blockSize: 1, bytesPerBlock: 4),
        1: Layout(name: "f16", blockSize: 1, bytesPerBlock: 2),
        2: Layout(name: "q4_0", blockSize: 32, bytesPerBlock: 18),
        3: Layout(name: "q4_1", blockSize: 32, bytesPerBlock: 20),
        6: Layout(name: "q5_0", blockSize: 32, bytesPerBlock: 22),
        7: Layout(name: "q5_1", blockSize: 32, bytesPerBlock: 24),
        8: Layout(name: "q8_0", blockSize: 32, bytesPerBlock: 34),
        9: Layout(name: "q8_1", blockSize: 32, bytesPerBlock: 36),
        10: Layout(name: "q2_K", blockSize: 256, bytesPerBlock: 84),
        11: Layout(name: "q3_K", blockSize: 256, bytesPerBlock: 110),
        12: Layout(name: "q4_K", blockSize: 256, bytesPerBlock: 144),
        13: Layout(name: "q5_K", blockSize: 256, bytesPerBlock: 176),
        14: Layout(name: "q6_K", blockSize: 256, bytesPerBlock: 210),
        15: Layout(name: "q8_K", blockSize: 256, bytesPerBlock: 292),
        16: Layout(name: "iq2_xxs", blockSize: 256, bytesPerBlock: 66),
        17: Layout(name: "iq2_xs", blockSize: 256, bytesPerBlock: 74),
        18: Layout(name: "iq3_xxs", blockSize: 256, bytesPerBlock: 98),
        19: Layout(name: "iq1_s", blockSize: 256, bytesPerBlock: 50),
        20: Layout(name: "iq4_nl", blockSize: 32, bytesPerBlock: 18),
        21: Layout(name: "iq3_s", blockSize: 256, bytesPerBlock: 110),
        22: Layout(name: "iq2_s", blockSize: 256, bytesPerBlock: 82),
        23: Layout(name: "iq4_xs", blockSize: 256, bytesPerBlock: 136),
        24: Layout(name: "i8", blockSize: 1, bytesPerBlock: 1),
        25: Layout(name: "i16", blockSize: 1, bytesPerBlock: 2),
        26: Layout(name: "i32", blockSize: 1, bytesPerBlock: 4),
        27: Layout(name: "i64", blockSize: 1, bytesPerBlock: 8),
        28: Layout(name: "f64", blockSize: 1, bytesPerBlock: 8),
        29: Layout(name: "iq1_m", blockSize: 256, bytesPerBlock: 56),
        30: Layout(name: "bf16", blockSize: 1, bytesPerBlock: 2),
        34: Layout(name: "tq1_0", blockSize: 256, bytesPerBlock: 54),
        35: Layout(name: "tq2_0", blockSize: 256, bytesPerBlock: 66),
        39: Layout(name: "mxfp4", blockSize: 32, bytesPerBlock: 17),
        40: Layout(name: "nvfp4", blockSize: 64, bytesPerBlock: 36),
        41: Layout(name: "q1_0", blockSize: 128, bytesPerBlock: 18),
        42: Layout(name: "q2_0", blockSize: 64, bytesPerBlock: 18),
    ]

    /// ggml's geometry for this id, or `nil` when ggml defines no such type.
    public var layout: Layout? { Self.layouts[rawValue] }

    /// Whether ggml defines this id.
    public var isKnown: Bool { layout != nil }

    /// ggml's name, or `unknown(ID)` for an id ggml does not define.
    public var name: String { layout?.name ?? "unknown(\(rawValue))" }

    public var description: String { name }

    /// Creates a known type from its ggml name, in any case (`q4_0`, `Q4_K`, `f16`).
    public init?(name: String) {
        let lower = name.lowercased()
        guard let (id, _) = Self.layouts.first(where: { $0.value.name.lowercased() == lower }) else { return nil }
        self.init(rawValue: id)
    }

    /// Every type ggml defines, by id.
    public static var known: [GGMLType] { layouts.keys.sorted().map(GGMLType.init(rawValue:)) }

    /// Elements per block (1 for scalar types and for ids ggml does not define).
    public var blockSize: Int { layout?.blockSize ?? 1 }

    /// Bytes per block, or 0 for an id ggml does not define.
    public var bytesPerBlock: Int { layout?.bytesPerBlock ?? 0 }

    /// Bytes needed for `count` elements, or `nil` when the type is unknown, `count` is not a
    /// whole number of blocks, or the size overflows.
    public func byteCount(elements count: Int) -> Int? {
        guard let layout, count >= 0, count % layout.blockSize == 0 else { return nil }
        let (bytes, overflow) = (count / layout.blockSize).multipliedReportingOverflow(by: layout.bytesPerBlock)
        return overflow ? nil : bytes
    }
}

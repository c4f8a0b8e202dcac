import Kernels

/// A named precision: what `lowbit probe --precisions` sweeps and `lowbit quantize --type`
/// writes. It wraps one configured ``WeightScheme``; two precisions are the same when their
/// names are.
public struct Precision: Sendable, Hashable, CustomStringConvertible {
    public let scheme: any WeightScheme

    public init(_ scheme: any WeightScheme) { self.scheme = scheme }

    /// llama.cpp's round-to-nearest `type`.
    public init(_ type: GGMLType) { self.init(RoundToNearest(type)) }

    public var name: String { scheme.name }
    public var description: String { name }

    public static func == (a: Precision, b: Precision) -> Bool { a.name == b.name }
    public func hash(into h: inout Hasher) { h.combine(name) }

    /// Settings the paper's schemes take from the command line.
    public struct Options: Sendable, Equatable {
        /// bitsandbytes: quantize the absmax scales too (`--double-quant`).
        public var doubleQuant = false
        /// Quantize the output head as well (`--quantize-head`); bitsandbytes, GPTQ and AWQ keep it.
        public var quantizeHead = false
        /// GPTQ: quantize columns in order of decreasing Hessian diagonal (`--act-order`).
        public var actOrder = false

        public init(doubleQuant: Bool = false, quantizeHead: Bool = false, actOrder: Bool = false) {
            self.doubleQuant = doubleQuant
            self.quantizeHead = quantizeHead
            self.actOrder = actOrder
        }
    }

    /// One named precision and how to configure it.
    public struct Entry: Sendable {
        public let name: String
        /// What the name means, for help texts.
        public let summary: String
        let make: @Sendable (Options) -> any WeightScheme
    }

    /// Every named precision: each ggml type LowBit computes with (round to nearest), then the
    /// paper's schemes. A new scheme is one row here.
    public static let table: [Entry] = GGMLType.supported.map { t in
        Entry(name: t.name, summary: "llama.cpp round-to-nearest \(t.name)") { _ in RoundToNearest(t) }
    } + [
        Entry(name: "nf4", summary: "bitsandbytes NF4, absmax blocks of 64") {
            BitsAndBytes4Bit(.nf4, doubleQuant: $0.doubleQuant, quantizeHead: $0.quantizeHead)
        },
        Entry(name: "fp4", summary: "bitsandbytes FP4 (the paper's 4-bit), absmax blocks of 64") {
            BitsAndBytes4Bit(.fp4, doubleQuant: $0.doubleQuant, quantizeHead: $0.quantizeHead)
        },
        Entry(name: "int8", summary: "LLM.int8(): row-wise int8 weights, int8 activations with f16 outlier columns (|x| ≥ 6)") { _ in LLMInt8() },
        Entry(name: "gptq4", summary: "GPTQ 4-bit, groups of 128, damping 0.01") { GPTQ(bits: 4, actOrder: $0.actOrder) },
        Entry(name: "gptq3", summary: "GPTQ 3-bit, groups of 128, damping 0.01") { GPTQ(bits: 3, actOrder: $0.actOrder) },
        Entry(name: "gptq2", summary: "GPTQ 2-bit, groups of 128, damping 0.01") { GPTQ(bits: 2, actOrder: $0.actOrder) },
        Entry(name: "awq4", summary: "AWQ 4-bit, groups of 128 with zero points, 20-point scale search") { _ in AWQ(bits: 4) },
    ]

    /// The precision called `name` (case-insensitive), configured with `options`, or `nil`.
    public static func named(_ name: String, options: Options = Options()) -> Precision? {
        let lower = name.lowercased()
        return table.first { $0.name.lowercased() == lower }.map { Precision($0.make(options)) }
    }

    /// Every name ``named(_:options:)`` accepts.
    public static var names: [String] { table.map(\.name) }

    public static let f32 = Precision(GGMLType.f32)
    public static let f16 = Precision(GGMLType.f16)
    public static let bf16 = Precision(GGMLType.bf16)
    public static let q8_0 = Precision(GGMLType.q8_0)
    public static let q4_0 = Precision(GGMLType.q4_0)
    public static let q4_1 = Precision(GGMLType.q4_1)
}

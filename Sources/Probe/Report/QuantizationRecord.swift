import LowBit

/// How a probe cell's weights were quantized: the scheme and its settings, as recorded in the
/// report so that a cell can be reproduced and compared across quantizer families.
public struct QuantizationRecord: Codable, Equatable, Sendable {
    /// The scheme's name (`q4_0`, `nf4`, `gptq4`).
    public var scheme: String
    /// Its family (`ggml`, `bitsandbytes`, `llm.int8`, `gptq`, `awq`).
    public var family: String
    /// Bits per weight of its codes.
    public var bits: Int
    /// Weights per scale, or `nil` for a whole row or no quantization.
    public var groupSize: Int?
    /// Where the calibration activations came from, for schemes that use them.
    public var calibration: String?
    /// Whether activations were quantized at run time too.
    public var activationsQuantized: Bool
    /// The scheme's other settings (`double_quant`, `head`, `act_order`).
    public var settings: [String: String]

    public init(_ scheme: any WeightScheme, calibration: String?) {
        self.scheme = scheme.name
        family = scheme.family
        bits = scheme.bits
        groupSize = scheme.groupSize
        self.calibration = calibration
        activationsQuantized = scheme.quantizesActivations
        settings = scheme.settings
    }
}

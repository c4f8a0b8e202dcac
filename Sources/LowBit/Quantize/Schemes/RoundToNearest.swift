import Kernels

/// llama.cpp's round-to-nearest quantization to one ggml type for every matrix
/// (`llama-quantize --pure`, with its row-length fallback): ``Quantizer/quantize(_:to:keep:computeRMSE:pool:)``.
public struct RoundToNearest: WeightScheme {
    public let type: GGMLType

    public init(_ type: GGMLType) { self.type = type }

    public var name: String { type.name }
    /// Bits per weight including the block scales (4.5 for q4_0), rounded down.
    public var family: String { "ggml" }
    public var bits: Int {
        guard let layout = type.layout, layout.blockSize > 0 else { return 32 }
        return layout.bytesPerBlock * 8 / layout.blockSize
    }
    public var groupSize: Int? { type.blockSize > 1 ? type.blockSize : nil }
    public var settings: [String: String] { [:] }

    public func apply(to weights: ModelWeights, context: QuantizationContext) throws(QuantizationError) -> ModelWeights {
        do { return try Quantizer.quantize(weights, to: type, computeRMSE: false, pool: context.pool).weights }
        catch { throw .kernel(tensor: "(\(type.name))", error) }
    }
}

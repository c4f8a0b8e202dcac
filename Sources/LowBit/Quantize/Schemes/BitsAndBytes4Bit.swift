/// bitsandbytes' 4-bit weight quantization (`load_in_4bit`, QLoRA): NF4 or FP4 codes, one
/// absmax scale per block of 64 consecutive weights, rounded to the nearest code value
/// (REFERENCE §1: the paper's "4-bit").
///
/// ```
/// absmax_b = max |w| over block b          (64 weights, row-major, across rows if need be)
/// q_i      = nearest code to clamp(w_i / absmax_b, −1, 1)   (a tie goes to the lower code)
/// ŵ_i      = code[q_i] · absmax_b
/// ```
///
/// With double quantization (`bnb_4bit_use_double_quant`), the absmax values are themselves
/// quantized: their mean is subtracted, and the rest is quantized blockwise (blocks of 256)
/// with bitsandbytes' 8-bit dynamic map; dequantization adds the mean back. As in
/// `load_in_4bit`, the output head stays unquantized unless ``quantizeHead`` is set, and the
/// token embeddings are never quantized (they are not a linear layer).
///
/// The result is "fake-quant": f16 tensors equal to ``ŵ`` (bitsandbytes' f16 compute dtype).
public struct BitsAndBytes4Bit: WeightScheme {
    /// The two code books.
    public enum Kind: String, Sendable { case nf4, fp4 }

    public let kind: Kind
    /// Weights per absmax scale (bitsandbytes' default for 4-bit: 64).
    public var blockSize = 64
    /// Quantize the absmax scales too (8-bit, blocks of 256).
    public var doubleQuant = false
    /// Quantize the output head as well.
    public var quantizeHead = false

    public init(_ kind: Kind, doubleQuant: Bool = false, quantizeHead: Bool = false) {
        self.kind = kind
        self.doubleQuant = doubleQuant
        self.quantizeHead = quantizeHead
    }

    public var name: String { kind.rawValue }
    public var family: String { "bitsandbytes" }
    public var bits: Int { 4 }
    public var groupSize: Int? { blockSize }
    public var settings: [String: String] {
        ["code": kind.rawValue, "double_quant": "\(doubleQuant)", "head": quantizeHead ? "quantized" : "kept"]
    }

    var code: [Float] { kind == .nf4 ? BitsAndBytesCodes.nf4 : BitsAndBytesCodes.fp4 }

    /// ŵ for a flattened tensor (f32, before the f16 store).
    public func fakeQuantize(_ values: [Float]) -> [Float] {
        var (indices, absmax) = BitsAndBytesCodes.quantize(values, code: code, blockSize: blockSize)
        if doubleQuant { absmax = Self.doubleQuantized(absmax) }
        return BitsAndBytesCodes.dequantize(indices, absmax: absmax, code: code, blockSize: blockSize)
    }

    /// The absmax values after bitsandbytes' double quantization round trip.
    static func doubleQuantized(_ absmax: [Float]) -> [Float] {
        guard !absmax.isEmpty else { return absmax }
        let offset = Float(absmax.reduce(0.0) { $0 + Double($1) } / Double(absmax.count))
        let shifted = absmax.map { $0 - offset }
        let code = BitsAndBytesCodes.dynamic
        let (q, scale) = BitsAndBytesCodes.quantize(shifted, code: code, blockSize: 256)
        return BitsAndBytesCodes.dequantize(q, absmax: scale, code: code, blockSize: 256).map { $0 + offset }
    }

    public func apply(to weights: ModelWeights, context: QuantizationContext) throws(QuantizationError) -> ModelWeights {
        var out: [WeightTensor] = []
        for t in weights.tensors {
            guard FakeQuant.covers(t, head: quantizeHead) else { out.append(t); continue }
            out.append(try FakeQuant.tensor(like: t, values: fakeQuantize(try FakeQuant.values(t))))
        }
        return FakeQuant.result(weights, tensors: out, scheme: self, context: context)
    }
}

/// LLM.int8() (Dettmers et al. 2022; bitsandbytes' `load_in_8bit`), the paper's "8-bit":
/// every block matrix row-wise absmax int8, and at run time each linear layer's input
/// vector-wise int8 except the outlier columns (|x| ≥ 6), which are multiplied in f16
/// (``LLMInt8Activations``):
///
/// ```
/// ŵ_rc = round(w_rc · 127/max_c |w_rc|) · max_c |w_rc| / 127
/// ```
///
/// The weights are written as fake-quant f16 values; the activation rule is recorded in the
/// metadata (`lowbit.quantization.activation_scheme = llm.int8`, `…outlier_threshold`), and
/// the forward pass applies it to the inputs of every block matrix. The embeddings and the
/// output head stay as they are (`llm_int8_skip_modules`).
public struct LLMInt8: WeightScheme {
    /// The outlier threshold (bitsandbytes' `llm_int8_threshold`, default 6).
    public var threshold: Float = 6

    public init(threshold: Float = 6) { self.threshold = threshold }

    public var name: String { "int8" }
    public var family: String { "llm.int8" }
    public var bits: Int { 8 }
    public var groupSize: Int? { nil }
    public var quantizesActivations: Bool { true }
    public var settings: [String: String] { ["outlier_threshold": "\(threshold)", "activation_scheme": Self.activationScheme] }

    /// The metadata value that switches the forward pass to LLM.int8() activations.
    public static let activationScheme = "llm.int8"

    /// Row-wise absmax int8 of a `[rows, cols]` matrix, dequantized (f32) as bitsandbytes does.
    public static func fakeQuantize(matrix w: [Float], rows: Int, cols: Int) -> [Float] {
        var out = w
        for r in 0..<rows {
            var m: Float = 0
            for c in 0..<cols { m = max(m, abs(Float(Float16(w[r * cols + c])))) }
            let scale = 127 / m
            for c in 0..<cols {
                let i = r * cols + c
                out[i] = m == 0 ? 0 : (Float(Float16(w[i])) * scale).rounded(.toNearestOrEven) * m * 7.874015718698502e-3
            }
        }
        return out
    }

    public func apply(to weights: ModelWeights, context: QuantizationContext) throws(QuantizationError) -> ModelWeights {
        var out: [WeightTensor] = []
        for t in weights.tensors {
            guard LinearInput.of(tensor: t.name) != nil, FakeQuant.covers(t, head: false) else { out.append(t); continue }
            let values = try FakeQuant.values(t)
            out.append(try FakeQuant.tensor(like: t, values: Self.fakeQuantize(matrix: values, rows: t.rowCount, cols: t.rowLength)))
        }
        var result = FakeQuant.result(weights, tensors: out, scheme: self, context: context)
        result.metadata["lowbit.quantization.outlier_threshold"] = .float32(threshold)
        return result
    }
}

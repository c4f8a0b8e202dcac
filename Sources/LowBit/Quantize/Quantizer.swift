/// Converts a model's tensors to another weight type, in memory, following llama.cpp's
/// conventions: 1-D tensors (norm weights) stay f32; matrices take the requested type unless
/// `keep` names them; a matrix whose rows are not a whole number of blocks falls back to f16.
/// `lowbit quantize` writes the result; the probe runs it directly.
public enum Quantizer {
    /// What happened to one tensor.
    public struct TensorReport: Sendable, Equatable {
        public var name: String
        public var from: GGMLType
        public var to: GGMLType
        /// Root-mean-square difference between the source values and the result, in f32.
        public var rmse: Double
        /// Bytes after conversion.
        public var bytes: Int
    }

    /// Converts `weights` to `type`.
    ///
    /// - Parameters:
    ///   - weights: the source model (any supported types).
    ///   - type: the type for 2-D weight matrices.
    ///   - keep: tensor names mapped to the type they should have instead.
    ///   - computeRMSE: whether to measure each tensor's error (costs a second dequantization).
    /// - Returns: the converted weights (metadata updated with `general.file_type`) and one
    ///   report per tensor.
    public static func quantize(
        _ weights: ModelWeights, to type: GGMLType, keep: [String: GGMLType] = [:], computeRMSE: Bool = true
    ) throws(KernelError) -> (weights: ModelWeights, report: [TensorReport]) {
        var out: [WeightTensor] = []
        var report: [TensorReport] = []
        for t in weights.tensors {
            var target: GGMLType = t.shape.count >= 2 ? type : .f32
            if let k = keep[t.name] { target = k }
            if t.rowLength % target.blockSize != 0 { target = .f16 }
            if target == t.type {
                out.append(t)
                report.append(TensorReport(name: t.name, from: t.type, to: target, rmse: 0, bytes: t.storage.bytes.count))
                continue
            }
            let values = t.floats()
            let converted = try WeightTensor(name: t.name, type: target, shape: t.shape, values: values)
            var rmse = 0.0
            if computeRMSE {
                let back = converted.floats()
                var ss = 0.0
                for i in values.indices {
                    let d = Double(values[i]) - Double(back[i])
                    ss += d * d
                }
                rmse = values.isEmpty ? 0 : (ss / Double(values.count)).squareRoot()
            }
            out.append(converted)
            report.append(TensorReport(name: t.name, from: t.type, to: target, rmse: rmse, bytes: converted.storage.bytes.count))
        }
        var md = weights.metadata
        md["general.file_type"] = .uint32(QuantizationPreset.pure(type)?.fileType ?? 0)
        return (ModelWeights(metadata: md, tensors: out, source: "\(weights.source) as \(type)"), report)
    }
}

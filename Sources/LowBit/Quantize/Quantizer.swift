/// Converts a model's tensors to other weight types, in memory, as `llama-quantize` does:
/// a ``QuantizationPreset`` picks each tensor's type (mixtures promote some tensors; the
/// output head and tied embeddings follow llama.cpp's rules; rows that are not a whole
/// number of blocks fall back to a smaller block), 1-D tensors and norms keep their type.
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

    /// Converts `weights` with `preset`.
    ///
    /// - Parameters:
    ///   - weights: the source model (any supported types).
    ///   - preset: the llama-quantize file type.
    ///   - pure: give every quantizable tensor the preset's base type (llama-quantize
    ///     `--pure`), except where the row length forces the fallback.
    ///   - keep: tensor names mapped to the type they should have instead.
    ///   - computeRMSE: whether to measure each tensor's error (costs a second dequantization).
    ///   - pool: threads to quantize rows on (the bytes do not depend on it).
    /// - Returns: the converted weights (metadata updated with `general.file_type`) and one
    ///   report per tensor.
    /// - Throws: ``KernelError`` when a `keep` type cannot hold a tensor's rows or a source
    ///   tensor has a type LowBit cannot decode.
    public static func quantize(
        _ weights: ModelWeights, preset: QuantizationPreset, pure: Bool = false, keep: [String: GGMLType] = [:],
        computeRMSE: Bool = true, pool: ThreadPool? = nil
    ) throws(KernelError) -> (weights: ModelWeights, report: [TensorReport]) {
        let facts = QuantizationPreset.ModelFacts(weights)
        var out: [WeightTensor] = []
        var report: [TensorReport] = []
        for t in weights.tensors {
            let target = keep[t.name] ?? preset.type(forTensor: t.name, shape: t.shape, facts: facts, pure: pure) ?? t.type
            if target == t.type {
                out.append(t)
                report.append(TensorReport(name: t.name, from: t.type, to: target, rmse: 0, bytes: t.storage.bytes.count))
                continue
            }
            guard t.type.isSupported else { throw .unsupportedType(t.type) }
            let values = t.floats()
            let converted = try WeightTensor(name: t.name, type: target, shape: t.shape, values: values, pool: pool)
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
        md["general.file_type"] = .uint32(preset.fileType)
        let suffix = pure ? " (pure)" : ""
        return (ModelWeights(metadata: md, tensors: out, source: "\(weights.source) as \(preset.name)\(suffix)"), report)
    }

    /// Converts every quantizable matrix of `weights` to `type` (a pure preset: the output
    /// head and embeddings too), falling back as llama.cpp does where rows do not fit the
    /// type's blocks. This is what a probe precision means.
    public static func quantize(
        _ weights: ModelWeights, to type: GGMLType, keep: [String: GGMLType] = [:], computeRMSE: Bool = true,
        pool: ThreadPool? = nil
    ) throws(KernelError) -> (weights: ModelWeights, report: [TensorReport]) {
        guard let preset = QuantizationPreset.pure(type) else { throw .unsupportedType(type) }
        return try quantize(weights, preset: preset, pure: true, keep: keep, computeRMSE: computeRMSE, pool: pool)
    }
}

/// Errors from combining two models' weights.
public enum InterpolationError: Error, Equatable, CustomStringConvertible {
    case tensorMismatch(name: String, reason: String)

    public var description: String {
        switch self {
        case let .tensorMismatch(name, reason): "tensor '\(name)': \(reason)"
        }
    }
}

/// Weight interpolation between a target and an unlearned model:
///
/// ```
/// θ(α) = (1 − α)·θ_target + α·θ_unlearned = θ_target + α·δ
/// ```
///
/// α = 1 is the unlearned model and α = 0 the target; α in between scales the unlearning
/// update δ, the quantity whose size relative to a quantization step decides whether
/// quantization undoes unlearning (REFERENCE §1). Computed in f32; the result is f32.
public enum WeightInterpolation {
    /// Interpolates every tensor of `target` with the same-named tensor of `unlearned`.
    ///
    /// - Throws: ``InterpolationError`` when a tensor is missing or shaped differently.
    public static func interpolate(
        target: ModelWeights, unlearned: ModelWeights, alpha: Float
    ) throws -> ModelWeights {
        var tensors: [WeightTensor] = []
        for t in target.tensors {
            guard let u = unlearned[t.name] else { throw InterpolationError.tensorMismatch(name: t.name, reason: "missing from \(unlearned.source)") }
            guard u.shape == t.shape else {
                throw InterpolationError.tensorMismatch(name: t.name, reason: "shape \(u.shape) in \(unlearned.source), \(t.shape) in \(target.source)")
            }
            let a = t.floats(), b = u.floats()
            var out = [Float](repeating: 0, count: a.count)
            for i in a.indices { out[i] = (1 - alpha) * a[i] + alpha * b[i] }  // exact at α = 0 and α = 1
            tensors.append(try WeightTensor(name: t.name, type: .f32, shape: t.shape, values: out))
        }
        var md = unlearned.metadata
        md["general.file_type"] = .uint32(0)
        md["lowbit.interpolation"] = .string("alpha=\(alpha) target=\(target.source) unlearned=\(unlearned.source)")
        return ModelWeights(metadata: md, tensors: tensors, source: "\(unlearned.source)@α\(alpha)")
    }
}

import LowBit
/// All weights of a trainable Llama as one flat f32 vector, addressed by GGUF tensor name.
///
/// The flat layout (`ParameterLayout`) lets optimizers and gradient buffers treat the model
/// as one vector, while `tensors()` and `init(shape:tensors:)` speak GGUF names and shapes.
public struct LlamaParameters: Sendable, Hashable {
    /// The model's sizes.
    public let shape: LlamaShape
    /// Where each tensor lives in `values`.
    public let layout: ParameterLayout
    /// Every weight, tensor after tensor in `layout.entries` order.
    public var values: [Float]

    /// Creates randomly initialized weights.
    ///
    /// Matrices draw from N(0, std²); the residual projections (`attn_output`, `ffn_down`)
    /// use `std / sqrt(2·layers)` as in GPT-2. Norm weights start at 1.
    ///
    /// - Parameters:
    ///   - shape: the model's sizes.
    ///   - seed: random seed; equal seeds give identical weights.
    ///   - std: standard deviation of the matrix weights (0.02 by default).
    /// - Throws: `TrainingError.invalidShape` if `shape` does not validate.
    public init(shape: LlamaShape, seed: UInt64, std: Float = 0.02) throws(TrainingError) {
        try shape.validate()
        self.shape = shape
        layout = ParameterLayout(shape: shape)
        var values = [Float](repeating: 0, count: layout.totalCount)
        var rng = SeededRandom(seed: seed)
        let residualStd = Double(std) / (2 * Double(shape.layers)).squareRoot()
        for e in layout.entries {
            if !e.isMatrix {
                for i in e.range { values[i] = 1 }
                continue
            }
            let isResidual = e.name.hasSuffix("attn_output.weight") || e.name.hasSuffix("ffn_down.weight")
            let s = isResidual ? residualStd : Double(std)
            for i in e.range { values[i] = Float(rng.nextNormal() * s) }
        }
        self.values = values
    }

    /// Loads weights from named tensors, e.g. read from a target model's GGUF file.
    ///
    /// - Parameters:
    ///   - shape: the model's sizes.
    ///   - tensors: f32 values keyed by GGUF name; extra tensors are ignored, and
    ///     `output.weight` may be absent (the head is tied to `token_embd.weight`).
    /// - Throws: `TrainingError.missingTensor` or `.tensorSizeMismatch` for the first tensor
    ///   that cannot be used, `.invalidShape` if the shape does not validate.
    public init(shape: LlamaShape, tensors: [String: [Float]]) throws(TrainingError) {
        try shape.validate()
        self.shape = shape
        layout = ParameterLayout(shape: shape)
        var values = [Float](repeating: 0, count: layout.totalCount)
        for e in layout.entries {
            guard let t = tensors[e.name] else { throw TrainingError.missingTensor(name: e.name) }
            guard t.count == e.count else {
                throw TrainingError.tensorSizeMismatch(name: e.name, expected: e.count, actual: t.count)
            }
            values.replaceSubrange(e.range, with: t)
        }
        self.values = values
    }

    /// Every tensor with its GGUF name, shape (innermost first) and values, for export.
    public func tensors() -> [(name: String, shape: [Int], values: [Float])] {
        layout.entries.map { ($0.name, $0.shape, Array(values[$0.range])) }
    }

    /// The values of the tensor called `name`, if the model has one.
    public func tensor(named name: String) -> [Float]? {
        layout.entry(named: name).map { Array(values[$0.range]) }
    }

    /// Number of parameters.
    public var count: Int { values.count }
}

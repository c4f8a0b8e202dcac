import Foundation

/// The value of an unlearning objective on one step's batches.
public struct ObjectiveValue: Sendable, Hashable {
    /// The total loss `L`.
    public var total: Double
    /// The forget term (−CE for GA, the NPO loss for NPO).
    public var forget: Double
    /// The retain term before `α` (CE or KL), 0 without a regularizer.
    public var retain: Double
}

/// Evaluates an `UnlearningMethod` and its gradient on a forget batch and a retain batch.
public struct UnlearningObjective: Sendable {
    /// The objective.
    public var method: UnlearningMethod
    /// Weight of the retain term (α, default 1).
    public var alpha: Double
    /// NPO inverse temperature (β, default 0.1).
    public var beta: Double

    /// Creates an objective.
    public init(method: UnlearningMethod, alpha: Double = 1, beta: Double = 0.1) {
        self.method = method
        self.alpha = alpha
        self.beta = beta
    }

    /// `log σ(x)`, computed without overflow.
    static func logSigmoid(_ x: Double) -> Double { -(max(-x, 0) + log1p(exp(-abs(x)))) }

    /// `σ(x)`.
    static func sigmoid(_ x: Double) -> Double {
        x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x))
    }

    /// Computes the objective and adds its gradient into `gradients`.
    ///
    /// - Parameters:
    ///   - parameters: the model being unlearned (θ).
    ///   - reference: the frozen target model; required by NPO and KLR.
    ///   - forget: the forget batch.
    ///   - retain: the retain batch (ignored by GA and NPO).
    ///   - referenceForgetLogProbs: `log π_ref` of each forget sequence, if already known;
    ///     computed from `reference` otherwise.
    ///   - graph: a workspace of the same shape.
    ///   - gradients: flat gradient buffer; `∂L/∂θ` is added.
    /// - Returns: the objective's value and its terms.
    /// - Throws: `TrainingError` on an invalid batch, or if a needed reference is missing.
    public func evaluate(
        parameters: LlamaParameters, reference: LlamaParameters?,
        forget: [TokenSequence], retain: [TokenSequence],
        referenceForgetLogProbs: [Double]? = nil,
        graph: LlamaGraph, gradients: inout [Float]
    ) throws(TrainingError) -> ObjectiveValue {
        var value = ObjectiveValue(total: 0, forget: 0, retain: 0)
        if method.usesNPO {
            var refLogProbs: [Double]
            if let given = referenceForgetLogProbs {
                refLogProbs = given
            } else {
                guard let reference else { throw TrainingError.invalidConfiguration(reason: "\(method) needs a reference model") }
                try graph.forward(reference, sequences: forget)
                refLogProbs = graph.sequenceLogProbs()
            }
            guard refLogProbs.count == forget.count else {
                throw TrainingError.invalidConfiguration(reason: "reference log-probs count differs from forget batch")
            }
            try graph.forward(parameters, sequences: forget)
            let logProbs = graph.sequenceLogProbs()
            let n = Double(forget.count)
            var loss = 0.0
            var coefficients = [Double](repeating: 0, count: forget.count)
            for i in 0..<forget.count {
                let delta = logProbs[i] - refLogProbs[i]
                loss += -(2 / beta) * Self.logSigmoid(-beta * delta) / n
                coefficients[i] = 2 / n * Self.sigmoid(beta * delta)  // ∂L/∂log π_θ
            }
            graph.addSequenceLogProbGradient(coefficients: coefficients)
            graph.backward(parameters, into: &gradients)
            value.forget = loss
        } else {
            try graph.forward(parameters, sequences: forget)
            value.forget = -graph.addCrossEntropy(scale: -1)
            graph.backward(parameters, into: &gradients)
        }
        value.total = value.forget
        guard method.usesRetain, !retain.isEmpty else { return value }
        if method.usesKL {
            guard let reference else { throw TrainingError.invalidConfiguration(reason: "\(method) needs a reference model") }
            try graph.forward(reference, sequences: retain)
            let refLogits = graph.allLogits()
            try graph.forward(parameters, sequences: retain)
            value.retain = graph.addKLDivergence(referenceLogits: refLogits, scale: Float(alpha))
        } else {
            try graph.forward(parameters, sequences: retain)
            value.retain = graph.addCrossEntropy(scale: Float(alpha))
        }
        graph.backward(parameters, into: &gradients)
        value.total += alpha * value.retain
        return value
    }
}

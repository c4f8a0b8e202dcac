/// Wang et al.'s G-effect (ICLR 2025, "Rethinking LLM Unlearning Objectives: A Gradient
/// Perspective and Go Beyond"), per transformer block, at one point of an unlearning run.
///
/// With `L` the unlearning objective and `R(D)` the NLL risk (mean token cross-entropy) on a
/// data set `D`, a gradient step `θ ← θ − η∇L` changes the risk by about `−η⟨∇R, ∇L⟩`. Per
/// block `ℓ` (the parameters `blk.ℓ.*`):
/// ```
/// unlearning effect  e_u,ℓ = ⟨∇_ℓ R(forget), ∇_ℓ L⟩
/// retention effect   e_r,ℓ = ⟨∇_ℓ R(retain), ∇_ℓ L⟩
/// ```
/// A negative `e_u` means the objective raises the forget risk there (it forgets); a negative
/// `e_r` means it also raises the retain risk (collateral damage). The embedding (tied with
/// the head) and the final norm form one more group, ``embedding``.
///
/// Gradients are means over fixed batches (no shuffling): `∇L` over the forget set in order,
/// paired with the retain sample for regularized methods; `∇R` over the forget set and over
/// the retain sample. So the numbers are a deterministic function of the weights.
public struct GEffect: Sendable, Hashable, Codable {
    /// One group's two inner products.
    public struct Effect: Sendable, Hashable, Codable {
        /// `⟨∇R(forget), ∇L⟩` over the group.
        public var unlearning: Double
        /// `⟨∇R(retain), ∇L⟩` over the group.
        public var retention: Double
    }

    /// Optimizer steps taken when this was measured (0 = at the target).
    public var step: Int
    /// Epochs completed when this was measured.
    public var epoch: Int
    /// One entry per transformer block, in depth order.
    public var blocks: [Effect]
    /// The token embedding (= tied head) and the output norm.
    public var embedding: Effect
    /// Over every parameter.
    public var total: Effect

    /// The group index of every parameter-layout entry: the block number, or `layers` for
    /// the embedding group.
    static func groups(_ layout: ParameterLayout, layers: Int) -> [Int] {
        layout.entries.map { e in
            guard e.name.hasPrefix("blk."), let dot = e.name.dropFirst(4).firstIndex(of: "."),
                  let l = Int(e.name[e.name.index(e.name.startIndex, offsetBy: 4)..<dot]) else { return layers }
            return l
        }
    }

    /// Measures the G-effect at `parameters`.
    ///
    /// - Parameters:
    ///   - objective: the unlearning objective `L`.
    ///   - parameters: the current weights θ.
    ///   - reference: the frozen target (NPO and KLR).
    ///   - forget: the forget set.
    ///   - retain: the retain sample (used by `R(retain)` and by regularized objectives).
    ///   - referenceForgetLogProbs: `log π_ref` of every forget sequence, for NPO.
    ///   - batchSize: sequences per gradient evaluation.
    ///   - graph: a workspace of the model's shape.
    ///   - step, epoch: where in the run this is, for the record.
    /// - Throws: `TrainingError` on an invalid sequence or an empty set.
    public static func measure(
        objective: UnlearningObjective, parameters: LlamaParameters, reference: LlamaParameters,
        forget: [TokenSequence], retain: [TokenSequence], referenceForgetLogProbs: [Double]?,
        batchSize: Int, graph: LlamaGraph, step: Int, epoch: Int
    ) throws(TrainingError) -> GEffect {
        guard !forget.isEmpty else { throw TrainingError.emptyDataSet(name: "forget") }
        guard !retain.isEmpty else { throw TrainingError.emptyDataSet(name: "retain (G-effect)") }
        let gL = try objectiveGradient(
            objective: objective, parameters: parameters, reference: reference, forget: forget, retain: retain,
            referenceForgetLogProbs: referenceForgetLogProbs, batchSize: batchSize, graph: graph)
        let gF = try riskGradient(parameters: parameters, sequences: forget, batchSize: batchSize, graph: graph).gradient
        let gR = try riskGradient(parameters: parameters, sequences: retain, batchSize: batchSize, graph: graph).gradient
        let layers = parameters.shape.layers
        let group = groups(parameters.layout, layers: layers)
        var u = [Double](repeating: 0, count: layers + 1), r = [Double](repeating: 0, count: layers + 1)
        for (i, e) in parameters.layout.entries.enumerated() {
            var su = 0.0, sr = 0.0
            for j in e.range {
                su += Double(gF[j]) * Double(gL[j])
                sr += Double(gR[j]) * Double(gL[j])
            }
            u[group[i]] += su
            r[group[i]] += sr
        }
        return GEffect(
            step: step, epoch: epoch,
            blocks: (0..<layers).map { Effect(unlearning: u[$0], retention: r[$0]) },
            embedding: Effect(unlearning: u[layers], retention: r[layers]),
            total: Effect(unlearning: u.reduce(0, +), retention: r.reduce(0, +)))
    }

    /// `0..<count` in consecutive ranges of `size` (the last may be shorter).
    static func batchRanges(_ count: Int, _ size: Int) -> [Range<Int>] {
        stride(from: 0, to: count, by: size).map { $0..<min(count, $0 + size) }
    }

    /// The NLL risk `R` (mean over fixed batches of each batch's mean token cross-entropy)
    /// and its gradient.
    public static func riskGradient(
        parameters: LlamaParameters, sequences: [TokenSequence], batchSize: Int, graph: LlamaGraph
    ) throws(TrainingError) -> (risk: Double, gradient: [Float]) {
        var g = [Float](repeating: 0, count: parameters.count)
        var risk = 0.0
        let batches = batchRanges(sequences.count, batchSize)
        let scale = 1 / Float(batches.count)
        for b in batches {
            try graph.forward(parameters, sequences: Array(sequences[b]))
            risk += graph.addCrossEntropy(scale: scale)
            graph.backward(parameters, into: &g)
        }
        return (risk / Double(batches.count), g)
    }

    /// The NLL risk `R` alone (as ``riskGradient(parameters:sequences:batchSize:graph:)``).
    public static func risk(
        parameters: LlamaParameters, sequences: [TokenSequence], batchSize: Int, graph: LlamaGraph
    ) throws(TrainingError) -> Double {
        var risk = 0.0
        let batches = batchRanges(sequences.count, batchSize)
        for b in batches {
            try graph.forward(parameters, sequences: Array(sequences[b]))
            risk += graph.addCrossEntropy(scale: 0)
        }
        return risk / Double(batches.count)
    }

    /// `∇L`, the mean over the forget batches (in order) of the objective's gradient, each
    /// forget batch paired with the retain sample's batch of the same index (cycling).
    public static func objectiveGradient(
        objective: UnlearningObjective, parameters: LlamaParameters, reference: LlamaParameters,
        forget: [TokenSequence], retain: [TokenSequence], referenceForgetLogProbs: [Double]?,
        batchSize: Int, graph: LlamaGraph
    ) throws(TrainingError) -> [Float] {
        var total = [Float](repeating: 0, count: parameters.count)
        var g = [Float](repeating: 0, count: parameters.count)
        let batches = batchRanges(forget.count, batchSize)
        for (k, b) in batches.enumerated() {
            for i in g.indices { g[i] = 0 }
            let retainBatch = objective.method.usesRetain
                ? (0..<b.count).map { retain[(k * batchSize + $0) % retain.count] } : []
            _ = try objective.evaluate(
                parameters: parameters, reference: reference, forget: Array(forget[b]), retain: retainBatch,
                referenceForgetLogProbs: referenceForgetLogProbs.map { Array($0[b]) }, graph: graph, gradients: &g)
            for i in g.indices { total[i] += g[i] }
        }
        let scale = 1 / Float(batches.count)
        for i in total.indices { total[i] *= scale }
        return total
    }
}

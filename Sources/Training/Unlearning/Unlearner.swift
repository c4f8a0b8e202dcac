import LowBit
import Foundation

/// One epoch's record from `Unlearner`.
public struct UnlearningEpochLog: Sendable, Hashable {
    /// Epoch (0-based).
    public var epoch: Int
    /// Mean over the epoch's steps of the objective and its terms.
    public var loss: ObjectiveValue
    /// Weight change from the target after this epoch.
    public var weightChange: WeightChangeStats
}

/// The outcome of an unlearning run.
public struct UnlearningResult: Sendable {
    /// The unlearned weights.
    public var parameters: LlamaParameters
    /// One record per epoch.
    public var epochs: [UnlearningEpochLog]
    /// SURE's module scores, when SURE was used.
    public var saliency: Saliency?
    /// Modules SURE updated (all trainable tensors when SURE is off).
    public var updatedModules: [String]
    /// Weight change from the target at the end.
    public var weightChange: WeightChangeStats
    /// The G-effect at the target and at the checkpoints of ``Unlearner/gEffectInterval``, when
    /// ``Unlearner/measuresGEffect`` is set.
    public var gEffects: [GEffect] = []
}

/// Unlearns a forget set from a target model with one of the REFERENCE §3 objectives,
/// optionally restricted to salient modules (SURE).
///
/// Each step takes the next forget batch (the forget set is reshuffled every epoch) and, for
/// regularized methods, the next retain batch of the same size (cycling through a shuffled
/// retain set). The frozen reference is the target itself. Deterministic for a seed.
public struct Unlearner: Sendable {
    /// The objective.
    public var method: UnlearningMethod
    /// AdamW learning rate (1e-5 in the paper).
    public var learningRate: Float
    /// Passes over the forget set.
    public var epochs: Int
    /// Weight of the retain term (α).
    public var alpha: Double
    /// NPO inverse temperature (β).
    public var beta: Double
    /// Forget (and retain) sequences per step.
    public var batchSize: Int
    /// Seed of the batch order.
    public var seed: UInt64
    /// Threads used by the kernels.
    public var threads: Int
    /// SURE: update only modules (2-D weight tensors) at or above this percentile (0–100) of
    /// forget-gradient norm at the target's weights; every other tensor, norms included, is
    /// frozen. The forget gradient is the method's forget term alone (−CE or NPO).
    public var surePercentile: Double?
    /// SURE: learning-rate multiplier of the salient modules (10 in the paper).
    public var sureLearningRateMultiplier: Float
    /// The precision weights are kept in between steps (`--weights`); the target, which is
    /// also the KLR/NPO reference, is rounded the same way first.
    public var weightPrecision = WeightPrecision.f32
    /// Keep every weight's quantization code and block scale equal to the original target's
    /// (``QuantizationLock``, `--lock-codes`): a constructed positive control.
    public var lock: QuantizationLock?
    /// The precision of Adam's moments between steps (`--moments f32|bf16`).
    public var momentPrecision = WeightPrecision.f32
    /// AdamW decoupled weight decay.
    public var weightDecay: Float
    /// Global gradient-norm clip, if any.
    public var gradientClip: Float?
    /// Measure the G-effect (``GEffect``) at the target and after every epoch
    /// (`--g-effect`). Its retain sample is as many retain sequences as there are forget
    /// sequences, drawn with its own seed, so the run's weights do not depend on this switch.
    public var measuresGEffect = false
    /// With ``measuresGEffect``: measure after every `gEffectInterval`-th epoch and after the
    /// last (1 = every epoch; the run's epoch count = only at the start and the end).
    public var gEffectInterval = 1

    /// Creates an unlearner with the paper's defaults.
    public init(
        method: UnlearningMethod, learningRate: Float = 1e-5, epochs: Int = 1, alpha: Double = 1,
        beta: Double = 0.1, batchSize: Int = 4, seed: UInt64 = 0, threads: Int = 1,
        surePercentile: Double? = nil, sureLearningRateMultiplier: Float = 10,
        weightDecay: Float = 0, gradientClip: Float? = nil
    ) {
        self.method = method
        self.learningRate = learningRate
        self.epochs = epochs
        self.alpha = alpha
        self.beta = beta
        self.batchSize = batchSize
        self.seed = seed
        self.threads = threads
        self.surePercentile = surePercentile
        self.sureLearningRateMultiplier = sureLearningRateMultiplier
        self.weightDecay = weightDecay
        self.gradientClip = gradientClip
    }

    /// Runs unlearning.
    ///
    /// - Parameters:
    ///   - target: the model to unlearn from; also the frozen reference.
    ///   - forget: sequences to forget (their loss masks select the counted tokens).
    ///   - retain: sequences to keep; required by the GDR and KLR variants.
    ///   - progress: called after every epoch.
    /// - Returns: the unlearned weights and the run's records.
    /// - Throws: `TrainingError` on an invalid configuration or sequence.
    public func unlearn(
        target original: LlamaParameters, forget: [TokenSequence], retain: [TokenSequence],
        progress: (UnlearningEpochLog, LlamaParameters) -> Void = { _, _ in }
    ) throws(TrainingError) -> UnlearningResult {
        // Pure low-precision training starts from the target in that precision, which is also
        // the reference and the baseline of the weight-change statistics.
        var target = original
        var roundingRNG = SeededRandom(seed: seed ^ 0xB_F16)
        weightPrecision.nearest.round(&target.values, rng: &roundingRNG)
        guard !forget.isEmpty else { throw TrainingError.emptyDataSet(name: "forget") }
        if method.usesRetain && retain.isEmpty { throw TrainingError.emptyDataSet(name: "retain") }
        guard epochs > 0, batchSize > 0, learningRate > 0, beta > 0 else {
            throw TrainingError.invalidConfiguration(reason: "epochs, batchSize, learningRate and beta must be positive")
        }
        if let p = surePercentile, !(0...100).contains(p) {
            throw TrainingError.invalidConfiguration(reason: "SURE percentile \(p) is outside 0–100")
        }
        _ = try PackedBatch(forget, shape: target.shape)
        if method.usesRetain { _ = try PackedBatch(retain, shape: target.shape) }

        let graph = try LlamaGraph(shape: target.shape, threads: threads)
        let objective = UnlearningObjective(method: method, alpha: alpha, beta: beta)
        let layout = target.layout

        // The reference's sequence log-probs never change: compute them once.
        var refLogProbs: [Double] = []
        if method.usesNPO {
            for b in stride(from: 0, to: forget.count, by: batchSize) {
                try graph.forward(target, sequences: Array(forget[b..<min(forget.count, b + batchSize)]))
                refLogProbs += graph.sequenceLogProbs()
            }
        }

        var optimizer = AdamW(
            layout: layout, learningRate: learningRate, weightDecay: weightDecay, gradientClip: gradientClip)
        var saliency: Saliency?
        var updated = layout.entries.map(\.name)
        if let p = surePercentile {
            let forgetOnly = UnlearningObjective(method: method.usesNPO ? .npo : .ga, alpha: alpha, beta: beta)
            var g = [Float](repeating: 0, count: target.count)
            for b in stride(from: 0, to: forget.count, by: batchSize) {
                let idx = b..<min(forget.count, b + batchSize)
                _ = try forgetOnly.evaluate(
                    parameters: target, reference: target, forget: Array(forget[idx]), retain: [],
                    referenceForgetLogProbs: method.usesNPO ? Array(refLogProbs[idx]) : nil,
                    graph: graph, gradients: &g)
            }
            let s = Saliency(layout: layout, gradients: g)
            let salient = s.salientModules(percentile: p)
            optimizer.learningRateMultipliers = layout.entries.map { salient.contains($0.name) ? sureLearningRateMultiplier : 0 }
            updated = layout.entries.map(\.name).filter(salient.contains)
            saliency = s
        }

        var params = target
        var rng = SeededRandom(seed: seed ^ 0x0A11_EA12)
        var retainOrder = rng.permutation(retain.count)
        var retainCursor = 0
        var gradients = [Float](repeating: 0, count: target.count)
        var logs: [UnlearningEpochLog] = []
        var gEffects: [GEffect] = []
        var gSample: [TokenSequence] = []
        if measuresGEffect {
            var sampleRNG = SeededRandom(seed: seed ^ 0x6EFF_EC7)
            gSample = sampleRNG.permutation(retain.count).prefix(forget.count).map { retain[$0] }
        }
        func measureGEffect(step: Int, epoch: Int) throws(TrainingError) {
            guard measuresGEffect else { return }
            gEffects.append(try GEffect.measure(
                objective: objective, parameters: params, reference: target, forget: forget, retain: gSample,
                referenceForgetLogProbs: method.usesNPO ? refLogProbs : nil, batchSize: batchSize, graph: graph,
                step: step, epoch: epoch))
        }
        try measureGEffect(step: 0, epoch: 0)
        var totalSteps = 0
        for epoch in 0..<epochs {
            let order = rng.permutation(forget.count)
            var sum = ObjectiveValue(total: 0, forget: 0, retain: 0)
            var steps = 0
            for b in stride(from: 0, to: order.count, by: batchSize) {
                let idx = Array(order[b..<min(order.count, b + batchSize)])
                var retainBatch: [TokenSequence] = []
                if method.usesRetain {
                    for _ in 0..<idx.count {
                        if retainCursor == retainOrder.count {
                            retainOrder = rng.permutation(retain.count)
                            retainCursor = 0
                        }
                        retainBatch.append(retain[retainOrder[retainCursor]])
                        retainCursor += 1
                    }
                }
                for i in gradients.indices { gradients[i] = 0 }
                let value = try objective.evaluate(
                    parameters: params, reference: target, forget: idx.map { forget[$0] }, retain: retainBatch,
                    referenceForgetLogProbs: method.usesNPO ? idx.map { refLogProbs[$0] } : nil,
                    graph: graph, gradients: &gradients)
                optimizer.update(&params.values, gradients: gradients)
                weightPrecision.round(&params.values, rng: &roundingRNG)
                lock?.project(&params.values)
                optimizer.roundMoments(momentPrecision, rng: &roundingRNG)
                sum.total += value.total
                sum.forget += value.forget
                sum.retain += value.retain
                steps += 1
                totalSteps += 1
            }
            let n = Double(max(steps, 1))
            let log = UnlearningEpochLog(
                epoch: epoch,
                loss: ObjectiveValue(total: sum.total / n, forget: sum.forget / n, retain: sum.retain / n),
                weightChange: WeightChangeStats(original: target, updated: params))
            logs.append(log)
            if (epoch + 1) % max(1, gEffectInterval) == 0 || epoch + 1 == epochs {
                try measureGEffect(step: totalSteps, epoch: epoch + 1)
            }
            progress(log, params)
        }
        return UnlearningResult(
            parameters: params, epochs: logs, saliency: saliency, updatedModules: updated,
            weightChange: logs.last?.weightChange ?? WeightChangeStats(original: target, updated: params),
            gEffects: gEffects)
    }
}

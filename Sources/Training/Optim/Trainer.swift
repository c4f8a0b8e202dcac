import LowBit
import Foundation

/// One optimizer step's report from `Trainer`.
public struct TrainingProgress: Sendable, Hashable {
    /// Steps completed (1-based).
    public var step: Int
    /// Total steps of the run.
    public var totalSteps: Int
    /// Epoch of this step (0-based).
    public var epoch: Int
    /// Mean token cross-entropy of this step's batch, in nats.
    public var loss: Double
    /// Learning rate used for this step.
    public var learningRate: Float
    /// Tokens (predictions) processed per second so far.
    public var tokensPerSecond: Double
}

/// Trains a Llama on token sequences with next-token cross-entropy and AdamW.
///
/// Deterministic: the seed fixes the initialization and the batch order, and every kernel
/// gives bit-identical results for any thread count.
public struct Trainer: Sendable {
    /// Passes over the data.
    public var epochs: Int
    /// Sequences per optimizer step.
    public var batchSize: Int
    /// Peak learning rate.
    public var learningRate: Float
    /// Linear warm-up steps from 0 to the peak.
    public var warmupSteps: Int
    /// Decay the learning rate along a cosine to 10% of the peak at the last step.
    public var cosineDecay: Bool
    /// Decoupled weight decay.
    public var weightDecay: Float
    /// Global gradient-norm clip, if any.
    public var gradientClip: Float?
    /// Seed of the initialization and the shuffling.
    public var seed: UInt64
    /// Threads used by the kernels.
    public var threads: Int

    /// Creates a trainer.
    public init(
        epochs: Int, batchSize: Int, learningRate: Float, warmupSteps: Int = 0, cosineDecay: Bool = false,
        weightDecay: Float = 0, gradientClip: Float? = 1, seed: UInt64 = 0, threads: Int = 1
    ) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.warmupSteps = warmupSteps
        self.cosineDecay = cosineDecay
        self.weightDecay = weightDecay
        self.gradientClip = gradientClip
        self.seed = seed
        self.threads = threads
    }

    /// The learning rate of step `step` (0-based) out of `total`.
    public func learningRate(step: Int, total: Int) -> Float {
        if step < warmupSteps { return learningRate * Float(step + 1) / Float(warmupSteps) }
        guard cosineDecay, total > warmupSteps + 1 else { return learningRate }
        let progress = Double(step - warmupSteps) / Double(total - warmupSteps - 1)
        return learningRate * Float(0.1 + 0.9 * 0.5 * (1 + cos(Double.pi * progress)))
    }

    /// Trains a freshly initialized model of `shape` (std 0.02, seeded by `seed`).
    ///
    /// - Throws: `TrainingError` on an invalid shape, configuration or sequence.
    public func train(
        shape: LlamaShape, on sequences: [TokenSequence], progress: (TrainingProgress) -> Void = { _ in }
    ) throws(TrainingError) -> LlamaParameters {
        try train(from: LlamaParameters(shape: shape, seed: seed), on: sequences, progress: progress)
    }

    /// Continues training `initial` on `sequences`.
    ///
    /// - Parameters:
    ///   - initial: starting weights.
    ///   - sequences: the training set; each epoch visits it in a seeded random order.
    ///   - progress: called after every optimizer step.
    /// - Returns: the trained weights.
    /// - Throws: `TrainingError` on an invalid configuration or sequence.
    public func train(
        from initial: LlamaParameters, on sequences: [TokenSequence], progress: (TrainingProgress) -> Void = { _ in }
    ) throws(TrainingError) -> LlamaParameters {
        guard !sequences.isEmpty else { throw TrainingError.emptyDataSet(name: "training") }
        guard epochs > 0, batchSize > 0, learningRate > 0 else {
            throw TrainingError.invalidConfiguration(reason: "epochs, batchSize and learningRate must be positive")
        }
        _ = try PackedBatch(sequences, shape: initial.shape)  // validate everything up front
        var params = initial
        let graph = try LlamaGraph(shape: initial.shape, threads: threads)
        var optimizer = AdamW(
            layout: params.layout, learningRate: learningRate, weightDecay: weightDecay, gradientClip: gradientClip)
        var rng = SeededRandom(seed: seed ^ 0x5EED_0F_BA7C4)
        let stepsPerEpoch = (sequences.count + batchSize - 1) / batchSize
        let total = stepsPerEpoch * epochs
        var gradients = [Float](repeating: 0, count: params.count)
        var step = 0, tokens = 0
        let start = Date()
        for epoch in 0..<epochs {
            let order = rng.permutation(sequences.count)
            for b in 0..<stepsPerEpoch {
                let batch = order[(b * batchSize)..<min(order.count, (b + 1) * batchSize)].map { sequences[$0] }
                try graph.forward(params, sequences: batch)
                let loss = graph.addCrossEntropy(scale: 1)
                for i in gradients.indices { gradients[i] = 0 }
                graph.backward(params, into: &gradients)
                let lr = learningRate(step: step, total: total)
                optimizer.update(&params.values, gradients: gradients, learningRate: lr)
                step += 1
                tokens += graph.rows
                let elapsed = max(Date().timeIntervalSince(start), 1e-9)
                progress(TrainingProgress(
                    step: step, totalSteps: total, epoch: epoch, loss: loss, learningRate: lr,
                    tokensPerSecond: Double(tokens) / elapsed))
            }
        }
        return params
    }
}

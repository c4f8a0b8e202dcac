import Training
import LowBit
import Kernels
import XCTest

final class UnlearnTests: XCTestCase {
    static let shape = TrainerTests.shape
    static let forget = [
        TokenSequence(prompt: [1, 2], answer: [3, 4, 5]),
        TokenSequence(prompt: [1, 6], answer: [7, 8, 9]),
    ]
    static let retain = [
        TokenSequence(prompt: [2, 2], answer: [10, 0, 3]),
        TokenSequence(prompt: [6, 6], answer: [5, 5, 1]),
    ]

    /// A target that has memorized both sets.
    static let target: LlamaParameters = {
        let trainer = Trainer(epochs: 150, batchSize: 4, learningRate: 1e-2, seed: 3)
        return try! trainer.train(shape: shape, on: forget + retain)
    }()

    func loss(_ p: LlamaParameters, _ data: [TokenSequence]) throws -> Double {
        let graph = try LlamaGraph(shape: p.shape, threads: 1)
        try graph.forward(p, sequences: data)
        return graph.addCrossEntropy(scale: 0)
    }

    func testEveryMethodRaisesForgetLoss() throws {
        let before = try loss(Self.target, Self.forget)
        XCTAssertLessThan(before, 0.1)
        for method in UnlearningMethod.allCases {
            let u = Unlearner(method: method, learningRate: 3e-3, epochs: 6, beta: 0.1, batchSize: 2, seed: 1)
            var logs: [UnlearningEpochLog] = []
            var last: LlamaParameters?
            let result = try u.unlearn(target: Self.target, forget: Self.forget, retain: Self.retain) { log, params in
                logs.append(log)
                last = params
            }
            XCTAssertEqual(logs.count, 6)
            XCTAssertEqual(result.epochs, logs)
            XCTAssertEqual(last?.values, result.parameters.values, "the last epoch's parameters are the result")
            let after = try loss(result.parameters, Self.forget)
            XCTAssertGreaterThan(after, before + 0.5, "\(method): forget CE \(before) → \(after)")
            XCTAssertGreaterThan(result.weightChange.meanAbsDelta, 0)
            XCTAssertGreaterThan(result.weightChange.changedCodes8, result.weightChange.changedCodes4)
            if method.usesRetain { XCTAssertGreaterThanOrEqual(logs[0].loss.retain, 0) }
        }
    }

    func testRegularizerProtectsRetainSet() throws {
        func run(_ m: UnlearningMethod) throws -> Double {
            let u = Unlearner(method: m, learningRate: 3e-3, epochs: 8, batchSize: 2, seed: 2)
            return try loss(u.unlearn(target: Self.target, forget: Self.forget, retain: Self.retain).parameters, Self.retain)
        }
        XCTAssertLessThan(try run(.gaGDR), try run(.ga))
    }

    func testNPOStartsAtLog2AndIsDeterministic() throws {
        let u = Unlearner(method: .npoKLR, learningRate: 1e-3, epochs: 2, batchSize: 1, seed: 9, threads: 2)
        let a = try u.unlearn(target: Self.target, forget: Self.forget, retain: Self.retain)
        let b = try u.unlearn(target: Self.target, forget: Self.forget, retain: Self.retain)
        XCTAssertEqual(a.parameters.values, b.parameters.values)
        // At θ = ref the NPO loss is −(2/β)·log σ(0) = (2/β)·ln 2 for the first step; the
        // epoch mean drifts up from there.
        XCTAssertGreaterThan(a.epochs[0].loss.forget, 2 / 0.1 * log(2.0) - 1e-3)
    }

    func testSUREUpdatesOnlySalientModules() throws {
        let u = Unlearner(method: .gaGDR, learningRate: 1e-3, epochs: 1, batchSize: 2, seed: 1, surePercentile: 90)
        let result = try u.unlearn(target: Self.target, forget: Self.forget, retain: Self.retain)
        let saliency = try XCTUnwrap(result.saliency)
        XCTAssertEqual(saliency.names.count, 1 + 7 * Self.shape.layers)
        let salient = Set(result.updatedModules)
        XCTAssertEqual(salient, saliency.salientModules(percentile: 90))
        XCTAssertFalse(salient.isEmpty)
        XCTAssertLessThan(salient.count, 4)
        let top = saliency.names[saliency.norms.firstIndex(of: saliency.norms.max()!)!]
        XCTAssertTrue(salient.contains(top))
        for e in Self.target.layout.entries {
            let changed = e.range.contains { result.parameters.values[$0] != Self.target.values[$0] }
            XCTAssertEqual(changed, salient.contains(e.name), e.name)
        }
    }

    func testPercentileInterpolatesLikeNumPy() throws {
        var g = [Float](repeating: 0, count: ParameterLayout(shape: Self.shape).totalCount)
        let layout = ParameterLayout(shape: Self.shape)
        for (n, e) in layout.entries.filter(\.isMatrix).enumerated() { g[e.offset] = Float(n + 1) }
        let s = Saliency(layout: layout, gradients: g)  // norms 1…15
        XCTAssertEqual(s.threshold(percentile: 50), 8)
        XCTAssertEqual(s.threshold(percentile: 90), 13.6, accuracy: 1e-9)
        XCTAssertEqual(s.salientModules(percentile: 90).count, 2)
    }

    func testWeightChangeStatsByHand() throws {
        let layout = ParameterLayout(shape: Self.shape)
        let zeros = [String: [Float]](uniqueKeysWithValues: layout.entries.map { ($0.name, [Float](repeating: 0, count: $0.count)) })
        var original = try LlamaParameters(shape: Self.shape, tensors: zeros)
        let q = layout.entry(named: "blk.0.attn_q.weight")!  // rows of 16: one short block per row
        original.values[q.offset] = 8  // amax 8: Δ4 = 1, Δ8 = 1/16
        original.values[q.offset + 1] = 0.2
        original.values[q.offset + 2] = 0.1
        var updated = original
        updated.values[q.offset + 1] = 0.7  // δ 0.5: 4-bit code 0 → 1, 8-bit 3 → 11
        updated.values[q.offset + 2] = 0.15  // δ 0.05: 4-bit 0 → 0, 8-bit round(1.6) = 2 → round(2.4) = 2
        let s = WeightChangeStats(original: original, updated: updated)
        let matrixCount = layout.entries.filter(\.isMatrix).reduce(0) { $0 + $1.count }
        XCTAssertEqual(s.count, matrixCount)
        XCTAssertEqual(s.meanAbsDelta, (0.5 + 0.05) / Double(matrixCount), accuracy: 1e-8)
        XCTAssertEqual(s.maxAbsDelta, 0.5, accuracy: 1e-6)
        XCTAssertEqual(s.meanRelativeDelta4, (0.5 + 0.05) / 16, accuracy: 1e-6)
        XCTAssertEqual(s.meanRelativeDelta8, (0.5 + 0.05) * 16 / 16, accuracy: 1e-5)
        XCTAssertEqual(s.changedCodes4, 1 / Double(matrixCount), accuracy: 1e-12)
        XCTAssertEqual(s.changedCodes8, 1 / Double(matrixCount), accuracy: 1e-12)
    }
}

/// Unlearning with weights (and moments) kept in bf16, and the new weight-change statistics.
final class LowPrecisionUnlearningTests: XCTestCase {
    func testBF16WeightsStayBF16AndTheStatsCountChanges() throws {
        for precision in [WeightPrecision.bf16, .bf16Stochastic] {
            var u = Unlearner(method: .gaGDR, learningRate: 1e-3, epochs: 1, batchSize: 2, seed: 1)
            u.weightPrecision = precision
            u.momentPrecision = .bf16
            let result = try u.unlearn(target: UnlearnTests.target, forget: UnlearnTests.forget, retain: UnlearnTests.retain)
            XCTAssertTrue(result.parameters.values.allSatisfy { $0.bitPattern & 0xFFFF == 0 }, "\(precision): not bf16")
            let w = result.weightChange
            XCTAssertGreaterThan(w.changedFraction, 0)
            XCTAssertLessThanOrEqual(w.changedFraction, 1)
            XCTAssertEqual(w.relativeDelta4Histogram.reduce(0, +), Int((w.changedFraction * Double(w.count)).rounded()))
        }
    }

    func testStochasticRoundingIsUnbiasedAndStaysBetweenNeighbours() {
        let x: Float = 1.00390625 + 0.001  // between two bf16 values
        let lo = Float(bitPattern: x.bitPattern & 0xFFFF_0000), hi = Float(bitPattern: (x.bitPattern & 0xFFFF_0000) + 0x1_0000)
        var rng = SeededRandom(seed: 5)
        var values = [Float](repeating: x, count: 20_000)
        WeightPrecision.bf16Stochastic.round(&values, rng: &rng)
        XCTAssertTrue(values.allSatisfy { $0 == lo || $0 == hi })
        let mean = values.reduce(0.0) { $0 + Double($1) } / Double(values.count)
        XCTAssertEqual(mean, Double(x), accuracy: 0.02 * Double(hi - lo))
        var nearest = [x]
        WeightPrecision.bf16.round(&nearest, rng: &rng)
        XCTAssertEqual(nearest[0], HalfConversion.float(bf16Bits: HalfConversion.bf16Bits(x)))
    }
}

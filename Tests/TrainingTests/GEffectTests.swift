import Training
import LowBit
import XCTest

final class GEffectTests: XCTestCase {
    /// A micro model part-way through training, where every gradient is well away from zero.
    static let model: LlamaParameters = {
        let trainer = Trainer(epochs: 8, batchSize: 4, learningRate: 1e-2, seed: 5)
        return try! trainer.train(shape: UnlearnTests.shape, on: UnlearnTests.forget + UnlearnTests.retain)
    }()

    /// `θ` moved by `t` along `direction` restricted to the entries `inGroup` accepts.
    func moved(_ p: LlamaParameters, along direction: [Float], by t: Float, inGroup: (String) -> Bool) -> LlamaParameters {
        var q = p
        for e in p.layout.entries where inGroup(e.name) {
            for i in e.range { q.values[i] += t * direction[i] }
        }
        return q
    }

    /// Central finite differences of the forget and retain risks along each block's slice of
    /// `∇L` agree with the G-effect's inner products.
    func testMatchesFiniteDifferencesPerBlock() throws {
        let forget = UnlearnTests.forget, retain = UnlearnTests.retain
        let target = UnlearnTests.target
        let graph = try LlamaGraph(shape: Self.model.shape, threads: 1)
        for method in [UnlearningMethod.gaGDR, .npoKLR] {
            let objective = UnlearningObjective(method: method)
            var refLogProbs: [Double]?
            if method.usesNPO {
                try graph.forward(target, sequences: forget)
                refLogProbs = graph.sequenceLogProbs()
            }
            let g = try GEffect.measure(
                objective: objective, parameters: Self.model, reference: target, forget: forget, retain: retain,
                referenceForgetLogProbs: refLogProbs, batchSize: 1, graph: graph, step: 0, epoch: 0)
            let gL = try GEffect.objectiveGradient(
                objective: objective, parameters: Self.model, reference: target, forget: forget, retain: retain,
                referenceForgetLogProbs: refLogProbs, batchSize: 1, graph: graph)
            XCTAssertEqual(g.blocks.count, Self.model.shape.layers)
            for l in 0..<Self.model.shape.layers {
                let inBlock: (String) -> Bool = { $0.hasPrefix("blk.\(l).") }
                var norm2 = 0.0
                for e in Self.model.layout.entries where inBlock(e.name) { for i in e.range { norm2 += Double(gL[i] * gL[i]) } }
                let t = Float(1e-2 / norm2.squareRoot())  // a step of length 1e-2 along ∇_ℓ L
                for (data, expected, name) in [(forget, g.blocks[l].unlearning, "e_u"), (retain, g.blocks[l].retention, "e_r")] {
                    let plus = try GEffect.risk(parameters: moved(Self.model, along: gL, by: t, inGroup: inBlock),
                                                sequences: data, batchSize: 1, graph: graph)
                    let minus = try GEffect.risk(parameters: moved(Self.model, along: gL, by: -t, inGroup: inBlock),
                                                 sequences: data, batchSize: 1, graph: graph)
                    let fd = (plus - minus) / (2 * Double(t))
                    XCTAssertEqual(fd, expected, accuracy: 0.03 * abs(expected) + 2e-3 * norm2.squareRoot(),
                                   "\(method) blk.\(l) \(name): finite difference \(fd) vs G-effect \(expected)")
                }
            }
            let sum = g.blocks.reduce(g.embedding.unlearning) { $0 + $1.unlearning }
            XCTAssertEqual(g.total.unlearning, sum, accuracy: 1e-9 * max(1, abs(sum)))
        }
    }

    /// Gradient ascent's objective is −R(forget), so its unlearning effect is −‖∇R(forget)‖² < 0.
    func testGradientAscentUnlearningEffectIsMinusSquaredNorm() throws {
        let graph = try LlamaGraph(shape: Self.model.shape, threads: 1)
        let g = try GEffect.measure(
            objective: UnlearningObjective(method: .ga), parameters: Self.model, reference: UnlearnTests.target,
            forget: UnlearnTests.forget, retain: UnlearnTests.retain, referenceForgetLogProbs: nil, batchSize: 2,
            graph: graph, step: 0, epoch: 0)
        let gF = try GEffect.riskGradient(parameters: Self.model, sequences: UnlearnTests.forget, batchSize: 2, graph: graph).gradient
        let norm2 = gF.reduce(0.0) { $0 + Double($1) * Double($1) }
        XCTAssertGreaterThan(norm2, 0)
        XCTAssertEqual(g.total.unlearning, -norm2, accuracy: 1e-4 * norm2)
    }

    /// Measuring the G-effect records one point per epoch plus the start, and does not change
    /// the weights the run produces.
    func testUnlearnerRecordsCheckpointsWithoutChangingTheRun() throws {
        var u = Unlearner(method: .npoGDR, learningRate: 1e-3, epochs: 2, batchSize: 1, seed: 4)
        let plain = try u.unlearn(target: UnlearnTests.target, forget: UnlearnTests.forget, retain: UnlearnTests.retain)
        u.measuresGEffect = true
        let measured = try u.unlearn(target: UnlearnTests.target, forget: UnlearnTests.forget, retain: UnlearnTests.retain)
        XCTAssertEqual(plain.parameters.values, measured.parameters.values)
        XCTAssertTrue(plain.gEffects.isEmpty)
        XCTAssertEqual(measured.gEffects.map(\.epoch), [0, 1, 2])
        XCTAssertEqual(measured.gEffects.map(\.step), [0, 2, 4])
        XCTAssertTrue(measured.gEffects.allSatisfy { $0.total.unlearning.isFinite && $0.total.retention.isFinite })
        u.gEffectInterval = 2
        let ends = try u.unlearn(target: UnlearnTests.target, forget: UnlearnTests.forget, retain: UnlearnTests.retain)
        XCTAssertEqual(ends.gEffects.map(\.epoch), [0, 2], "only at the start and the end")
        XCTAssertEqual(ends.gEffects.last, measured.gEffects.last)
    }

    func testPerBlockWeightChangeCoversEveryMatrixOnce() throws {
        var updated = Self.model
        for i in updated.values.indices where i % 7 == 0 { updated.values[i] += 1e-3 }
        let all = WeightChangeStats(original: Self.model, updated: updated)
        let blocks = WeightChangeStats.perBlock(original: Self.model, updated: updated)
        XCTAssertEqual(blocks.count, Self.model.shape.layers)
        let embedding = WeightChangeStats(original: Self.model, updated: updated) { !$0.name.hasPrefix("blk.") }
        XCTAssertEqual(blocks.reduce(embedding.count) { $0 + $1.count }, all.count)
        XCTAssertTrue(blocks.allSatisfy { $0.meanAbsDelta > 0 })
    }
}

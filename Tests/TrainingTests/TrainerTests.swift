import Foundation
import Training
import XCTest

final class TrainerTests: XCTestCase {
    static let shape = LlamaShape(
        vocabSize: 11, dim: 16, layers: 2, heads: 2, kvHeads: 1, ffnDim: 24, contextLength: 8)

    static let data = [
        TokenSequence(tokens: [1, 5, 2, 9, 3, 7]),
        TokenSequence(tokens: [4, 3, 7, 0, 10, 6]),  // no repeated prefix: RoPE sees only relative positions
        TokenSequence(prompt: [8, 2, 2], answer: [6, 1, 3]),
    ]

    func meanLoss(_ p: LlamaParameters, _ data: [TokenSequence]) throws -> Double {
        let graph = try LlamaGraph(shape: p.shape, threads: 1)
        try graph.forward(p, sequences: data)
        return graph.addCrossEntropy(scale: 0)
    }

    func testMicroModelMemorizesTinySet() throws {
        let trainer = Trainer(epochs: 200, batchSize: 3, learningRate: 1e-2, seed: 1)
        let start = Date()
        var losses: [Double] = []
        let p = try trainer.train(shape: Self.shape, on: Self.data) { losses.append($0.loss) }
        let elapsed = Date().timeIntervalSince(start)
        XCTAssertEqual(losses.count, 200)
        XCTAssertGreaterThan(losses[0], 2.0)  // ≈ ln 11 at initialization
        let final = try meanLoss(p, Self.data)
        XCTAssertLessThan(final, 0.05, "final loss \(final)")
        XCTAssertLessThan(elapsed, 2, "memorizing took \(elapsed) s")
    }

    func testSameSeedGivesIdenticalWeights() throws {
        let trainer = Trainer(epochs: 5, batchSize: 2, learningRate: 3e-3, seed: 42)
        let a = try trainer.train(shape: Self.shape, on: Self.data)
        let b = try trainer.train(shape: Self.shape, on: Self.data)
        XCTAssertEqual(a.values, b.values)
        var other = trainer
        other.seed = 43
        XCTAssertNotEqual(try other.train(shape: Self.shape, on: Self.data).values, a.values)
    }

    func testOneAndTwoThreadsTrainIdentically() throws {
        var trainer = Trainer(epochs: 3, batchSize: 3, learningRate: 3e-3, seed: 5, threads: 1)
        let a = try trainer.train(shape: Self.shape, on: Self.data)
        trainer.threads = 2
        let b = try trainer.train(shape: Self.shape, on: Self.data)
        XCTAssertEqual(a.values, b.values)
    }

    func testScheduleWarmsUpAndDecays() {
        let t = Trainer(epochs: 1, batchSize: 1, learningRate: 1, warmupSteps: 4, cosineDecay: true)
        XCTAssertEqual(t.learningRate(step: 0, total: 20), 0.25)
        XCTAssertEqual(t.learningRate(step: 4, total: 20), 1)
        XCTAssertEqual(t.learningRate(step: 19, total: 20), 0.1, accuracy: 1e-6)
    }

    func testRejectsEmptyData() {
        XCTAssertThrowsError(try Trainer(epochs: 1, batchSize: 1, learningRate: 1e-3).train(shape: Self.shape, on: [])) {
            XCTAssertEqual($0 as? TrainingError, .emptyDataSet(name: "training"))
        }
    }
}

import LowBit
import Training
import XCTest

/// The trainer's forward pass and the runtime's compute the same function: on the same
/// weights and tokens, the logits are bit-identical (both use Kernels' GEMM, RMSNorm, RoPE
/// and attention; only the batching differs).
final class TrainerRuntimeParityTests: XCTestCase {
    func testTrainerAndRuntimeLogitsAreIdentical() throws {
        let shape = LlamaShape(vocabSize: 300, dim: 48, layers: 2, heads: 6, kvHeads: 2, ffnDim: 72, contextLength: 40)
        let params = try LlamaParameters(shape: shape, seed: 21, std: 0.2)
        let weights = try SubjectLab.modelWeights(
            params, tokenizer: .syntheticLlama(size: shape.vocabSize), name: "parity", recipe: SubjectRecipe(), role: "test")
        let model = try TransformerModel(weights: weights)
        var rng = SeededRandom(seed: 5)
        let tokens = (0..<33).map { _ in Int32(rng.next() % UInt64(shape.vocabSize)) }

        for threads in [1, 2] {
            let graph = try LlamaGraph(shape: shape, threads: threads)
            try graph.forward(params, sequences: [TokenSequence(tokens: tokens)])
            let trained = graph.allLogits()  // row t predicts tokens[t + 1] from tokens[0...t]
            let runtime = try model.forward(Array(tokens.dropLast()), cache: model.makeCache(capacity: 40), logits: .all,
                                            pool: ThreadPool(threads: threads))
            XCTAssertEqual(trained.count, runtime.count)
            XCTAssertEqual(trained.map(\.bitPattern), runtime.map(\.bitPattern), "threads \(threads)")
        }
    }

    func testTrainerRefusesWhatItCannotTrain() {
        var shape = LlamaShape(vocabSize: 10, dim: 8, layers: 1, heads: 2, kvHeads: 2, ffnDim: 8, contextLength: 8)
        shape.architecture = "gemma2"
        XCTAssertThrowsError(try LlamaGraph(shape: shape, threads: 1))
        shape.architecture = "llama"
        shape.localLayers = [true]
        XCTAssertThrowsError(try LlamaGraph(shape: shape, threads: 1))
    }
}

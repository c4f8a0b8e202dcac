import LowBit
import Kernels
import XCTest

@testable import Training

/// The graph's gradients against their independence from the thread count, and parameter
/// loading. (The kernels themselves are tested in KernelsTests: MatrixProductsTests,
/// RowKernelsTests.)
final class GradKernelTests: XCTestCase {
    func values(_ n: Int, seed: UInt64) -> [Float] {
        var rng = SeededRandom(seed: seed)
        return (0..<n).map { _ in Float(rng.nextNormal()) }
    }

    func testGradientsAreIdenticalForOneAndTwoThreads() throws {
        let shape = LlamaShape(vocabSize: 50, dim: 32, layers: 2, heads: 4, kvHeads: 2, ffnDim: 40, contextLength: 24)
        let p = try LlamaParameters(shape: shape, seed: 3, std: 0.1)
        var rng = SeededRandom(seed: 4)
        let batch = (0..<5).map { i in TokenSequence(tokens: (0..<(10 + 3 * i)).map { _ in Int32(rng.next() % 50) }) }
        var results: [[Float]] = []
        for threads in [1, 2] {
            let graph = try LlamaGraph(shape: shape, threads: threads)
            try graph.forward(p, sequences: batch)
            graph.addCrossEntropy(scale: 1)
            var g = [Float](repeating: 0, count: p.count)
            graph.backward(p, into: &g)
            results.append(g + graph.allLogits())
        }
        XCTAssertEqual(results[0], results[1])
    }

    func testParametersRoundTripAndLoadErrors() throws {
        let shape = GradientCheckTests.shape
        let p = try LlamaParameters(shape: shape, seed: 11)
        let exported = p.tensors()
        XCTAssertEqual(exported.count, 2 + 9 * shape.layers)
        XCTAssertEqual(exported.first?.name, "token_embd.weight")
        XCTAssertEqual(exported.first?.shape, [shape.dim, shape.vocabSize])
        XCTAssertEqual(exported.first { $0.name == "blk.1.attn_k.weight" }?.shape, [shape.dim, shape.kvDim])
        XCTAssertEqual(exported.first { $0.name == "blk.0.ffn_down.weight" }?.shape, [shape.ffnDim, shape.dim])
        var dict = Dictionary(uniqueKeysWithValues: exported.map { ($0.name, $0.values) })
        XCTAssertEqual(try LlamaParameters(shape: shape, tensors: dict), p)
        dict["blk.0.ffn_up.weight"] = [1, 2, 3]
        XCTAssertThrowsError(try LlamaParameters(shape: shape, tensors: dict)) { error in
            XCTAssertEqual(error as? TrainingError,
                           .tensorSizeMismatch(name: "blk.0.ffn_up.weight", expected: shape.dim * shape.ffnDim, actual: 3))
        }
        dict["blk.0.ffn_up.weight"] = nil
        XCTAssertThrowsError(try LlamaParameters(shape: shape, tensors: dict)) { error in
            XCTAssertEqual(error as? TrainingError, .missingTensor(name: "blk.0.ffn_up.weight"))
        }
    }

    func testInvalidSequencesAreRejected() throws {
        let shape = GradientCheckTests.shape
        let p = try LlamaParameters(shape: shape, seed: 1)
        let graph = try LlamaGraph(shape: shape, threads: 1)
        XCTAssertThrowsError(try graph.forward(p, sequences: [TokenSequence(tokens: [1, 11])])) {
            XCTAssertEqual($0 as? TrainingError, .tokenOutOfRange(index: 0, token: 11, vocabSize: 11))
        }
        XCTAssertThrowsError(try graph.forward(p, sequences: [TokenSequence(tokens: [Int32](repeating: 1, count: 10))])) {
            XCTAssertEqual($0 as? TrainingError, .sequenceTooLong(index: 0, length: 10, contextLength: 8))
        }
        XCTAssertThrowsError(try graph.forward(p, sequences: [TokenSequence(tokens: [1])]))
    }
}

import LowBit
import Foundation
import Training
import XCTest

/// Forward+backward throughput on a few-M-parameter shape. Runs only when
/// `LOWBIT_TRAIN_BENCH=1` (use a release build:
/// `swift build -c release --build-tests -Xswiftc -enable-testing`).
final class TrainThroughputTests: XCTestCase {
    func testForwardBackwardThroughput() throws {
        guard ProcessInfo.processInfo.environment["LOWBIT_TRAIN_BENCH"] == "1" else {
            throw XCTSkip("set LOWBIT_TRAIN_BENCH=1 to measure")
        }
        let shape = LlamaShape(
            vocabSize: 4096, dim: 256, layers: 4, heads: 8, kvHeads: 8, ffnDim: 688, contextLength: 128)
        let params = try LlamaParameters(shape: shape, seed: 1)
        var rng = SeededRandom(seed: 2)
        let batch = (0..<8).map { _ in
            TokenSequence(tokens: (0..<129).map { _ in Int32(rng.next() % 4096) })
        }
        for threads in [1, 2] {
            let graph = try LlamaGraph(shape: shape, threads: threads)
            var grads = [Float](repeating: 0, count: params.count)
            var best = Double.infinity, bestF = Double.infinity, lossTime = Double.infinity
            for _ in 0..<3 {
                let t0 = Date()
                try graph.forward(params, sequences: batch)
                let t1 = Date()
                graph.addCrossEntropy(scale: 1)
                lossTime = min(lossTime, Date().timeIntervalSince(t1))
                graph.backward(params, into: &grads)
                let t2 = Date()
                best = min(best, t2.timeIntervalSince(t0))
                bestF = min(bestF, t1.timeIntervalSince(t0))
            }
            let tokens = Double(graph.rows)
            print(String(format: "threads %d: %d params, %.0f tokens, fwd %.1f ms, loss %.1f ms, fwd+bwd %.1f ms, %.0f tokens/s",
                         threads, params.count, tokens, bestF * 1e3, lossTime * 1e3, best * 1e3, tokens / best))
        }
    }
}

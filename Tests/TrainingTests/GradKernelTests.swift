import LowBit
import Kernels
import XCTest

@testable import Training

/// The building blocks of the backward pass against plain references, and their
/// independence from the thread count.
final class GradKernelTests: XCTestCase {
    func values(_ n: Int, seed: UInt64) -> [Float] {
        var rng = SeededRandom(seed: seed)
        return (0..<n).map { _ in Float(rng.nextNormal()) }
    }

    /// `C = A·B` through the kernel, for a given thread count.
    func gemm(_ a: [Float], _ b: [Float], _ c0: [Float], n: Int, k: Int, m: Int, accumulate: Bool, threads: Int) -> [Float] {
        var c = c0
        a.withUnsafeBufferPointer { ap in
            b.withUnsafeBufferPointer { bp in
                c.withUnsafeMutableBufferPointer { cp in
                    Matmul.gemm(
                        a: ap.baseAddress!, b: bp.baseAddress!, c: cp.baseAddress!, n: n, k: k, m: m,
                        accumulate: accumulate, pool: ThreadPool(threads: threads))
                }
            }
        }
        return c
    }

    func testGemmMatchesReferenceAndIsThreadInvariant() {
        // Sizes that exercise the 6-row tiles, 16/8-wide and scalar column tails, and k blocks.
        for (n, k, m) in [(13, 37, 45), (7, 300, 29), (1, 5, 3), (20, 260, 150)] {
            let a = values(n * k, seed: 1), b = values(k * m, seed: 2), c0 = values(n * m, seed: 3)
            for accumulate in [false, true] {
                let c1 = gemm(a, b, c0, n: n, k: k, m: m, accumulate: accumulate, threads: 1)
                for r in 0..<n {
                    for j in 0..<m {
                        var s = accumulate ? Double(c0[r * m + j]) : 0
                        for kk in 0..<k { s += Double(a[r * k + kk]) * Double(b[kk * m + j]) }
                        XCTAssertEqual(Double(c1[r * m + j]), s, accuracy: 1e-4 * Double(k).squareRoot() + 1e-5)
                    }
                }
                XCTAssertEqual(c1, gemm(a, b, c0, n: n, k: k, m: m, accumulate: accumulate, threads: 2))
                XCTAssertEqual(c1, gemm(a, b, c0, n: n, k: k, m: m, accumulate: accumulate, threads: 3))
            }
        }
    }

    func testMatmulFormsAgreeWithDefinitions() {
        let rows = 9, inDim = 20, outDim = 18
        let x = values(rows * inDim, seed: 4), w = values(outDim * inDim, seed: 5), dy = values(rows * outDim, seed: 6)
        var y = [Float](repeating: 0, count: rows * outDim)
        var dx = [Float](repeating: 0, count: rows * inDim)
        var dw = [Float](repeating: 1, count: outDim * inDim)
        let pool = ThreadPool(threads: 2), scratch = FloatBuffer()
        x.withUnsafeBufferPointer { xp in
            w.withUnsafeBufferPointer { wp in
                dy.withUnsafeBufferPointer { dyp in
                    Matmul.forward(x: xp.baseAddress!, w: wp.baseAddress!, y: &y, rows: rows, inDim: inDim, outDim: outDim, scratch: scratch, pool: pool)
                    Matmul.backwardInput(dy: dyp.baseAddress!, w: wp.baseAddress!, dx: &dx, rows: rows, inDim: inDim, outDim: outDim, accumulate: false, pool: pool)
                    Matmul.backwardWeight(dy: dyp.baseAddress!, x: xp.baseAddress!, dw: &dw, rows: rows, inDim: inDim, outDim: outDim, scratch: scratch, pool: pool)
                }
            }
        }
        for r in 0..<rows {
            for o in 0..<outDim {
                var s = 0.0
                for i in 0..<inDim { s += Double(x[r * inDim + i]) * Double(w[o * inDim + i]) }
                XCTAssertEqual(Double(y[r * outDim + o]), s, accuracy: 1e-4)
            }
            for i in 0..<inDim {
                var s = 0.0
                for o in 0..<outDim { s += Double(dy[r * outDim + o]) * Double(w[o * inDim + i]) }
                XCTAssertEqual(Double(dx[r * inDim + i]), s, accuracy: 1e-4)
            }
        }
        for o in 0..<outDim {
            for i in 0..<inDim {
                var s = 1.0
                for r in 0..<rows { s += Double(dy[r * outDim + o]) * Double(x[r * inDim + i]) }
                XCTAssertEqual(Double(dw[o * inDim + i]), s, accuracy: 1e-4)
            }
        }
    }

    func testRoPEMatchesInferenceBitForBit() {
        let heads = 3, headDim = 16
        let table = RoPETable(headDim: headDim, positions: 64, base: 10000)
        for position in [0, 1, 7, 63] {
            var expected = values(heads * headDim, seed: UInt64(position))
            var actual = expected
            expected.withUnsafeMutableBufferPointer {
                VectorOps.rope($0, heads: heads, headDim: headDim, position: position, freqBase: 10000)
            }
            actual.withUnsafeMutableBufferPointer {
                table.apply($0.baseAddress!, heads: heads, position: position, inverse: false)
            }
            XCTAssertEqual(actual, expected, "position \(position)")
            // The inverse rotation undoes it.
            actual.withUnsafeMutableBufferPointer {
                table.apply($0.baseAddress!, heads: heads, position: position, inverse: true)
            }
            let original = values(heads * headDim, seed: UInt64(position))
            for i in original.indices { XCTAssertEqual(actual[i], original[i], accuracy: 1e-5) }
        }
    }

    func testRMSNormMatchesInferenceBitForBit() {
        let dim = 24
        let x = values(2 * dim, seed: 9), w = values(dim, seed: 10)
        var y = [Float](repeating: 0, count: 2 * dim), inv = [Float](repeating: 0, count: 2)
        LayerKernels.rmsNormForward(x: x, w: w, y: &y, inv: &inv, rows: 2, dim: dim, eps: 1e-5, pool: ThreadPool(threads: 1))
        for r in 0..<2 {
            var expected = [Float](repeating: 0, count: dim)
            Array(x[(r * dim)..<((r + 1) * dim)]).withUnsafeBufferPointer { xp in
                w.withUnsafeBufferPointer { wp in
                    expected.withUnsafeMutableBufferPointer { VectorOps.rmsNorm(xp, weight: wp, eps: 1e-5, into: $0) }
                }
            }
            XCTAssertEqual(Array(y[(r * dim)..<((r + 1) * dim)]), expected)
        }
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

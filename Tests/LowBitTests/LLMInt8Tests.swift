import XCTest
@testable import LowBit
import Kernels

/// LLM.int8(): hand-computed rows, outlier columns taken out exactly, and the forward pass
/// applying the rule to every block matrix's input.
final class LLMInt8Tests: XCTestCase {
    func testOutlierColumnsAreKeptExactlyAndTheRestIsInt8() {
        var row: [Float] = [0.5, -7.25, 1.0, 6.0, -0.25, 0.003]
        row.withUnsafeMutableBufferPointer { LLMInt8Activations.applyRow($0, threshold: 6) }
        // Outliers |x| ≥ 6 keep their (f16) values; the absmax of the rest is 1.0.
        XCTAssertEqual(row[1], -7.25)
        XCTAssertEqual(row[3], 6.0)
        let back: Float = 1.0 * 7.874015718698502e-3
        XCTAssertEqual(row[0], (0.5 * 127).rounded(.toNearestOrEven) * back)  // 63.5 → 64 (half to even)
        XCTAssertEqual(row[2], 127 * back)
        XCTAssertEqual(row[4], -32 * back)                                    // −31.75 → −32
        XCTAssertEqual(row[5], Float((Float(Float16(0.003)) * 127).rounded(.toNearestOrEven)) * back)
        // A row of outliers and zeros: the zeros stay zero.
        var edge: [Float] = [9, 0, -9]
        edge.withUnsafeMutableBufferPointer { LLMInt8Activations.applyRow($0, threshold: 6) }
        XCTAssertEqual(edge, [9, 0, -9])
    }

    func testRowWiseInt8Weights() {
        let w: [Float] = [0.5, -1, 0.25, 2, 4, -0.125]
        let q = LLMInt8.fakeQuantize(matrix: w, rows: 2, cols: 3)
        let b0: Float = 1 * 7.874015718698502e-3, b1: Float = 4 * 7.874015718698502e-3
        XCTAssertEqual(q, [64 * b0, -127 * b0, 32 * b0, (2 * 127 / 4 as Float).rounded(.toNearestOrEven) * b1, 127 * b1,
                           (-0.125 * 127 / 4 as Float).rounded(.toNearestOrEven) * b1])
    }

    func testTheForwardPassQuantizesBlockInputs() throws {
        let config = ModelConfig(vocabSize: 300, dim: 64, layers: 2, heads: 4, kvHeads: 4, ffnDim: 96, contextLength: 32)
        let weights = try SyntheticModel.make(config: config, type: .f32, seed: 4)
        let int8 = try LLMInt8().apply(to: weights, context: QuantizationContext())
        let model = try loadModel(int8)
        XCTAssertTrue(model.quantizesActivations)
        // The same fake-quant weights without the activation rule give different logits.
        var plain = int8
        plain.metadata["lowbit.quantization.activation_scheme"] = nil
        let a = try model.forward([1, 2, 3], cache: model.makeCache())
        let b = try loadModel(plain).forward([1, 2, 3], cache: model.makeCache())
        XCTAssertNotEqual(a, b)
        XCTAssertLessThan(zip(a, b).map { abs($0 - $1) }.max()!, 0.5)
        var bad = int8
        bad.metadata["lowbit.quantization.activation_scheme"] = .string("fp8")
        XCTAssertThrowsError(try loadModel(bad)) { e in
            guard case .invalidMetadata(_, let key, _)? = e as? ModelError else { return XCTFail("\(e)") }
            XCTAssertEqual(key, "lowbit.quantization.activation_scheme")
        }
    }
}

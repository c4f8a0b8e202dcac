import Training
import XCTest

final class AdamWTests: XCTestCase {
    let shape = LlamaShape(vocabSize: 4, dim: 2, layers: 1, heads: 1, kvHeads: 1, ffnDim: 2, contextLength: 4)

    func testTwoStepsMatchHandComputation() throws {
        let layout = ParameterLayout(shape: shape)
        var adam = AdamW(layout: layout, learningRate: 0.1, weightDecay: 0.01)
        var p = (0..<layout.totalCount).map { Float($0 % 5) * 0.25 - 0.5 }
        let g1 = (0..<layout.totalCount).map { Float(($0 * 7) % 11) * 0.1 - 0.5 }
        let g2 = (0..<layout.totalCount).map { Float(($0 * 3) % 13) * 0.05 - 0.3 }
        var expected = p.map(Double.init)
        var m = [Double](repeating: 0, count: p.count), v = m
        for (step, g) in [g1, g2].enumerated() {
            let t = Double(step + 1)
            for i in p.indices {
                m[i] = 0.9 * m[i] + 0.1 * Double(g[i])
                v[i] = 0.999 * v[i] + 0.001 * Double(g[i]) * Double(g[i])
                let mHat = m[i] / (1 - pow(0.9, t)), vHat = v[i] / (1 - pow(0.999, t))
                expected[i] -= 0.1 * (mHat / (vHat.squareRoot() + 1e-8) + 0.01 * expected[i])
            }
            adam.update(&p, gradients: g)
        }
        for i in p.indices { XCTAssertEqual(Double(p[i]), expected[i], accuracy: 1e-5) }
        XCTAssertEqual(adam.step, 2)
    }

    func testClippingAndPerTensorMultipliers() throws {
        let layout = ParameterLayout(shape: shape)
        var adam = AdamW(layout: layout, learningRate: 0.01, gradientClip: 1)
        adam.learningRateMultipliers[0] = 0  // token_embd frozen
        adam.learningRateMultipliers[1] = 10  // blk.0.attn_norm at 10×
        var p = [Float](repeating: 0.5, count: layout.totalCount)
        let g = [Float](repeating: 3, count: layout.totalCount)
        let norm = adam.update(&p, gradients: g)
        XCTAssertEqual(norm, 3 * Double(layout.totalCount).squareRoot(), accuracy: 1e-9)
        let e = layout.entries
        for i in e[0].range { XCTAssertEqual(p[i], 0.5) }
        // The first Adam step moves every weight by lr·μ (·g/|g| = 1), whatever the clip.
        for i in e[1].range { XCTAssertEqual(p[i], 0.5 - 0.1, accuracy: 1e-6) }
        for i in e[2].range { XCTAssertEqual(p[i], 0.5 - 0.01, accuracy: 1e-6) }
    }
}

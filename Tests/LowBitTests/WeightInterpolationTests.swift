import XCTest
@testable import LowBit

final class WeightInterpolationTests: XCTestCase {
    func testEndpointsAndMidpoint() throws {
        let a = try SyntheticModel.make(config: microConfig, type: .f32, seed: 1)
        let b = try SyntheticModel.make(config: microConfig, type: .f32, seed: 2)
        let zero = try WeightInterpolation.interpolate(target: a, unlearned: b, alpha: 0)
        let one = try WeightInterpolation.interpolate(target: a, unlearned: b, alpha: 1)
        let half = try WeightInterpolation.interpolate(target: a, unlearned: b, alpha: 0.5)
        for (i, t) in a.tensors.enumerated() {
            XCTAssertEqual(zero.tensors[i].floats(), t.floats())
            XCTAssertEqual(one.tensors[i].floats(), b.tensors[i].floats())
            let mid = half.tensors[i].floats(), x = t.floats(), y = b.tensors[i].floats()
            for j in stride(from: 0, to: mid.count, by: 97) { XCTAssertEqual(mid[j], (x[j] + y[j]) / 2, accuracy: 1e-6) }
        }
    }

    func testShapeMismatchThrows() throws {
        let a = try SyntheticModel.make(config: microConfig, type: .f32, seed: 1)
        var c = microConfig
        c.ffnDim = 128
        let b = try SyntheticModel.make(config: c, type: .f32, seed: 2)
        XCTAssertThrowsError(try WeightInterpolation.interpolate(target: a, unlearned: b, alpha: 0.5))
    }
}

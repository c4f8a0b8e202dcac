import Kernels
import XCTest

final class DotProductTests: XCTestCase {
    static let sizes = [32, 96, 4096 + 32]

    /// |simd − ref| ≤ 1e-5 · Σ|w·x| + 1e-6: both sum the same products in f32, in different orders.
    private func assertClose(_ a: Float, _ b: Float, scale: Float, _ msg: String) {
        XCTAssertLessThanOrEqual(abs(a - b), 1e-5 * scale + 1e-6, "\(msg): \(a) vs \(b)")
    }

    func testQuantizedDotsMatchReference() throws {
        for n in Self.sizes {
            let x = TestData.values(n, seed: UInt64(n))
            let a = try x.withUnsafeBufferPointer { try ActivationsQ8_0($0) }
            for type in [GGMLType.q8_0, .q4_0, .q4_1] {
                let w = try TestData.weights(type, rows: 1, cols: n, seed: 77)
                let wf = try w.withUnsafeBytes { try RowCodec.dequantize($0, as: type, count: n) }
                let xe = try TestData.effectiveActivations(x, for: type)
                let scale = zip(wf, xe).reduce(Float(0)) { $0 + abs($1.0 * $1.1) }
                let exact = zip(wf, xe).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
                let (simd, ref): (Float, Float) = w.withUnsafeBytes { wb in
                    switch type {
                    case .q8_0: (DotProducts.dotQ8_0Q8_0(wb, a), DotProducts.dotQ8_0Q8_0Ref(wb, a))
                    case .q4_0: (DotProducts.dotQ4_0Q8_0(wb, a), DotProducts.dotQ4_0Q8_0Ref(wb, a))
                    default: (DotProducts.dotQ4_1Q8_0(wb, a), DotProducts.dotQ4_1Q8_0Ref(wb, a))
                    }
                }
                assertClose(simd, ref, scale: scale, "\(type) n=\(n)")
                // The reference is the dequantized dot product (Q4_1's min term uses the sums).
                XCTAssertLessThanOrEqual(abs(Double(ref) - exact), 1e-5 * Double(scale) + 1e-6, "\(type) n=\(n) vs exact")
            }
        }
    }

    func testFloatDotsMatchReference() throws {
        for n in Self.sizes + [1, 15, 33] {
            let x = TestData.values(n, seed: UInt64(n) + 5)
            let wv = TestData.values(n, seed: UInt64(n) + 6)
            let scale = zip(wv, x).reduce(Float(0)) { $0 + abs($1.0 * $1.1) }
            try x.withUnsafeBufferPointer { xb in
                wv.withUnsafeBufferPointer { wb in
                    assertClose(DotProducts.dotF32(wb, xb), DotProducts.dotF32Ref(wb, xb), scale: scale, "f32 n=\(n)")
                }
                for type in [GGMLType.f16, .bf16] {
                    let w = try RowCodec.quantize(wv, as: type)
                    w.withUnsafeBytes { wb in
                        let (simd, ref) = type == .f16
                            ? (DotProducts.dotF16F32(wb, xb), DotProducts.dotF16F32Ref(wb, xb))
                            : (DotProducts.dotBF16F32(wb, xb), DotProducts.dotBF16F32Ref(wb, xb))
                        assertClose(simd, ref, scale: scale, "\(type) n=\(n)")
                    }
                }
            }
        }
    }
}

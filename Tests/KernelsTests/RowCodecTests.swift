import Kernels
import XCTest

final class RowCodecTests: XCTestCase {
    func testRoundTripErrorIsBoundedPerType() throws {
        var rng = SplitMix64(seed: 1)
        let x = (0..<256).map { _ in Float(rng.nextUnit() * 2 - 1) }
        let bounds: [GGMLType: Float] = [
            .f32: 0, .f16: 1e-3, .bf16: 8e-3, .q8_0: 1e-2, .q4_0: 0.16, .q4_1: 0.08, .q5_0: 0.07, .q5_1: 0.04,
            .q2_K: 0.4, .q3_K: 0.3, .q4_K: 0.09, .q5_K: 0.06, .q6_K: 0.025,
        ]
        for type in GGMLType.supported {
            let bytes = try RowCodec.quantize(x, as: type)
            XCTAssertEqual(bytes.count, type.byteCount(elements: 256))
            let y = try bytes.withUnsafeBytes { try RowCodec.dequantize($0, as: type, count: 256) }
            let maxErr = zip(x, y).map { abs($0 - $1) }.max()!
            XCTAssertLessThanOrEqual(maxErr, bounds[type] ?? 0, "\(type)")
        }
    }

    func testMisalignedCountThrows() {
        XCTAssertThrowsError(try RowCodec.quantize([Float](repeating: 1, count: 33), as: .q4_0))
    }
}

/// Deterministic generator for test data.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func nextUnit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}

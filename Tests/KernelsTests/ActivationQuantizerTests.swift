import Kernels
import XCTest

final class ActivationQuantizerTests: XCTestCase {
    private func both(_ x: [Float]) throws -> ([UInt8], [UInt8]) {
        var simd = [UInt8](repeating: 0xAA, count: x.count / 32 * 34)
        var ref = [UInt8](repeating: 0x55, count: x.count / 32 * 34)
        try x.withUnsafeBufferPointer { xb in
            try simd.withUnsafeMutableBytes { try ActivationQuantizer.quantizeRowQ8_0(xb, into: $0) }
            try ref.withUnsafeMutableBytes { try ActivationQuantizer.quantizeRowQ8_0Ref(xb, into: $0) }
        }
        return (simd, ref)
    }

    func testSIMDQuantizerMatchesReferenceBytes() throws {
        for (n, seed) in [(32, 1), (96, 2), (4128, 3)] {
            for scale: Float in [1, 1e-3, 300] {
                let (simd, ref) = try both(TestData.values(n, seed: UInt64(seed), scale: scale))
                XCTAssertEqual(simd, ref, "n=\(n) scale=\(scale)")
            }
        }
    }

    func testHalfwayCasesRoundAwayFromZero() throws {
        // amax 127 gives d = 1 exactly, so x·id = x.
        var x = [Float](repeating: 0, count: 32)
        x[0] = 127; x[1] = 2.5; x[2] = -2.5; x[3] = 0.5; x[4] = -0.49; x[5] = -127; x[6] = 1.5
        let (simd, ref) = try both(x)
        let expected: [UInt8] = [0x00, 0x3C, 127, 3, 0xFD, 1, 0, 0x81, 2] + [UInt8](repeating: 0, count: 25)
        XCTAssertEqual(ref, expected)
        XCTAssertEqual(simd, expected)
    }

    func testAllZeroBlock() throws {
        let (simd, ref) = try both([Float](repeating: 0, count: 32))
        XCTAssertEqual(ref, [UInt8](repeating: 0, count: 34))
        XCTAssertEqual(simd, ref)
        // ggml's Q4_0 of zeros: d = 0 / -8 = -0.0 (fp16 0x8000), codes 8.
        let q4 = try RowCodec.quantize([Float](repeating: 0, count: 32), as: .q4_0)
        XCTAssertEqual(q4, [0x00, 0x80] + [UInt8](repeating: 0x88, count: 16))
    }

    func testQ4_0TruncatesAfterAdding8Point5() throws {
        // max = -8 gives d = 1, id = 1: q = min(15, Int8(x + 8.5)).
        var x = [Float](repeating: 0, count: 32)
        x[0] = -8; x[1] = 0.5; x[2] = 7.4; x[3] = 7.6; x[4] = -0.6; x[16] = 0.49; x[17] = -7.6
        let q4 = try RowCodec.quantize(x, as: .q4_0)
        XCTAssertEqual(Array(q4[0..<2]), [0x00, 0x3C])
        // Element j in the low nibble of byte j, element j+16 in the high nibble.
        XCTAssertEqual(q4[2], 0x80 | 0x0)   // x0 → 0, x16 = 0.49 → Int8(8.99) = 8
        XCTAssertEqual(q4[3], 0x00 | 0x9)   // x1 → Int8(9.0) = 9, x17 = -7.6 → Int8(0.9) = 0
        XCTAssertEqual(q4[4], 0x80 | 0xF)   // x2 → Int8(15.9) = 15
        XCTAssertEqual(q4[5], 0x80 | 0xF)   // x3 → 16.1, clamped to 15
        XCTAssertEqual(q4[6], 0x80 | 0x7)   // x4 → Int8(7.9) = 7
        XCTAssertEqual(q4[7], 0x88)         // zeros → 8
    }

    func testActivationsCarryScalesAndSums() throws {
        let x = TestData.values(96, seed: 9)
        let a = try x.withUnsafeBufferPointer { try ActivationsQ8_0($0) }
        let ref = try RowCodec.quantize(x, as: .q8_0)
        XCTAssertEqual(a.ggmlBytes, ref)
        for b in 0..<3 {
            let s = a.codes[(32 * b)..<(32 * b + 32)].reduce(0) { $0 + Int($1) }
            XCTAssertEqual(a.sums[b], a.scales[b] * Float(s), accuracy: 1e-5)
        }
        XCTAssertThrowsError(try x.dropLast().withUnsafeBufferPointer { try ActivationsQ8_0($0) })
    }
}

/// The SIMD Q8_K block encoder against the scalar spec, on the cases where lane-wise
/// evaluation could part from element order: ties of magnitude with either sign first,
/// NaN and infinities, all-zero and denormal blocks, halfway products, and the clamp at 127.
final class ActivationQuantizerQ8_KTests: XCTestCase {
    private func assertSame(_ x: [Float], _ what: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let simd = try x.withUnsafeBufferPointer { try ActivationQuantizer.quantizeRowQ8_K($0) }
        let ref = try x.withUnsafeBufferPointer { try ActivationQuantizer.quantizeRowQ8_KRef($0) }
        XCTAssertEqual(simd.count, x.count / 256 * 292, what, file: file, line: line)
        XCTAssertEqual(simd, ref, what, file: file, line: line)
    }

    func testRandomRowsMatchScalarSpec() throws {
        for (n, seed) in [(256, 1), (768, 2), (4096, 3)] {
            for scale: Float in [1, 1e-3, 300, 1e-30] {
                try assertSame(TestData.values(n, seed: UInt64(seed), scale: scale), "n=\(n) scale=\(scale)")
            }
        }
    }

    func testTiesSignsAndSpecialValues() throws {
        var x = TestData.values(256, seed: 9, scale: 1)
        // Equal magnitudes of opposite sign: the first one sets the sign of the scale.
        x[17] = -5; x[200] = 5
        try assertSame(x, "negative first")
        x[17] = 5; x[200] = -5
        try assertSame(x, "positive first")
        // The largest magnitude in the last lane of a vector, and a tie across lanes.
        x[17] = 1; x[200] = 1; x[255] = -7; x[15] = 7
        try assertSame(x, "tie across lanes")
        // NaN is never the maximum; infinities are.
        var n = x; n[3] = .nan; n[100] = .nan
        try assertSame(n, "NaN")
        var i = x; i[40] = -.infinity
        try assertSame(i, "infinity")
        try assertSame([Float](repeating: .nan, count: 256), "all NaN")
        try assertSame([Float](repeating: 0, count: 256) + [Float](repeating: -0.0, count: 256), "zeros")
        try assertSame([Float](repeating: .leastNonzeroMagnitude, count: 256), "denormal")
    }

    func testHalfwayProductsAndClamp() throws {
        // max −127 gives iscale = 1, so codes are the values rounded half to even.
        var x = [Float](repeating: 0, count: 256)
        x[0] = -127
        for k in 1..<256 { x[k] = Float(k % 9) - 4.5 + (k % 2 == 0 ? 0 : 0.25) }
        try assertSame(x, "halfway")
        let bytes = try x.withUnsafeBufferPointer { try ActivationQuantizer.quantizeRowQ8_KRef($0) }
        XCTAssertEqual(Int8(bitPattern: bytes[4]), -127, "x[0] = −127, iscale = 1")
        XCTAssertEqual(Int8(bitPattern: bytes[4 + 2]), -2, "x[2] = −2.5 rounds half to even")
        XCTAssertEqual(Int8(bitPattern: bytes[4 + 3]), -1, "x[3] = −1.25")
        // A positive max: iscale = −127 / max, so the max's own code would be −127 and
        // −max's +127; values past the max cannot occur, the clamp is for rounding at 127.
        var y = TestData.values(256, seed: 4, scale: 2)
        y[9] = 3
        for k in 0..<256 where abs(y[k]) > 3 { y[k] = 2.999 }
        try assertSame(y, "positive max")
    }
}

import Kernels
import XCTest

final class RepackedQ4_0Tests: XCTestCase {
    /// Block counts with and without whole four-block groups and tails.
    static let blockCounts = [1, 3, 4, 5, 8, 11, 64, 129]

    private func repacked(_ w: [UInt8], blocks: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0xAA, count: w.count)
        w.withUnsafeBytes { s in out.withUnsafeMutableBytes { RepackedQ4_0.repackRow(s.baseAddress!, $0.baseAddress!, blocks: blocks) } }
        return out
    }

    func testRepackedRowDequantizesToTheSameValues() throws {
        for blocks in Self.blockCounts {
            let n = 32 * blocks
            let w = try TestData.weights(.q4_0, rows: 1, cols: n, seed: UInt64(blocks))
            let expected = try w.withUnsafeBytes { try RowCodec.dequantize($0, as: .q4_0, count: n) }
            let r = repacked(w, blocks: blocks)
            XCTAssertEqual(r.count, w.count)
            var got = [Float](repeating: .nan, count: n)
            r.withUnsafeBytes { rb in got.withUnsafeMutableBufferPointer { RepackedQ4_0.dequantizeRow(rb, into: $0) } }
            XCTAssertEqual(got, expected, "blocks=\(blocks)")
        }
    }

    func testDotMatchesScalarReferenceAndGGMLLayout() throws {
        for blocks in Self.blockCounts {
            let n = 32 * blocks
            let x = TestData.values(n, seed: UInt64(n) + 9)
            let a = try x.withUnsafeBufferPointer { try ActivationsQ8_0($0) }
            let w = try TestData.weights(.q4_0, rows: 1, cols: n, seed: UInt64(blocks) + 40)
            let wf = try w.withUnsafeBytes { try RowCodec.dequantize($0, as: .q4_0, count: n) }
            let xe = try TestData.effectiveActivations(x, for: .q4_0)
            let scale = zip(wf, xe).reduce(Float(0)) { $0 + abs($1.0 * $1.1) }
            let r = repacked(w, blocks: blocks)
            let (simd, ref) = r.withUnsafeBytes { (RepackedQ4_0.dot($0, a), RepackedQ4_0.dotRef($0, a)) }
            let ggml = w.withUnsafeBytes { DotProducts.dotQ4_0Q8_0Ref($0, a) }
            XCTAssertLessThanOrEqual(abs(simd - ref), 1e-5 * scale + 1e-6, "blocks=\(blocks): \(simd) vs \(ref)")
            XCTAssertLessThanOrEqual(abs(ref - ggml), 1e-5 * scale + 1e-6, "blocks=\(blocks): \(ref) vs ggml \(ggml)")
        }
    }

    func testPermuteIsABijectionKeepingTails() {
        for blocks in Self.blockCounts {
            let codes = (0..<(32 * blocks)).map { Int16(truncatingIfNeeded: $0) }
            var out = [Int16](repeating: -1, count: codes.count)
            codes.withUnsafeBufferPointer { c in out.withUnsafeMutableBufferPointer { RepackedQ4_0.permute(c.baseAddress!, blocks: blocks, into: $0.baseAddress!) } }
            XCTAssertEqual(out.sorted(), codes, "blocks=\(blocks)")
            let whole = 128 * (blocks / 4)
            XCTAssertEqual(Array(out[whole...]), Array(codes[whole...]), "blocks=\(blocks) tail")
            if blocks >= 4 {
                // Vector m = 1 of group 0 holds elements 4…7 of blocks 0, 1, 2, 3.
                XCTAssertEqual(Array(out[16..<32]), [4, 5, 6, 7, 36, 37, 38, 39, 68, 69, 70, 71, 100, 101, 102, 103])
            }
        }
    }
}

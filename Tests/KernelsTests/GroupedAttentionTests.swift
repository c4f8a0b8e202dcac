import XCTest
@testable import Kernels

/// ``Attention/attendGroup(_:query:keys:values:first:positions:settings:out:scores:)`` against
/// its reference, ``Attention/attendHead(_:query:keys:values:first:positions:settings:out:scores:)``
/// head by head: outputs and probabilities equal bit for bit.
final class GroupedAttentionTests: XCTestCase {
    private struct Case {
        var heads, kvHeads, keyDim, valueDim, positions, first: Int
        var softcap: Float?
    }

    private func check(_ c: Case, file: StaticString = #filePath, line: UInt = #line) {
        let settings = Attention.Settings(heads: c.heads, kvHeads: c.kvHeads, keyDim: c.keyDim, valueDim: c.valueDim,
                                          scale: 1 / Float(c.keyDim).squareRoot(), softcap: c.softcap)
        let group = c.heads / c.kvHeads
        let q = TestData.values(c.heads * c.keyDim, seed: UInt64(c.heads * 31 + c.positions))
        let k = TestData.values(c.positions * c.kvHeads * c.keyDim, seed: UInt64(c.keyDim * 7 + 1))
        let v = TestData.values(c.positions * c.kvHeads * c.valueDim, seed: UInt64(c.valueDim * 13 + 2))
        var expected = [Float](repeating: .nan, count: c.heads * c.valueDim)
        var expectedProbs = [[Float]](repeating: [], count: c.heads)
        var got = [Float](repeating: .nan, count: c.heads * c.valueDim)
        var gotScores = [Float](repeating: .nan, count: group * c.positions)
        q.withUnsafeBufferPointer { qp in
            k.withUnsafeBufferPointer { kp in
                v.withUnsafeBufferPointer { vp in
                    var scores = [Float](repeating: .nan, count: c.positions)
                    for h in 0..<c.heads {
                        expected.withUnsafeMutableBufferPointer { o in
                            scores.withUnsafeMutableBufferPointer { s in
                                Attention.attendHead(h, query: qp, keys: kp, values: vp, first: c.first, positions: c.positions,
                                                     settings: settings, out: o, scores: s)
                            }
                        }
                        expectedProbs[h] = Array(scores[c.first..<c.positions])
                    }
                    for g in 0..<c.kvHeads {
                        got.withUnsafeMutableBufferPointer { o in
                            gotScores.withUnsafeMutableBufferPointer { s in
                                Attention.attendGroup(g, query: qp, keys: kp, values: vp, first: c.first, positions: c.positions,
                                                      settings: settings, out: o, scores: s)
                            }
                        }
                        for j in 0..<group {
                            let row = Array(gotScores[(j * c.positions + c.first)..<((j + 1) * c.positions)])
                            XCTAssertEqual(row.map(\.bitPattern), expectedProbs[g * group + j].map(\.bitPattern),
                                           "probabilities of head \(g * group + j) in \(c)", file: file, line: line)
                        }
                    }
                }
            }
        }
        XCTAssertEqual(got.map(\.bitPattern), expected.map(\.bitPattern), "outputs in \(c)", file: file, line: line)
    }

    func testGroupedEqualsHeadByHeadBitForBit() {
        // Group sizes 1 (multi-head), 2, 3, 7 (Qwen2.5's 28/4), 8 (TinyLlama) and 12 (past one
        // block of eight); head sizes with and without a scalar tail; value heads wider or
        // narrower than key heads, with and without an eight-element tail; one position; a
        // sliding window; soft-capping.
        let cases = [
            Case(heads: 4, kvHeads: 4, keyDim: 16, valueDim: 16, positions: 1, first: 0),
            Case(heads: 4, kvHeads: 2, keyDim: 8, valueDim: 8, positions: 5, first: 0),
            Case(heads: 6, kvHeads: 2, keyDim: 12, valueDim: 20, positions: 9, first: 3),
            Case(heads: 14, kvHeads: 2, keyDim: 64, valueDim: 64, positions: 37, first: 0),
            Case(heads: 32, kvHeads: 4, keyDim: 64, valueDim: 64, positions: 70, first: 0),
            Case(heads: 24, kvHeads: 2, keyDim: 20, valueDim: 36, positions: 13, first: 12),
            Case(heads: 8, kvHeads: 1, keyDim: 32, valueDim: 5, positions: 11, first: 2, softcap: 50),
            Case(heads: 16, kvHeads: 2, keyDim: 256, valueDim: 256, positions: 6, first: 0, softcap: 30),
        ]
        for c in cases { check(c) }
    }
}

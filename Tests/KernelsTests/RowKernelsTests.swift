import Kernels
import XCTest

/// Training's row kernels and RoPE: forward halves equal the runtime's kernels bit for bit,
/// the inverse rotation undoes RoPE, and causal attention's forward equals the runtime's
/// per-head attention.
final class RowKernelsTests: XCTestCase {
    func testRMSNormForwardIsTheRuntimeKernelAndKeepsTheScale() {
        let dim = 24
        let x = TestData.values(2 * dim, seed: 9), w = TestData.values(dim, seed: 10)
        var y = [Float](repeating: 0, count: 2 * dim), inv = [Float](repeating: 0, count: 2)
        x.withUnsafeBufferPointer { xp in
            w.withUnsafeBufferPointer { wp in
                y.withUnsafeMutableBufferPointer { yp in
                    inv.withUnsafeMutableBufferPointer {
                        RowKernels.rmsNormForward(x: xp, w: wp, y: yp, inv: $0, rows: 2, dim: dim, eps: 1e-5, pool: ThreadPool(threads: 2))
                    }
                }
            }
        }
        for r in 0..<2 {
            var expected = [Float](repeating: 0, count: dim)
            let row = Array(x[(r * dim)..<((r + 1) * dim)])
            var ss: Float = 0
            for v in row { ss = ss.addingProduct(v, v) }
            XCTAssertEqual(inv[r], 1 / (ss / Float(dim) + 1e-5).squareRoot())
            row.withUnsafeBufferPointer { xp in
                w.withUnsafeBufferPointer { wp in
                    expected.withUnsafeMutableBufferPointer { VectorOps.rmsNorm(xp, weight: wp, eps: 1e-5, into: $0) }
                }
            }
            XCTAssertEqual(Array(y[(r * dim)..<((r + 1) * dim)]), expected)
        }
    }

    func testRoPEInverseUndoesTheRotationAndNeoXPairsHalves() {
        for layout in [RoPE.Layout.normal, .neox] {
            let rope = RoPE(dims: 12, layout: layout, base: 10000)
            let original = TestData.values(3 * 16, seed: 2)
            var x = original
            var cache = [Float](repeating: 0, count: 12)
            cache.withUnsafeMutableBufferPointer { rope.angles(position: 7, into: $0) }
            cache.withUnsafeBufferPointer { c in
                x.withUnsafeMutableBufferPointer { rope.apply($0, heads: 3, headDim: 16, cache: c) }
            }
            for h in 0..<3 {
                // Partial rotary: elements 12..<16 of each head pass through.
                for i in 12..<16 { XCTAssertEqual(x[16 * h + i], original[16 * h + i]) }
                // Pair 0 at position 7 turns by 7 radians: (x0, x1) for normal, (x0, x6) for neox.
                let j1 = layout == .normal ? 1 : 6
                let a = original[16 * h], b = original[16 * h + j1]
                XCTAssertEqual(x[16 * h], a * cosf(7) - b * sinf(7), accuracy: 1e-5)
                XCTAssertEqual(x[16 * h + j1], a * sinf(7) + b * cosf(7), accuracy: 1e-5)
            }
            cache.withUnsafeBufferPointer { c in
                x.withUnsafeMutableBufferPointer { rope.apply($0, heads: 3, headDim: 16, cache: c, inverse: true) }
            }
            for i in original.indices { XCTAssertEqual(x[i], original[i], accuracy: 1e-5) }
        }
    }

    func testCausalAttentionForwardEqualsRuntimeAttention() {
        let heads = 4, kvHeads = 2, hd = 8, T = 5
        let q = TestData.values(T * heads * hd, seed: 1), k = TestData.values(T * kvHeads * hd, seed: 2)
        let v = TestData.values(T * kvHeads * hd, seed: 3)
        let g = AttentionGeometry(heads: heads, kvHeads: kvHeads, headDim: hd, offsets: [0], lengths: [T])
        var out = [Float](repeating: 0, count: T * heads * hd), probs = [Float](repeating: 0, count: g.probCount)
        q.withUnsafeBufferPointer { qp in
            k.withUnsafeBufferPointer { kp in
                v.withUnsafeBufferPointer { vp in
                    out.withUnsafeMutableBufferPointer { op in
                        probs.withUnsafeMutableBufferPointer {
                            CausalAttention.forward(q: qp, k: kp, v: vp, out: op, probs: $0, geometry: g, pool: ThreadPool(threads: 2))
                        }
                    }
                }
            }
        }
        for t in 0..<T {
            var expected = [Float](repeating: 0, count: heads * hd), scores = [Float](repeating: 0, count: T)
            for h in 0..<heads {
                q.withUnsafeBufferPointer { qp in
                    k.withUnsafeBufferPointer { kp in
                        v.withUnsafeBufferPointer { vp in
                            expected.withUnsafeMutableBufferPointer { op in
                                scores.withUnsafeMutableBufferPointer {
                                    Attention.attendHead(h, query: UnsafeBufferPointer(rebasing: qp[(t * heads * hd)..<((t + 1) * heads * hd)]),
                                                         keys: kp, values: vp, positions: t + 1, heads: heads, kvHeads: kvHeads,
                                                         headDim: hd, out: op, scores: $0)
                                }
                            }
                        }
                    }
                }
                let p = Array(probs[(h * T * T + t * T)..<(h * T * T + t * T + t + 1)])
                XCTAssertEqual(p, Array(scores[0...t]))
                XCTAssertEqual(p.reduce(0, +), 1, accuracy: 1e-5)
            }
            XCTAssertEqual(Array(out[(t * heads * hd)..<((t + 1) * heads * hd)]), expected)
        }
    }
}

import Kernels
import XCTest

/// The training matrix products (on the runtime's blocked GEMM) against float64 definitions,
/// and their independence from the thread count.
final class MatrixProductsTests: XCTestCase {
    func values(_ n: Int, seed: UInt64) -> [Float] { TestData.values(n, seed: seed) }

    struct Products { var y: [Float], dx: [Float], dw: [Float] }

    func products(x: [Float], w: [Float], dy: [Float], dx0: [Float], dw0: [Float], rows: Int, inDim: Int, outDim: Int,
                  accumulate: Bool, threads: Int) -> Products {
        var y = [Float](repeating: .nan, count: rows * outDim), dx = dx0, dw = dw0
        let pool = ThreadPool(threads: threads), scratch = FloatBuffer()
        x.withUnsafeBufferPointer { xp in
            w.withUnsafeBufferPointer { wp in
                dy.withUnsafeBufferPointer { dyp in
                    y.withUnsafeMutableBufferPointer {
                        MatrixProducts.forward(x: xp, w: wp, y: $0, rows: rows, inDim: inDim, outDim: outDim, pool: pool)
                    }
                    dx.withUnsafeMutableBufferPointer {
                        MatrixProducts.backwardInput(dy: dyp, w: wp, dx: $0, rows: rows, inDim: inDim, outDim: outDim,
                                                     accumulate: accumulate, scratch: scratch, pool: pool)
                    }
                    dw.withUnsafeMutableBufferPointer {
                        MatrixProducts.backwardWeight(dy: dyp, x: xp, dw: $0, rows: rows, inDim: inDim, outDim: outDim,
                                                      scratch: scratch, pool: pool)
                    }
                }
            }
        }
        return Products(y: y, dx: dx, dw: dw)
    }

    func testFormsAgreeWithDefinitionsOnAwkwardShapesAndThreadCounts() {
        // Shapes that exercise 6-row tiles, 16-token panels and their ragged edges.
        for (rows, inDim, outDim) in [(9, 20, 18), (1, 5, 3), (17, 37, 13), (33, 260, 7)] {
            let x = values(rows * inDim, seed: 4), w = values(outDim * inDim, seed: 5), dy = values(rows * outDim, seed: 6)
            let dx0 = values(rows * inDim, seed: 7), dw0 = values(outDim * inDim, seed: 8)
            for accumulate in [false, true] {
                let p = products(x: x, w: w, dy: dy, dx0: dx0, dw0: dw0, rows: rows, inDim: inDim, outDim: outDim,
                                 accumulate: accumulate, threads: 1)
                let tol = 1e-4 * Double(max(inDim, outDim, rows)).squareRoot()
                for r in 0..<rows {
                    for o in 0..<outDim {
                        var s = 0.0
                        for i in 0..<inDim { s += Double(x[r * inDim + i]) * Double(w[o * inDim + i]) }
                        XCTAssertEqual(Double(p.y[r * outDim + o]), s, accuracy: tol)
                    }
                    for i in 0..<inDim {
                        var s = accumulate ? Double(dx0[r * inDim + i]) : 0
                        for o in 0..<outDim { s += Double(dy[r * outDim + o]) * Double(w[o * inDim + i]) }
                        XCTAssertEqual(Double(p.dx[r * inDim + i]), s, accuracy: tol)
                    }
                }
                for o in 0..<outDim {
                    for i in 0..<inDim {
                        var s = Double(dw0[o * inDim + i])
                        for r in 0..<rows { s += Double(dy[r * outDim + o]) * Double(x[r * inDim + i]) }
                        XCTAssertEqual(Double(p.dw[o * inDim + i]), s, accuracy: tol)
                    }
                }
                for threads in [2, 3] {
                    let q = products(x: x, w: w, dy: dy, dx0: dx0, dw0: dw0, rows: rows, inDim: inDim, outDim: outDim,
                                     accumulate: accumulate, threads: threads)
                    XCTAssertEqual(p.y, q.y); XCTAssertEqual(p.dx, q.dx); XCTAssertEqual(p.dw, q.dw)
                }
            }
        }
    }

    /// Accumulating adds each product to the output in order: the same bits as a scalar
    /// FMA chain that starts from the old value.
    func testAccumulateIsOneFMAChainFromTheOldValue() {
        let rows = 3, inDim = 11, outDim = 5
        let x = values(rows * inDim, seed: 1), dy = values(rows * outDim, seed: 2), dw0 = values(outDim * inDim, seed: 3)
        let p = products(x: x, w: dw0, dy: dy, dx0: x, dw0: dw0, rows: rows, inDim: inDim, outDim: outDim,
                         accumulate: true, threads: 1)
        for o in 0..<outDim {
            for i in 0..<inDim {
                var s = dw0[o * inDim + i]
                for r in 0..<rows { s = s.addingProduct(dy[r * outDim + o], x[r * inDim + i]) }
                XCTAssertEqual(p.dw[o * inDim + i].bitPattern, s.bitPattern)
            }
        }
    }
}

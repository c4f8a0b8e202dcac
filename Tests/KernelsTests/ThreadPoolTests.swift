import Kernels
import XCTest

final class ThreadPoolTests: XCTestCase {
    func testEveryIndexRunsExactlyOnce() {
        for threads in 1...3 {
            let pool = ThreadPool(threads: threads)
            XCTAssertEqual(pool.threadCount, threads)
            for n in [0, 1, 2, 3, 5, 100] {
                var hits = [Int](repeating: 0, count: n)
                var maxThread = [Int](repeating: -1, count: n)
                hits.withUnsafeMutableBufferPointer { h in
                    maxThread.withUnsafeMutableBufferPointer { m in
                        pool.parallelFor(n) { range, t in
                            for i in range { h[i] += 1; m[i] = t }
                        }
                    }
                }
                XCTAssertEqual(hits, [Int](repeating: 1, count: n), "threads=\(threads) n=\(n)")
                XCTAssertTrue(maxThread.allSatisfy { $0 >= 0 && $0 < threads })
            }
        }
    }

    func testRepeatedForkJoin() {
        for threads in 1...3 {
            let pool = ThreadPool(threads: threads)
            var partial = [Int](repeating: 0, count: threads)
            var total = 0
            for round in 0..<2000 {
                partial.withUnsafeMutableBufferPointer { p in
                    pool.parallelFor(7) { range, t in p[t] = range.reduce(round, +) - round }
                }
                total += partial.reduce(0, +)
                partial = partial.map { _ in 0 }
            }
            XCTAssertEqual(total, 2000 * 21, "threads=\(threads)")
        }
    }

    func testNestedCallRunsInline() {
        let pool = ThreadPool(threads: 2)
        var out = [Int](repeating: 0, count: 4)
        out.withUnsafeMutableBufferPointer { o in
            pool.parallelFor(2) { outer, _ in
                for i in outer {
                    pool.parallelFor(2) { inner, _ in for j in inner { o[2 * i + j] += 1 } }
                }
            }
        }
        XCTAssertEqual(out, [1, 1, 1, 1])
    }

    func testPoolsShutDown() {
        for _ in 0..<20 {
            let pool = ThreadPool(threads: 3)
            pool.parallelFor(3) { _, _ in }
        }
    }
}

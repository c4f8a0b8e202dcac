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
                    pool.parallelFor(7) { range, t in p[t] += range.reduce(round, +) - round }
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

final class ThreadPoolStealingTests: XCTestCase {
    /// A worker stuck in a long chunk must not hold up the rest: the caller takes the other
    /// chunks, so every index still runs exactly once and the call finishes.
    func testSlowChunkDoesNotBlockOthers() {
        let pool = ThreadPool(threads: 2)
        let n = 64
        var hits = [Int](repeating: 0, count: n)
        var byThread = [Int](repeating: 0, count: 2)
        hits.withUnsafeMutableBufferPointer { h in
            byThread.withUnsafeMutableBufferPointer { b in
                pool.parallelFor(n) { range, t in
                    if t == 1 && b[1] == 0 { usleep(20_000) }
                    for i in range { h[i] += 1 }
                    b[t] += range.count
                }
            }
        }
        XCTAssertEqual(hits, [Int](repeating: 1, count: n))
        XCTAssertEqual(byThread.reduce(0, +), n)
        // The worker ran at most its first chunk; a static half-and-half split would give 32.
        XCTAssertGreaterThanOrEqual(byThread[0], n - n / (2 * ThreadPool.chunksPerThread))
    }

    func testChunksAreContiguousAndCoverTheRange() {
        let pool = ThreadPool(threads: 3)
        for n in [2, 7, 12, 13, 1000] {
            var ranges = [[Range<Int>]](repeating: [], count: 3)
            ranges.withUnsafeMutableBufferPointer { r in pool.parallelFor(n) { range, t in r[t].append(range) } }
            let all = ranges.flatMap { $0 }.sorted { $0.lowerBound < $1.lowerBound }
            XCTAssertEqual(all.count, min(n, 3 * ThreadPool.chunksPerThread), "n=\(n)")
            XCTAssertEqual(all.first?.lowerBound, 0)
            XCTAssertEqual(all.last?.upperBound, n)
            for (a, b) in zip(all, all.dropFirst()) { XCTAssertEqual(a.upperBound, b.lowerBound, "n=\(n)") }
        }
    }
}

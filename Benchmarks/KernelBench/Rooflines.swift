import Foundation
import Kernels

/// Monotonic wall-clock time in seconds.
func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// Opaque sink so the optimizer keeps benchmark results.
nonisolated(unsafe) var sink: Float = 0

/// The two ceilings every kernel is compared with, measured in the same run.
struct Rooflines: Codable {
    /// Streaming read bandwidth over a buffer far larger than L3, GB/s.
    let readGBps: Double
    /// f32 FMA throughput with independent accumulators, GFLOP/s.
    let fmaGFlops: Double

    /// Measures both ceilings on `pool.threadCount` threads (best of `reps` passes).
    static func measure(pool: ThreadPool, reps: Int) -> Rooflines {
        Rooflines(readGBps: readBandwidth(pool: pool, reps: reps), fmaGFlops: fmaPeak(pool: pool, reps: reps))
    }

    /// Sums a 256 MB buffer (8× the 32 MB L3) with SIMD loads split over the pool's threads,
    /// four streams per thread (best of `reps` passes).
    static func readBandwidth(pool: ThreadPool, reps: Int) -> Double {
        let reader = ReadProbe(bytes: 256 << 20)
        return (0..<max(2, reps)).map { _ in reader.gbps(pool: pool, minSeconds: 0) }.max()!
    }

    /// Twelve independent `SIMD8<Float>` FMA chains per thread (latency 4 × 2 pipes needs 8).
    static func fmaPeak(pool: ThreadPool, reps: Int) -> Double {
        let iterations = 20_000_000
        var best = 0.0
        for _ in 0..<max(2, reps) {
            var partial = [Float](repeating: 0, count: pool.threadCount)
            let t0 = now()
            partial.withUnsafeMutableBufferPointer { out in
                pool.parallelFor(pool.threadCount) { _, t in
                    let m = SIMD8<Float>(repeating: 0.999_999), b = SIMD8<Float>(repeating: 1e-7)
                    var a0 = SIMD8<Float>(repeating: 1), a1 = a0 + 1, a2 = a0 + 2, a3 = a0 + 3, a4 = a0 + 4, a5 = a0 + 5
                    var a6 = a0 + 6, a7 = a0 + 7, a8 = a0 + 8, a9 = a0 + 9, a10 = a0 + 10, a11 = a0 + 11
                    for _ in 0..<iterations {
                        a0 = b.addingProduct(a0, m); a1 = b.addingProduct(a1, m); a2 = b.addingProduct(a2, m)
                        a3 = b.addingProduct(a3, m); a4 = b.addingProduct(a4, m); a5 = b.addingProduct(a5, m)
                        a6 = b.addingProduct(a6, m); a7 = b.addingProduct(a7, m); a8 = b.addingProduct(a8, m)
                        a9 = b.addingProduct(a9, m); a10 = b.addingProduct(a10, m); a11 = b.addingProduct(a11, m)
                    }
                    let s = ((a0 + a1) + (a2 + a3)) + ((a4 + a5) + (a6 + a7)) + ((a8 + a9) + (a10 + a11))
                    out[t] = s.sum()
                }
            }
            let dt = now() - t0
            sink += partial.reduce(0, +)
            best = max(best, Double(iterations * 12 * 16 * pool.threadCount) / dt / 1e9)
        }
        return best
    }
}

/// A DRAM-sized buffer whose streaming read rate is the ceiling a GEMV faces: each pass
/// sums it with SIMD loads split over the pool's threads, four sequential streams per thread
/// (the chunk's four quarters in lockstep). One stream leaves DRAM bandwidth unused on this
/// VM (the hardware prefetcher keeps too few misses in flight), and the GEMV kernels read
/// four streams, so this is the ceiling they face.
final class ReadProbe {
    let count: Int
    let buffer: UnsafeMutablePointer<Float>

    /// A buffer of `bytes` (rounded down to 64 chunks whose quarters are whole cache lines), paged in.
    init(bytes: Int) {
        count = max(64 * 64, bytes / 4 / (64 * 64) * (64 * 64))
        buffer = UnsafeMutablePointer<Float>.allocate(capacity: count)
        buffer.initialize(repeating: 1, count: count)
    }

    deinit { buffer.deallocate() }

    /// GB/s of whole passes over the buffer, repeated until `minSeconds` have passed.
    func gbps(pool: ThreadPool, minSeconds: Double) -> Double {
        let chunks = 64, count = count
        let p = UnsafeSendable(UnsafePointer(buffer))
        var passes = 0
        var partial = [Float](repeating: 0, count: pool.threadCount)
        let t0 = now()
        repeat {
            partial.withUnsafeMutableBufferPointer { out in
                pool.parallelFor(chunks) { range, t in
                    var a0 = SIMD8<Float>(), a1 = SIMD8<Float>(), a2 = SIMD8<Float>(), a3 = SIMD8<Float>()
                    let lo = range.lowerBound * (count / chunks), hi = range.upperBound * (count / chunks)
                    let quarter = (hi - lo) / 4 * 4
                    var q = UnsafeRawPointer(p.value + lo)
                    let end = q + quarter
                    while q < end {
                        a0 += q.load(as: SIMD8<Float>.self)
                        a1 += q.load(fromByteOffset: quarter, as: SIMD8<Float>.self)
                        a2 += q.load(fromByteOffset: 2 * quarter, as: SIMD8<Float>.self)
                        a3 += q.load(fromByteOffset: 3 * quarter, as: SIMD8<Float>.self)
                        a0 += q.load(fromByteOffset: 32, as: SIMD8<Float>.self)
                        a1 += q.load(fromByteOffset: quarter + 32, as: SIMD8<Float>.self)
                        a2 += q.load(fromByteOffset: 2 * quarter + 32, as: SIMD8<Float>.self)
                        a3 += q.load(fromByteOffset: 3 * quarter + 32, as: SIMD8<Float>.self)
                        q += 64
                    }
                    out[t] += ((a0 + a1) + (a2 + a3)).sum()
                }
            }
            passes += 1
        } while now() - t0 < minSeconds
        let dt = now() - t0
        sink += partial.reduce(0, +)
        return Double(passes * count * 4) / dt / 1e9
    }
}

/// A value whose cross-thread use the benchmark has checked by hand.
struct UnsafeSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

/// Microseconds per empty `parallelFor` fork/join on `pool` (median of `reps` batches).
func forkJoinMicroseconds(pool: ThreadPool, reps: Int) -> Double {
    var samples: [Double] = []
    for _ in 0..<max(3, reps) {
        let calls = 20_000
        let t0 = now()
        for _ in 0..<calls { pool.parallelFor(pool.threadCount) { _, _ in } }
        samples.append((now() - t0) / Double(calls) * 1e6)
    }
    return samples.sorted()[samples.count / 2]
}

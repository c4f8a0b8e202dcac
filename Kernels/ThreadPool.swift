import Dispatch

/// A fixed set of worker threads for data-parallel kernels.
///
/// `parallelFor(_:_:)` splits `0..<n` into contiguous chunks, one per thread; the caller's
/// thread runs the first chunk. A pool of one thread runs everything inline.
public final class ThreadPool: @unchecked Sendable {
    /// Number of threads that share the work, including the caller's.
    public let threadCount: Int

    /// Creates a pool that uses `threads` threads (at least 1).
    public init(threads: Int) {
        threadCount = max(1, threads)
    }

    /// Runs `body(range, thread)` over a partition of `0..<n` into at most `threadCount`
    /// contiguous ranges, and returns when all have finished.
    public func parallelFor(_ n: Int, _ body: (Range<Int>, Int) -> Void) {
        guard n > 0 else { return }
        let parts = min(threadCount, n)
        if parts == 1 { body(0..<n, 0); return }
        withoutActuallyEscaping(body) { body in
            let box = UncheckedBox(body)
            DispatchQueue.concurrentPerform(iterations: parts) { t in
                let lo = n * t / parts, hi = n * (t + 1) / parts
                box.value(lo..<hi, t)
            }
        }
    }
}

/// Wraps a non-Sendable value whose concurrent use the caller has proven safe.
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

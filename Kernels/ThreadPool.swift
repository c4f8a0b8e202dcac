import Foundation
import Synchronization

/// A fixed set of persistent worker threads for data-parallel kernels, with a fork/join
/// cost of about a microsecond.
///
/// `parallelFor(_:_:)` splits `0..<n` into contiguous chunks, one per thread; the caller's
/// thread runs the first chunk (thread index 0). Workers wait for work by spinning on an
/// atomic generation counter, then by yielding the CPU, and after a few milliseconds idle
/// by sleeping in 100 µs naps, so an idle pool costs nothing while back-to-back kernels
/// never pay for a condition-variable wake-up (35–210 µs on a VM, REFERENCE §5).
///
/// A pool of one thread starts no workers and runs everything inline. Workers exit when the
/// pool is deinitialized. Calls that arrive while the pool is busy (nested or concurrent
/// calls) run their whole range inline on the calling thread, with thread index 0.
public final class ThreadPool: Sendable {
    /// Number of threads that share the work, including the caller's.
    public let threadCount: Int
    private let state: PoolState

    /// Creates a pool that uses `threads` threads (at least 1): the caller plus
    /// `threads − 1` workers.
    public init(threads: Int) {
        threadCount = max(1, threads)
        state = PoolState(workers: threadCount - 1)
        for index in 1..<threadCount {
            let state = state
            let thread = Thread { state.workerLoop(index: index) }
            thread.name = "LowBit.ThreadPool.\(index)"
            thread.start()
        }
    }

    deinit {
        state.shutdown.store(true, ordering: .releasing)
        state.generation.wrappingAdd(1, ordering: .releasing)
        var spins = 0
        while state.exited.load(ordering: .acquiring) < threadCount - 1 { backOff(&spins) }
    }

    /// Runs `body(range, thread)` over a partition of `0..<n` into at most `threadCount`
    /// contiguous ranges, and returns when all have finished.
    ///
    /// - Parameters:
    ///   - n: number of work items.
    ///   - body: called once per non-empty chunk with the chunk and the index (`0..<threadCount`)
    ///     of the thread running it, so per-thread scratch can be indexed without locks.
    public func parallelFor(_ n: Int, _ body: (Range<Int>, Int) -> Void) {
        guard n > 0 else { return }
        let parts = min(threadCount, n)
        if parts == 1 { body(0..<n, 0); return }
        guard state.busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            body(0..<n, 0)
            return
        }
        withoutActuallyEscaping(body) { body in
            state.job = body
            state.n = n
            state.parts = parts
            state.pending.store(threadCount - 1, ordering: .relaxed)
            state.generation.wrappingAdd(1, ordering: .releasing)
            body(0..<(n / parts), 0)
            var spins = 0
            while state.pending.load(ordering: .acquiring) != 0 { backOff(&spins) }
            state.job = nil
        }
        state.busy.store(false, ordering: .releasing)
    }
}

/// Shared between the pool and its workers. `job`, `n` and `parts` are written only by the
/// thread that owns `busy`, before it publishes `generation` (release), and read by workers
/// after they observe it (acquire); they are not touched again until `pending` reaches 0.
private final class PoolState: @unchecked Sendable {
    let workers: Int
    let generation = Atomic<Int>(0)
    let pending = Atomic<Int>(0)
    let exited = Atomic<Int>(0)
    let shutdown = Atomic<Bool>(false)
    let busy = Atomic<Bool>(false)
    var job: ((Range<Int>, Int) -> Void)?
    var n = 0
    var parts = 0

    init(workers: Int) { self.workers = workers }

    func workerLoop(index: Int) {
        var seen = 0
        while true {
            var spins = 0
            var g = generation.load(ordering: .acquiring)
            while g == seen {
                backOff(&spins)
                g = generation.load(ordering: .acquiring)
            }
            seen = g
            if shutdown.load(ordering: .acquiring) {
                exited.wrappingAdd(1, ordering: .releasing)
                return
            }
            if index < parts, let job {
                job((n * index / parts)..<(n * (index + 1) / parts), index)
            }
            pending.wrappingSubtract(1, ordering: .releasing)
        }
    }
}

/// Spin, then yield, then nap: the wait policy of the pool's waits.
@inline(__always)
private func backOff(_ spins: inout Int) {
    spins &+= 1
    if spins < 1 << 14 { return }
    if spins < (1 << 14) + 4000 { sched_yield(); return }
    usleep(100)
}

/// Wraps a non-Sendable value whose concurrent use the caller has proven safe.
struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

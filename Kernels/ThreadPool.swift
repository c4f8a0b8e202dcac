import Foundation
import Synchronization

/// A fixed set of persistent worker threads for data-parallel kernels, with a fork/join
/// cost of about a microsecond when the cores are free.
///
/// `parallelFor(_:_:)` splits `0..<n` into up to ``chunksPerThread`` contiguous chunks per
/// thread, which the caller and the workers claim one at a time from a shared ticket. A
/// worker that the host has descheduled therefore delays a call by at most the one chunk it
/// is running: the others take its share (on this shared 2-vCPU VM a static split made two
/// threads slower than one under load). Workers wait for work by spinning on the ticket,
/// then by yielding the CPU, and after a few milliseconds idle by sleeping in 100 µs naps,
/// so an idle pool costs nothing while back-to-back kernels never pay for a
/// condition-variable wake-up (35–210 µs on a VM, REFERENCE §5).
///
/// A pool of one thread starts no workers and runs everything inline. Workers exit when the
/// pool is deinitialized. Calls that arrive while the pool is busy (nested or concurrent
/// calls) run their whole range inline on the calling thread, with thread index 0.
public final class ThreadPool: Sendable {
    /// Number of threads that share the work, including the caller's.
    public let threadCount: Int
    /// Chunks per thread that `parallelFor(_:_:)` cuts its range into (fewer when `n` is small).
    public static let chunksPerThread = 4
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
        state.publish(chunks: 0)
        var spins = 0
        while state.exited.load(ordering: .acquiring) < threadCount - 1 { backOff(&spins) }
    }

    /// Runs `body(range, thread)` over a partition of `0..<n` into contiguous chunks, and
    /// returns when all have finished.
    ///
    /// - Parameters:
    ///   - n: number of work items.
    ///   - body: called once per non-empty chunk with the chunk and the index (`0..<threadCount`)
    ///     of the thread running it. A thread may run several chunks, one after another, but
    ///     two concurrent calls never share a thread index, so per-thread scratch can be
    ///     indexed without locks (accumulate into it; do not overwrite).
    public func parallelFor(_ n: Int, _ body: (Range<Int>, Int) -> Void) {
        guard n > 0 else { return }
        let chunks = min(n, threadCount * Self.chunksPerThread, 0xffff)
        if threadCount == 1 || chunks == 1 { body(0..<n, 0); return }
        guard state.busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged else {
            body(0..<n, 0)
            return
        }
        withoutActuallyEscaping(body) { body in
            state.job = body
            state.n = n
            state.done.store(0, ordering: .relaxed)
            let generation = state.publish(chunks: chunks)
            state.runChunks(generation: generation, thread: 0)
            var spins = 0
            while state.done.load(ordering: .acquiring) != chunks { backOff(&spins) }
            state.job = nil
        }
        state.busy.store(false, ordering: .releasing)
    }
}

/// Shared between the pool and its workers.
///
/// `ticket` packs `generation << 32 | chunks << 16 | next chunk`. A thread runs chunk `i`
/// of a generation only after its compare-exchange moved the ticket from `i` to `i + 1`
/// within that generation, so a late worker can never run a chunk of a finished call.
/// `job` and `n` are written by the thread that owns `busy` before it publishes the ticket
/// (release) and read only after a successful claim (acquire); they are not touched again
/// until `done` reaches the chunk count, which happens only after every claimed chunk ran.
private final class PoolState: @unchecked Sendable {
    let workers: Int
    let ticket = Atomic<Int>(0)
    let done = Atomic<Int>(0)
    let exited = Atomic<Int>(0)
    let shutdown = Atomic<Bool>(false)
    let busy = Atomic<Bool>(false)
    var job: ((Range<Int>, Int) -> Void)?
    var n = 0

    init(workers: Int) { self.workers = workers }

    /// Starts a new generation with `chunks` chunks; returns its generation number.
    @discardableResult
    func publish(chunks: Int) -> Int {
        let generation = ((ticket.load(ordering: .relaxed) >> 32) &+ 1) & 0x7fff_ffff  // wraps; stays non-negative
        ticket.store(generation << 32 | chunks << 16, ordering: .releasing)
        return generation
    }

    /// Claims and runs chunks of `generation` until none are left.
    @inline(__always)
    func runChunks(generation: Int, thread: Int) {
        var t = ticket.load(ordering: .acquiring)
        while t >> 32 == generation {
            let chunks = (t >> 16) & 0xffff, i = t & 0xffff
            if i >= chunks { return }
            let (claimed, current) = ticket.compareExchange(expected: t, desired: t + 1, ordering: .acquiringAndReleasing)
            guard claimed else { t = current; continue }
            if let job { job((n * i / chunks)..<(n * (i + 1) / chunks), thread) }
            done.wrappingAdd(1, ordering: .releasing)
            t = ticket.load(ordering: .acquiring)
        }
    }

    func workerLoop(index: Int) {
        var seen = 0
        while true {
            var spins = 0
            var g = ticket.load(ordering: .acquiring) >> 32
            while g == seen {
                backOff(&spins)
                g = ticket.load(ordering: .acquiring) >> 32
            }
            seen = g
            if shutdown.load(ordering: .acquiring) {
                exited.wrappingAdd(1, ordering: .releasing)
                return
            }
            runChunks(generation: g, thread: index)
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

/// Carries a non-Sendable value (typically a buffer pointer) into concurrent work whose
/// safety the caller has proven, e.g. threads writing disjoint ranges of one output.
public struct UncheckedBox<T>: @unchecked Sendable {
    /// The wrapped value.
    public let value: T
    /// Wraps `value`.
    @inlinable public init(_ value: T) { self.value = value }
}

import Dispatch
import Foundation
import Kernels

/// Runs `count` independent items over a fixed set of workers, each worker pulling the next
/// index until none are left. Results come back in index order, so the outcome never depends
/// on scheduling.
enum ItemScheduler {
    /// Maps `0..<count` through `body`, concurrently when there is more than one worker.
    /// - Parameters:
    ///   - count: Number of items.
    ///   - workers: One state per worker (a worker only ever touches its own).
    ///   - onItemDone: Called after each item, from the worker's thread.
    ///   - body: Evaluates one item with a worker's state.
    /// - Returns: `body`'s results by index.
    /// - Throws: The first error any item threw (the remaining items are skipped).
    static func map<Worker, Output>(
        _ count: Int, workers: [Worker], onItemDone: () -> Void,
        _ body: (Worker, Int) throws(ProbeRunError) -> Output
    ) throws(ProbeRunError) -> [Output] {
        guard count > 0 else { return [] }
        if workers.count <= 1, let worker = workers.first {
            var out: [Output] = []
            out.reserveCapacity(count)
            for i in 0..<count {
                out.append(try body(worker, i))
                onItemDone()
            }
            return out
        }
        let state = SharedState<Output>(count: count)
        // One non-throwing closure, so nothing typed crosses the Dispatch boundary.
        let step: (Int, Int) -> Void = { w, i in
            do throws(ProbeRunError) {
                state.store(try body(workers[w], i), at: i)
                onItemDone()
            } catch {
                state.fail(error)
            }
        }
        withoutActuallyEscaping(step) { step in
            let box = UncheckedBox(step)
            DispatchQueue.concurrentPerform(iterations: workers.count) { w in
                while let i = state.nextIndex() { box.value(w, i) }
            }
        }
        return try state.results()
    }

    /// Work counter, results and the first error, behind one lock.
    private final class SharedState<Output>: @unchecked Sendable {
        private let lock = NSLock()
        private var next = 0
        private let count: Int
        private var values: [Output?]
        private var error: ProbeRunError?

        init(count: Int) {
            self.count = count
            values = Array(repeating: nil, count: count)
        }

        func nextIndex() -> Int? {
            lock.lock(); defer { lock.unlock() }
            guard error == nil, next < count else { return nil }
            next += 1
            return next - 1
        }

        func store(_ value: Output, at i: Int) {
            lock.lock(); defer { lock.unlock() }
            values[i] = value
        }

        func fail(_ e: ProbeRunError) {
            lock.lock(); defer { lock.unlock() }
            if error == nil { error = e }
        }

        func results() throws(ProbeRunError) -> [Output] {
            lock.lock(); defer { lock.unlock() }
            if let error { throw error }
            return values.compactMap { $0 }
        }
    }
}

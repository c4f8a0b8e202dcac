/// The trainer's queue of candidate merges: most frequent pair first, ties broken by the
/// smaller pair of ids (left id, then right id), as Hugging Face's `BpeTrainer` does.
///
/// Counts are updated lazily: an entry whose count is out of date is re-queued with the
/// current count when it reaches the top.
struct BPEPairQueue {
    struct Entry {
        var count: Int
        /// `left << 32 | right`.
        var pair: UInt64

        /// `true` when `self` should be merged before `other`.
        @inline(__always)
        func precedes(_ other: Entry) -> Bool {
            count > other.count || (count == other.count && pair < other.pair)
        }
    }

    private var heap: [Entry] = []

    var isEmpty: Bool { heap.isEmpty }

    mutating func push(_ entry: Entry) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> Entry? {
        guard let last = heap.popLast() else { return nil }
        guard !heap.isEmpty else { return last }
        let top = heap[0]
        heap[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            guard left < heap.count else { break }
            var best = left
            if left + 1 < heap.count && heap[left + 1].precedes(heap[left]) { best = left + 1 }
            guard heap[best].precedes(heap[parent]) else { break }
            heap.swapAt(best, parent)
            parent = best
        }
        return top
    }
}

/// Packs an ordered pair of token ids into one dictionary key.
@inline(__always)
func bpePairKey(_ left: Int32, _ right: Int32) -> UInt64 {
    UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
}

/// The two ids of a packed pair.
@inline(__always)
func bpePairIDs(_ key: UInt64) -> (left: Int32, right: Int32) {
    (Int32(bitPattern: UInt32(truncatingIfNeeded: key >> 32)), Int32(bitPattern: UInt32(truncatingIfNeeded: key)))
}

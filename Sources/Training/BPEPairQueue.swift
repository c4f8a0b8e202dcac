import LowBit

/// The trainer's queue of candidate merges: most frequent pair first, ties broken by the
/// smaller pair of ids (left id, then right id), as Hugging Face's `BpeTrainer` does.
///
/// Counts are updated lazily: an entry whose count is out of date is re-queued with the
/// current count when it reaches the top.
typealias BPEPairQueue = MinHeap<BPEPairEntry>

/// A candidate merge; it orders before another when it should be merged first.
struct BPEPairEntry: Comparable {
    var count: Int
    /// `left << 32 | right`.
    var pair: UInt64

    @inline(__always)
    static func < (a: BPEPairEntry, b: BPEPairEntry) -> Bool {
        a.count > b.count || (a.count == b.count && a.pair < b.pair)
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

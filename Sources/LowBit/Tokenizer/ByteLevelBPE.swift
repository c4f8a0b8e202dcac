/// Byte-level BPE by merge rank (GPT-2, Hugging Face `tokenizers` `BPE` + `ByteLevel`).
///
/// Each pre-tokenized word starts as one symbol per byte (the token spelling that byte through
/// ``ByteUnicodeMap``). Then, repeatedly, the adjacent pair with the lowest merge rank is
/// replaced by its merged token, leftmost first among equal ranks, until no pair has a merge.
struct ByteLevelBPE: Sendable {
    /// What merging a pair yields.
    struct Merge: Sendable {
        var rank: Int32
        var result: Int32
    }

    /// Token id of the single-byte token for each byte; -1 when the vocabulary lacks it.
    let byteTokens: [Int32]
    /// Merges keyed by `pairKey(left, right)`; the first listed wins for duplicates.
    let merges: [UInt64: Merge]

    @inline(__always)
    static func pairKey(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }

    /// Parses the merge list against the vocabulary.
    init(mergeList: [String], table: ByteStringTable) throws(TokenizerError) {
        var byteTokens = [Int32](repeating: -1, count: 256)
        for byte in 0..<256 {
            let spelling = Array(String(ByteUnicodeMap.scalar(for: UInt8(byte))).utf8)
            if let id = table.value(for: spelling) { byteTokens[byte] = id }
        }
        self.byteTokens = byteTokens

        var merges: [UInt64: Merge] = [:]
        merges.reserveCapacity(mergeList.count)
        for (index, merge) in mergeList.enumerated() {
            let utf8 = Array(merge.utf8)
            guard let space = utf8.firstIndex(of: 0x20), space > 0, space < utf8.count - 1 else {
                throw .malformedMerge(index: index, merge: merge)
            }
            let leftBytes = utf8[..<space], rightBytes = utf8[(space + 1)...]
            guard let left = table.value(for: leftBytes) else {
                throw .mergeReferencesUnknownToken(index: index, merge: merge, token: String(decoding: leftBytes, as: UTF8.self))
            }
            guard let right = table.value(for: rightBytes) else {
                throw .mergeReferencesUnknownToken(index: index, merge: merge, token: String(decoding: rightBytes, as: UTF8.self))
            }
            let joined = Array(leftBytes) + Array(rightBytes)
            guard let result = table.value(for: joined) else {
                throw .mergeResultNotInVocabulary(index: index, merge: merge, result: String(decoding: joined, as: UTF8.self))
            }
            let key = Self.pairKey(left, right)
            if merges[key] == nil { merges[key] = Merge(rank: Int32(clamping: index), result: result) }
        }
        self.merges = merges
    }

    /// Reusable buffers for ``encode(word:unknownID:into:scratch:)``.
    struct Scratch {
        var ids: [Int32] = []
        var previous: [Int32] = []
        var next: [Int32] = []
        /// `rank << 32 | left position`: lowest rank first, then leftmost.
        var queue = MinHeap<UInt64>()
    }

    /// Encodes one pre-tokenized word (its raw bytes) and appends the token ids to `output`.
    func encode(word: ArraySlice<UInt8>, unknownID: Int32?, into output: inout [Int32], scratch: inout Scratch) {
        let count = word.count
        guard count > 0 else { return }
        if count == 1 {
            let id = byteTokens[Int(word[word.startIndex])]
            if id >= 0 { output.append(id) } else if let unknownID { output.append(unknownID) }
            return
        }
        scratch.ids.removeAll(keepingCapacity: true)
        scratch.previous.removeAll(keepingCapacity: true)
        scratch.next.removeAll(keepingCapacity: true)
        scratch.queue.removeAll()
        for (position, byte) in word.enumerated() {
            scratch.ids.append(byteTokens[Int(byte)])
            scratch.previous.append(Int32(position - 1))
            scratch.next.append(Int32(position + 1))
        }
        for position in 0..<(count - 1) {
            pushPair(at: position, scratch: &scratch)
        }
        while let entry = scratch.queue.pop() {
            let rank = Int32(truncatingIfNeeded: entry >> 32)
            let left = Int(UInt32(truncatingIfNeeded: entry))
            let leftID = scratch.ids[left]
            let right = Int(scratch.next[left])
            guard leftID >= 0, right < count else { continue }
            // Stale entries: the pair at `left` changed since this entry was queued.
            guard let merge = merges[Self.pairKey(leftID, scratch.ids[right])], merge.rank == rank else { continue }
            scratch.ids[left] = merge.result
            scratch.ids[right] = -2  // dead
            let after = Int(scratch.next[right])
            scratch.next[left] = Int32(after)
            if after < count { scratch.previous[after] = Int32(left) }
            let before = Int(scratch.previous[left])
            if before >= 0 { pushPair(at: before, scratch: &scratch) }
            pushPair(at: left, scratch: &scratch)
        }
        var position = 0
        while position < count {
            let id = scratch.ids[position]
            if id >= 0 { output.append(id) } else if let unknownID { output.append(unknownID) }
            position = Int(scratch.next[position])
        }
    }

    @inline(__always)
    private func pushPair(at left: Int, scratch: inout Scratch) {
        let right = Int(scratch.next[left])
        guard right < scratch.ids.count else { return }
        let leftID = scratch.ids[left], rightID = scratch.ids[right]
        guard leftID >= 0, rightID >= 0, let merge = merges[Self.pairKey(leftID, rightID)] else { return }
        scratch.queue.push(UInt64(UInt32(merge.rank)) << 32 | UInt64(left))
    }
}

/// Byte-level BPE by merge rank (GPT-2, Llama 3, Qwen2; Hugging Face `BPE` + `ByteLevel`), as
/// llama.cpp's `llm_tokenizer_bpe_session` runs it on each pre-tokenized word.
///
/// Each word starts as one symbol per byte (the token spelling that byte through
/// ``ByteUnicodeMap``). Then, repeatedly, the adjacent pair with the lowest merge rank is
/// replaced by its merged token, leftmost first among equal ranks, until no pair has a merge.
/// With ``ignoresMerges`` (Llama 3), a word that is itself a token is emitted whole first.
/// A byte the vocabulary has no token for is dropped, as llama.cpp drops it.
///
/// The merge queue is a binary heap with lazy deletion: each merge queues at most two new
/// pairs, so a word of n bytes costs O(n log n) whatever its content.
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
    /// Look a whole word up before merging it (llama.cpp's `ignore_merges`).
    let ignoresMerges: Bool
    /// The vocabulary, for ``ignoresMerges``.
    private let table: ByteStringTable
    /// UTF-8 of each byte's byte-level spelling: byte `b` is
    /// `spellings[spellingStarts[b]..<spellingStarts[b + 1]]`.
    private let spellings: [UInt8]
    private let spellingStarts: [Int]

    @inline(__always)
    static func pairKey(_ left: Int32, _ right: Int32) -> UInt64 {
        UInt64(UInt32(bitPattern: left)) << 32 | UInt64(UInt32(bitPattern: right))
    }

    /// Parses the merge list against the vocabulary.
    /// - Throws: ``TokenizerError`` naming the first merge that is malformed or names a token the
    ///   vocabulary lacks.
    init(mergeList: [String], table: ByteStringTable, ignoresMerges: Bool) throws(TokenizerError) {
        var spellings: [UInt8] = []
        var spellingStarts = [0]
        var byteTokens = [Int32](repeating: -1, count: 256)
        for byte in 0..<256 {
            let spelling = Array(String(ByteUnicodeMap.scalar(for: UInt8(byte))).utf8)
            if let id = table.value(for: spelling) { byteTokens[byte] = id }
            spellings.append(contentsOf: spelling)
            spellingStarts.append(spellings.count)
        }
        self.byteTokens = byteTokens
        self.spellings = spellings
        self.spellingStarts = spellingStarts
        self.table = table
        self.ignoresMerges = ignoresMerges

        var merges: [UInt64: Merge] = [:]
        merges.reserveCapacity(mergeList.count)
        var joined: [UInt8] = []
        for (index, merge) in mergeList.enumerated() {
            let parsed =
                merge.utf8.withContiguousStorageIfAvailable { Self.parse($0, table: table, joined: &joined) }
                ?? Array(merge.utf8).withUnsafeBufferPointer { Self.parse($0, table: table, joined: &joined) }
            switch parsed {
            case let .merge(left, right, result):
                // The first of duplicate merges wins, as in llama.cpp.
                let entry = Merge(rank: Int32(clamping: index), result: result)
                if let earlier = merges.updateValue(entry, forKey: Self.pairKey(left, right)) {
                    merges[Self.pairKey(left, right)] = earlier
                }
            case .malformed:
                throw .malformedMerge(index: index, merge: merge)
            case .unknownPart(let part):
                throw .mergeReferencesUnknownToken(index: index, merge: merge, token: part)
            case .unknownResult(let result):
                throw .mergeResultNotInVocabulary(index: index, merge: merge, result: result)
            }
        }
        self.merges = merges
    }

    private enum ParsedMerge {
        case merge(left: Int32, right: Int32, result: Int32)
        case malformed
        case unknownPart(String)
        case unknownResult(String)
    }

    /// Splits one merge, `"left right"`, at the first space after its first byte (llama.cpp:
    /// `find(' ', 1)`) and looks the two parts and their concatenation up.
    @inline(__always)
    private static func parse(_ utf8: UnsafeBufferPointer<UInt8>, table: ByteStringTable, joined: inout [UInt8]) -> ParsedMerge {
        guard utf8.count >= 3, let space = utf8[1...].firstIndex(of: 0x20), space < utf8.count - 1 else { return .malformed }
        let leftBytes = UnsafeBufferPointer(rebasing: utf8[..<space])
        let rightBytes = UnsafeBufferPointer(rebasing: utf8[(space + 1)...])
        guard let left = table.value(for: leftBytes) else { return .unknownPart(String(decoding: leftBytes, as: UTF8.self)) }
        guard let right = table.value(for: rightBytes) else { return .unknownPart(String(decoding: rightBytes, as: UTF8.self)) }
        joined.removeAll(keepingCapacity: true)
        joined.append(contentsOf: leftBytes)
        joined.append(contentsOf: rightBytes)
        guard let result = joined.withUnsafeBufferPointer({ table.value(for: $0) }) else {
            return .unknownResult(String(decoding: joined, as: UTF8.self))
        }
        return .merge(left: left, right: right, result: result)
    }

    /// Reusable buffers for ``encode(word:into:scratch:)``.
    struct Scratch {
        var ids: [Int32] = []
        var previous: [Int32] = []
        var next: [Int32] = []
        /// `rank << 32 | left position`: lowest rank first, then leftmost.
        var queue = MinHeap<UInt64>()
        var spelling: [UInt8] = []
        /// Queue pushes and pops, summed over calls (for tests that bound the work).
        var steps = 0
    }

    /// Encodes one pre-tokenized word (its raw bytes) and appends the token ids to `output`.
    func encode(word: ArraySlice<UInt8>, into output: inout [Int32], scratch: inout Scratch) {
        let count = word.count
        guard count > 0 else { return }
        if count == 1 {
            let id = byteTokens[Int(word[word.startIndex])]
            if id >= 0 { output.append(id) }
            return
        }
        if ignoresMerges {
            scratch.spelling.removeAll(keepingCapacity: true)
            for byte in word { scratch.spelling.append(contentsOf: spellings[spellingStarts[Int(byte)]..<spellingStarts[Int(byte) + 1]]) }
            if let id = table.value(for: scratch.spelling) {
                output.append(id)
                return
            }
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
            scratch.steps &+= 1
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
            if id >= 0 { output.append(id) }
            position = Int(scratch.next[position])
        }
    }

    @inline(__always)
    private func pushPair(at left: Int, scratch: inout Scratch) {
        let right = Int(scratch.next[left])
        guard right < scratch.ids.count else { return }
        let leftID = scratch.ids[left], rightID = scratch.ids[right]
        guard leftID >= 0, rightID >= 0, let merge = merges[Self.pairKey(leftID, rightID)] else { return }
        scratch.steps &+= 1
        scratch.queue.push(UInt64(UInt32(merge.rank)) << 32 | UInt64(left))
    }
}

/// SentencePiece-style BPE by scores, as llama.cpp's SPM tokenizer (`llm_tokenizer_spm_session`)
/// runs it.
///
/// The fragment (spaces already replaced by `▁`) starts as one symbol per UTF-8 character.
/// Repeatedly, the adjacent pair whose concatenation is a vocabulary token with the highest
/// score is merged (ties: leftmost). Each final symbol becomes its token, or, when the
/// vocabulary lacks it, one `<0xXX>` byte token per byte (failing that the byte's own
/// one-character token, as llama.cpp tries; failing that the unknown token, where llama.cpp
/// would throw).
///
/// The queue is a binary heap with lazy deletion (each merge queues at most two new pairs) and
/// pairs longer than the longest token are never looked up, so a fragment of n characters
/// costs O(n log n) heap work and O(n · longest token) hashing, whatever its content.
struct SentencePieceBPE: Sendable {
    /// Token id of `<0xXX>` (or of the byte itself) for each byte; -1 when the vocabulary has neither.
    let byteTokens: [Int32]
    /// Merge priority of each token id.
    let scores: [Float]
    /// Byte length of the longest token: no longer pair can merge.
    let maxTokenLength: Int

    init(table: ByteStringTable, scores: [Float], vocabularySize: Int, maxTokenLength: Int) {
        var byteTokens = [Int32](repeating: -1, count: 256)
        for byte in 0..<256 {
            if let id = table.value(for: Array(Self.byteTokenText(UInt8(byte)).utf8)) ?? table.value(for: [UInt8(byte)]) {
                byteTokens[byte] = id
            }
        }
        self.byteTokens = byteTokens
        self.scores = scores.isEmpty ? [Float](repeating: 0, count: vocabularySize) : scores
        self.maxTokenLength = maxTokenLength
    }

    /// `<0xXX>` with upper-case hex digits, as SentencePiece names byte tokens.
    static func byteTokenText(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        return "<0x" + String(decoding: [digits[Int(byte >> 4)], digits[Int(byte & 15)]], as: UTF8.self) + ">"
    }

    /// The byte a `<0xXX>` token stands for, or `nil` if `text` is not of that form.
    static func parseByteToken(_ text: String) -> UInt8? {
        let utf8 = Array(text.utf8)
        guard utf8.count == 6, utf8[0] == UInt8(ascii: "<"), utf8[1] == UInt8(ascii: "0"),
            utf8[2] == UInt8(ascii: "x"), utf8[5] == UInt8(ascii: ">"),
            let high = hexValue(utf8[3]), let low = hexValue(utf8[4])
        else { return nil }
        return high << 4 | low
    }

    private static func hexValue(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return digit - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return digit - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return digit - UInt8(ascii: "a") + 10
        default: return nil
        }
    }

    /// A candidate merge. Ordered so that the smallest is the best: highest score, then leftmost.
    struct Bigram: Comparable {
        var score: Float
        var left: Int32
        var right: Int32
        /// Combined byte length when queued; a mismatch later means the entry is stale.
        var length: Int32

        static func < (lhs: Bigram, rhs: Bigram) -> Bool {
            lhs.score > rhs.score || (lhs.score == rhs.score && lhs.left < rhs.left)
        }
    }

    /// Reusable buffers for ``encode(fragment:table:unknownID:into:scratch:)``.
    struct Scratch {
        var start: [Int32] = []
        var length: [Int32] = []
        var previous: [Int32] = []
        var next: [Int32] = []
        var queue = MinHeap<Bigram>()
        /// Queue pushes and pops plus bytes hashed, summed over calls (for tests that bound the work).
        var steps = 0
    }

    /// Encodes one text fragment, whose spaces are already `▁`, appending token ids to `output`.
    func encode(
        fragment: [UInt8], table: ByteStringTable, unknownID: Int32?, into output: inout [Int32], scratch: inout Scratch
    ) {
        guard !fragment.isEmpty else { return }
        scratch.start.removeAll(keepingCapacity: true)
        scratch.length.removeAll(keepingCapacity: true)
        scratch.previous.removeAll(keepingCapacity: true)
        scratch.next.removeAll(keepingCapacity: true)
        scratch.queue.removeAll()
        var offset = 0
        while offset < fragment.count {
            let width = min(Self.utf8Width(lead: fragment[offset]), fragment.count - offset)
            let index = Int32(scratch.start.count)
            scratch.start.append(Int32(offset))
            scratch.length.append(Int32(width))
            scratch.previous.append(index - 1)
            scratch.next.append(index + 1)
            offset += width
        }
        let symbolCount = scratch.start.count
        fragment.withUnsafeBufferPointer { text in
            for left in 0..<(symbolCount - 1) {
                tryAddBigram(left: left, right: left + 1, text: text, table: table, scratch: &scratch)
            }
            while let bigram = scratch.queue.pop() {
                scratch.steps &+= 1
                let left = Int(bigram.left), right = Int(bigram.right)
                let leftLength = scratch.length[left], rightLength = scratch.length[right]
                guard leftLength > 0, rightLength > 0, leftLength + rightLength == bigram.length else { continue }
                scratch.length[left] = leftLength + rightLength
                scratch.length[right] = 0
                let after = Int(scratch.next[right])
                scratch.next[left] = Int32(after)
                if after < symbolCount { scratch.previous[after] = Int32(left) }
                let before = Int(scratch.previous[left])
                if before >= 0 { tryAddBigram(left: before, right: left, text: text, table: table, scratch: &scratch) }
                if after < symbolCount { tryAddBigram(left: left, right: after, text: text, table: table, scratch: &scratch) }
            }
            var symbol = 0
            while symbol < symbolCount {
                let start = Int(scratch.start[symbol]), length = Int(scratch.length[symbol])
                let bytes = UnsafeBufferPointer(rebasing: text[start..<(start + length)])
                if let id = table.value(for: bytes) {
                    output.append(id)
                } else {
                    for byte in bytes {
                        let id = byteTokens[Int(byte)]
                        if id >= 0 { output.append(id) } else if let unknownID { output.append(unknownID) }
                    }
                }
                symbol = Int(scratch.next[symbol])
            }
        }
    }

    @inline(__always)
    private func tryAddBigram(
        left: Int, right: Int, text: UnsafeBufferPointer<UInt8>, table: ByteStringTable, scratch: inout Scratch
    ) {
        let start = Int(scratch.start[left])
        let length = Int(scratch.length[left] + scratch.length[right])
        guard length <= maxTokenLength else { return }
        scratch.steps &+= 1 + length
        guard let id = table.value(for: UnsafeBufferPointer(rebasing: text[start..<(start + length)])),
            Int(id) < scores.count
        else { return }
        scratch.queue.push(Bigram(score: scores[Int(id)], left: Int32(left), right: Int32(right), length: Int32(length)))
    }

    /// Byte length of the UTF-8 sequence a lead byte announces, by its high nibble as llama.cpp's
    /// `unicode_len_utf8` reads it (1 for stray continuation bytes).
    @inline(__always)
    static func utf8Width(lead: UInt8) -> Int {
        switch lead {
        case 0xC0...0xDF: return 2
        case 0xE0...0xEF: return 3
        case 0xF0...0xFF: return 4
        default: return 1
        }
    }
}

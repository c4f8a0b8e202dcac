/// Finds special tokens written verbatim in text, so that `"<s>"` in a prompt becomes the BOS id,
/// with llama.cpp's precedence (`tokenizer_st_partition`).
///
/// llama.cpp takes the special tokens longest first. For each one it cuts every remaining text
/// fragment at that token's occurrences, leftmost first and without overlap, and what is left
/// between them stays text for the shorter tokens. So in `"@@xyz@@@"` with the tokens `@@xy`
/// and `xyz@@@`, the longer one wins although it starts later. Which tokens take part depends on
/// `parse_special`: control and unknown tokens only when it is on, user-defined tokens always.
///
/// llama.cpp searches the text once per special token, which is quadratic when there are many
/// of them. Here one ``AhoCorasick`` pass finds all occurrences of all tokens at once; they are
/// then accepted in llama.cpp's order (longer token first, then leftmost) unless they overlap one
/// already accepted. Because every earlier acceptance is at least as long, an occurrence overlaps
/// one exactly when its first or last byte is already covered, so the check is O(1).
/// Total work: O(text + occurrences · log occurrences) per call, O(total token bytes) to build.
/// Tokens of equal length that overlap in the text go to the lower id (llama.cpp's order among
/// them is whatever `std::sort` leaves; real vocabularies have no such pairs).
struct SpecialTokenMatcher: Sendable {
    /// A piece of the input: plain text to tokenize, or a special token's id.
    enum Fragment: Equatable {
        case text(Range<Int>)
        case token(Int32)
    }

    struct Candidate: Sendable {
        var bytes: [UInt8]
        var id: Int32
        /// Matched even when special parsing is off (user-defined tokens, as in llama.cpp).
        var always: Bool
    }

    private let automaton: AhoCorasick
    /// Per pattern: token id, byte length, whether it is matched without `parseSpecial`, and its
    /// precedence rank (0 first: longest, then lowest id).
    private let ids: [Int32]
    private let lengths: [Int]
    private let always: [Bool]
    private let ranks: [Int32]
    private let hasAlways: Bool
    let isEmpty: Bool

    init(candidates: [Candidate]) {
        let kept = candidates.filter { !$0.bytes.isEmpty }
        automaton = AhoCorasick(patterns: kept.map(\.bytes))
        ids = kept.map(\.id)
        lengths = kept.map(\.bytes.count)
        always = kept.map(\.always)
        let order = kept.indices.sorted {
            kept[$0].bytes.count != kept[$1].bytes.count
                ? kept[$0].bytes.count > kept[$1].bytes.count : kept[$0].id < kept[$1].id
        }
        var ranks = [Int32](repeating: 0, count: kept.count)
        for (rank, index) in order.enumerated() { ranks[index] = Int32(rank) }
        self.ranks = ranks
        hasAlways = kept.contains(where: \.always)
        isEmpty = kept.isEmpty
    }

    /// Splits `text` (UTF-8) into plain-text ranges and special tokens.
    /// - Parameter parseSpecial: When `false`, only ``Candidate/always`` tokens are matched.
    func split(_ text: [UInt8], parseSpecial: Bool) -> [Fragment] {
        var steps = 0
        return text.withUnsafeBufferPointer { split($0, parseSpecial: parseSpecial, steps: &steps) }
    }

    private struct Occurrence: Comparable {
        var rank: Int32
        var start: Int
        var pattern: Int32
        static func < (a: Occurrence, b: Occurrence) -> Bool { a.rank != b.rank ? a.rank < b.rank : a.start < b.start }
    }

    /// Splits `text` and counts the work done in `steps` (automaton transitions, occurrences,
    /// and bytes marked as taken), for tests that bound it.
    func split(_ text: UnsafeBufferPointer<UInt8>, parseSpecial: Bool, steps: inout Int) -> [Fragment] {
        let whole: [Fragment] = text.isEmpty ? [] : [.text(0..<text.count)]
        guard !isEmpty, parseSpecial || hasAlways else { return whole }
        var occurrences: [Occurrence] = []
        automaton.forEachMatch(in: text, steps: &steps) { end, pattern in
            let index = Int(pattern)
            if parseSpecial || always[index] {
                occurrences.append(Occurrence(rank: ranks[index], start: end - lengths[index], pattern: pattern))
            }
        }
        guard !occurrences.isEmpty else { return whole }
        occurrences.sort()

        var covered = [Bool](repeating: false, count: text.count)
        var accepted: [Occurrence] = []
        for occurrence in occurrences {
            let last = occurrence.start + lengths[Int(occurrence.pattern)] - 1
            if covered[occurrence.start] || covered[last] { continue }
            for offset in occurrence.start...last { covered[offset] = true }
            steps &+= last - occurrence.start + 1
            accepted.append(occurrence)
        }
        accepted.sort { $0.start < $1.start }

        var fragments: [Fragment] = []
        fragments.reserveCapacity(2 * accepted.count + 1)
        var plainStart = 0
        for occurrence in accepted {
            if plainStart < occurrence.start { fragments.append(.text(plainStart..<occurrence.start)) }
            fragments.append(.token(ids[Int(occurrence.pattern)]))
            plainStart = occurrence.start + lengths[Int(occurrence.pattern)]
        }
        if plainStart < text.count { fragments.append(.text(plainStart..<text.count)) }
        return fragments
    }
}

/// Finds special tokens written verbatim in text, so that `"<s>"` in a prompt becomes the BOS id.
///
/// The text is scanned left to right; at each byte the longest special token that starts there
/// wins. (llama.cpp instead places the longest special tokens first across the whole text; the
/// two differ only when special tokens overlap each other in the text.)
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

    /// Candidates grouped by first byte, longest first.
    private let candidatesByFirstByte: [[Candidate]]
    let isEmpty: Bool

    init(candidates: [Candidate]) {
        var groups = [[Candidate]](repeating: [], count: 256)
        for candidate in candidates where !candidate.bytes.isEmpty {
            groups[Int(candidate.bytes[0])].append(candidate)
        }
        for index in groups.indices {
            groups[index].sort { $0.bytes.count != $1.bytes.count ? $0.bytes.count > $1.bytes.count : $0.id < $1.id }
        }
        candidatesByFirstByte = groups
        isEmpty = candidates.allSatisfy(\.bytes.isEmpty)
    }

    /// Splits `text` (UTF-8) into plain-text ranges and special tokens.
    /// - Parameter parseSpecial: When `false`, only ``Candidate/always`` tokens are matched.
    func split(_ text: [UInt8], parseSpecial: Bool) -> [Fragment] {
        guard !isEmpty else { return text.isEmpty ? [] : [.text(0..<text.count)] }
        var fragments: [Fragment] = []
        var plainStart = 0
        var position = 0
        while position < text.count {
            var matched: Candidate?
            for candidate in candidatesByFirstByte[Int(text[position])]
            where (parseSpecial || candidate.always) && position + candidate.bytes.count <= text.count {
                if text[position..<(position + candidate.bytes.count)].elementsEqual(candidate.bytes) {
                    matched = candidate
                    break
                }
            }
            if let matched {
                if plainStart < position { fragments.append(.text(plainStart..<position)) }
                fragments.append(.token(matched.id))
                position += matched.bytes.count
                plainStart = position
            } else {
                position += 1
            }
        }
        if plainStart < text.count { fragments.append(.text(plainStart..<text.count)) }
        return fragments
    }
}

/// GPT-2's pre-tokenizer: splits text into the words that byte-level BPE encodes one at a time.
///
/// It is the regular expression of GPT-2 and Hugging Face's `ByteLevel` pre-tokenizer,
///
/// ```
/// 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
/// ```
///
/// written out by hand over Unicode scalars. `\s` is the Unicode `White_Space` property, `\p{L}`
/// the letter categories (Lu Ll Lt Lm Lo) and `\p{N}` the number categories (Nd Nl No).
/// The words partition the text: concatenated they give it back exactly.
public enum GPT2PreTokenizer {
    /// The class of a scalar as far as the split pattern cares.
    enum ScalarClass: UInt8 { case letter, number, whitespace, other }

    /// Classes of the ASCII scalars, indexed by value.
    static let asciiClasses: [ScalarClass] = (0..<128).map { value in
        switch value {
        case 0x41...0x5A, 0x61...0x7A: return .letter
        case 0x30...0x39: return .number
        case 0x09...0x0D, 0x20: return .whitespace
        default: return .other
        }
    }

    @inline(__always)
    static func classify(_ scalar: Unicode.Scalar) -> ScalarClass {
        if scalar.value < 0x80 { return asciiClasses[Int(scalar.value)] }
        let properties = scalar.properties
        if properties.isWhitespace { return .whitespace }
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            return .letter
        case .decimalNumber, .letterNumber, .otherNumber:
            return .number
        default:
            return .other
        }
    }

    /// Splits text into GPT-2 words.
    /// - Parameter text: Any text.
    /// - Returns: The words, in order; their concatenation is `text`.
    public static func split(_ text: String) -> [String] {
        let scalars = Array(text.unicodeScalars)
        return wordRanges(in: scalars).map { range in
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[range])
            return String(view)
        }
    }

    /// Splits text into GPT-2 words, each as its UTF-8 bytes.
    /// - Parameter text: Any text.
    /// - Returns: The UTF-8 bytes of each word, in order.
    public static func utf8Words(_ text: String) -> [[UInt8]] {
        var words: [[UInt8]] = []
        forEachWord(in: text) { words.append(Array($0)) }
        return words
    }

    /// Calls `body` with the UTF-8 bytes of each GPT-2 word of `text`, in order, without
    /// allocating per word.
    /// - Parameters:
    ///   - text: Any text.
    ///   - body: Receives a slice of the text's UTF-8 bytes for each word.
    public static func forEachWord(in text: String, _ body: (ArraySlice<UInt8>) -> Void) {
        let scalars = Array(text.unicodeScalars)
        // byteOffsets[i] = UTF-8 offset of scalar i; one extra entry for the end.
        var byteOffsets = [Int](repeating: 0, count: scalars.count + 1)
        var offset = 0
        for (index, scalar) in scalars.enumerated() {
            byteOffsets[index] = offset
            offset += UTF8.width(scalar)
        }
        byteOffsets[scalars.count] = offset
        let bytes = Array(text.utf8)
        for range in wordRanges(in: scalars) {
            body(bytes[byteOffsets[range.lowerBound]..<byteOffsets[range.upperBound]])
        }
    }

    /// The word boundaries of a scalar sequence.
    /// - Parameter scalars: The text, as Unicode scalars.
    /// - Returns: Consecutive, non-empty ranges of scalar indices that cover `scalars`.
    public static func wordRanges(in scalars: [Unicode.Scalar]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(scalars.count / 4 + 1)
        let count = scalars.count
        var start = 0
        while start < count {
            let end = wordEnd(in: scalars, from: start)
            ranges.append(start..<end)
            start = end
        }
        return ranges
    }

    /// The end of the word that starts at `start` (`start < scalars.count`).
    static func wordEnd(in scalars: [Unicode.Scalar], from start: Int) -> Int {
        let count = scalars.count
        let first = scalars[start]
        // 's|'t|'re|'ve|'m|'ll|'d
        if first == "'" && start + 1 < count {
            switch scalars[start + 1] {
            case "s", "t", "m", "d":
                return start + 2
            case "r", "v":
                if start + 2 < count && scalars[start + 2] == "e" { return start + 3 }
            case "l":
                if start + 2 < count && scalars[start + 2] == "l" { return start + 3 }
            default:
                break
            }
        }
        // ' ?' before a letter, number or other run.
        var runStart = start
        var runClass = classify(first)
        if first == " " && start + 1 < count {
            let next = classify(scalars[start + 1])
            if next != .whitespace {
                runStart = start + 1
                runClass = next
            }
        }
        if runClass != .whitespace {
            // ?\p{L}+ | ?\p{N}+ | ?[^\s\p{L}\p{N}]+
            var end = runStart + 1
            while end < count && classify(scalars[end]) == runClass { end += 1 }
            return end
        }
        // \s+(?!\S) | \s+
        var end = start + 1
        while end < count && classify(scalars[end]) == .whitespace { end += 1 }
        if end == count || end - start == 1 { return end }
        return end - 1
    }
}

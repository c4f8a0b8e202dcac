/// GPT-2's pre-tokenizer: splits text into the words that byte-level BPE encodes one at a time.
///
/// It is the regular expression of GPT-2 and Hugging Face's `ByteLevel` pre-tokenizer,
///
/// ```
/// 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
/// ```
///
/// written out by hand over Unicode scalars, step for step as llama.cpp's
/// `unicode_regex_split_custom_gpt2` does (which llama.cpp also uses for the GPT-2 stage of
/// its `default` and `smollm` pre-tokenizers). `\s` is the Unicode `White_Space` property,
/// `\p{L}` the letter categories (Lu Ll Lt Lm Lo) and `\p{N}` the number categories (Nd Nl No).
/// The words partition the text: concatenated they give it back exactly. Runs in one pass.
///
/// This is the `gpt-2` entry of ``PreTokenizer``; LowBit's BPE trainer splits its corpus with it.
public enum GPT2PreTokenizer {
    /// Splits text into GPT-2 words.
    /// - Parameter text: Any text.
    /// - Returns: The words, in order; their concatenation is `text`.
    public static func split(_ text: String) -> [String] {
        var words: [String] = []
        forEachWord(in: text) { words.append(String(decoding: $0, as: UTF8.self)) }
        return words
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
        let bytes = Array(text.utf8)
        var view = ScalarView()
        bytes.withUnsafeBufferPointer { view.load($0, range: 0..<bytes.count) }
        var pieces: [Range<Int>] = []
        split(view, 0..<view.count, into: &pieces)
        for piece in pieces { body(bytes[view.byteOffsets[piece.lowerBound]..<view.byteOffsets[piece.upperBound]]) }
    }

    /// The word boundaries of a scalar sequence.
    /// - Parameter scalars: The text, as Unicode scalars.
    /// - Returns: Consecutive, non-empty ranges of scalar indices that cover `scalars`.
    public static func wordRanges(in scalars: [Unicode.Scalar]) -> [Range<Int>] {
        var view = ScalarView()
        view.values = scalars.map(\.value)
        view.flags = view.values.map(ScalarFlags.of)
        var pieces: [Range<Int>] = []
        split(view, 0..<scalars.count, into: &pieces)
        return pieces
    }

    /// Appends the words of `view[bounds]` to `pieces`. Outside `bounds` the text does not exist,
    /// so `\s+(?!\S)` sees the end of the fragment as the end of the text.
    static func split(_ view: ScalarView, _ bounds: Range<Int>, into pieces: inout [Range<Int>]) {
        var start = bounds.lowerBound
        while start < bounds.upperBound {
            let end = wordEnd(view, from: start, bounds: bounds)
            pieces.append(start..<end)
            start = end
        }
    }

    /// The end of the word that starts at `start` (inside `bounds`).
    @inline(__always)
    static func wordEnd(_ view: ScalarView, from start: Int, bounds: Range<Int>) -> Int {
        let end = bounds.upperBound
        let scalar = view.values[start]
        // 's|'t|'re|'ve|'m|'ll|'d
        if scalar == 0x27 && start + 1 < end {
            switch view.values[start + 1] {
            case 0x73, 0x74, 0x6D, 0x64:  // s t m d
                return start + 2
            case 0x72, 0x76:  // r v
                if start + 2 < end && view.values[start + 2] == 0x65 { return start + 3 }
            case 0x6C:  // l
                if start + 2 < end && view.values[start + 2] == 0x6C { return start + 3 }
            default:
                break
            }
        }
        // ' ?' then a run of letters, of numbers, or of anything else but whitespace.
        let isSpace = scalar == 0x20
        var position = isSpace ? start + 1 : start
        let first = view.flags(at: position, in: bounds)
        if first.isLetter {
            while view.flags(at: position, in: bounds).isLetter { position += 1 }
            return position
        }
        if first.isNumber {
            while view.flags(at: position, in: bounds).isNumber { position += 1 }
            return position
        }
        if first.isOther {
            while view.flags(at: position, in: bounds).isOther { position += 1 }
            return position
        }
        // \s+(?!\S) | \s+
        var whitespace = 0
        while view.flags(at: start + whitespace, in: bounds).isWhitespace { whitespace += 1 }
        if whitespace > 1 && start + whitespace < end { return start + whitespace - 1 }
        if whitespace > 0 { return start + whitespace }
        return start + 1
    }
}

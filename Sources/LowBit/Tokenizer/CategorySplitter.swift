/// The character-class stages of llama.cpp's `default` and `smollm` pre-tokenizers.
///
/// llama.cpp runs these through `std::regex` on a "collapsed" copy of the text, in which every
/// non-ASCII scalar is replaced by one byte standing for its category (`\p{N}` → 0xD1,
/// `\p{P}` → 0xD3, whitespace → 0x0B, …) and `\p{N}` in the pattern by `[\xD1 0-9]`. Each
/// stage cuts every fragment into the pattern's matches and the gaps between them, and both
/// become fragments. The patterns are single character classes, so the matches are simple runs:
///
/// | stage | pattern | matches |
/// |---|---|---|
/// | ``Stage/punctuationRuns`` | `[\p{P}\$\+<=>\^~\|]+` | maximal runs of punctuation and `$+<=>^~\|` |
/// | ``Stage/numberRuns`` | `\p{N}+` | maximal runs of numbers |
/// | ``Stage/singleNumbers`` | `\p{N}` | each number on its own |
/// | ``Stage/asciiDigitTriples`` | `[0-9][0-9][0-9]` | three ASCII digits, leftmost first |
///
/// Here they are scans over ``ScalarFlags``, one pass each.
enum CategorySplitter {
    enum Stage: Sendable, Equatable {
        case punctuationRuns, numberRuns, singleNumbers, asciiDigitTriples
    }

    /// ASCII members of `[\p{P}\$\+<=>\^~\|]` (the collapsed `\p{P}` is Unicode's ASCII
    /// punctuation, `!"#%&'()*,-./:;?@[\]_{}`; the backtick is a symbol and not in it).
    private static let asciiPunctuationOrOperator: [Bool] = (0..<128).map { value in
        Array(##"!"#%&'()*,-./:;?@[\]_{}$+<=>^~|"##.unicodeScalars).contains { $0.value == UInt32(value) }
    }

    @inline(__always)
    private static func isPunctuationOrOperator(_ value: UInt32, _ flags: ScalarFlags) -> Bool {
        value < 0x80 ? asciiPunctuationOrOperator[Int(value)] : flags.contains(.punctuation) && !flags.isWhitespace
    }

    /// `\p{N}` as the collapsed regex sees it: ASCII digits, or a non-ASCII number.
    @inline(__always)
    private static func isNumber(_ value: UInt32, _ flags: ScalarFlags) -> Bool {
        value < 0x80 ? (0x30...0x39).contains(value) : flags.isNumber && !flags.isWhitespace
    }

    @inline(__always)
    private static func isASCIIDigit(_ value: UInt32) -> Bool { (0x30...0x39).contains(value) }

    /// Appends the pieces of `view[bounds]` to `pieces`.
    static func split(_ view: ScalarView, _ bounds: Range<Int>, stage: Stage, into pieces: inout [Range<Int>]) {
        switch stage {
        case .punctuationRuns:
            splitRuns(view, bounds, into: &pieces) { isPunctuationOrOperator(view.values[$0], view.flags[$0]) }
        case .numberRuns:
            splitRuns(view, bounds, into: &pieces) { isNumber(view.values[$0], view.flags[$0]) }
        case .singleNumbers:
            var gapStart = bounds.lowerBound
            for position in bounds where isNumber(view.values[position], view.flags[position]) {
                if gapStart < position { pieces.append(gapStart..<position) }
                pieces.append(position..<(position + 1))
                gapStart = position + 1
            }
            if gapStart < bounds.upperBound { pieces.append(gapStart..<bounds.upperBound) }
        case .asciiDigitTriples:
            var gapStart = bounds.lowerBound
            var position = bounds.lowerBound
            while position + 3 <= bounds.upperBound {
                if isASCIIDigit(view.values[position]) && isASCIIDigit(view.values[position + 1])
                    && isASCIIDigit(view.values[position + 2])
                {
                    if gapStart < position { pieces.append(gapStart..<position) }
                    pieces.append(position..<(position + 3))
                    position += 3
                    gapStart = position
                } else {
                    position += 1
                }
            }
            if gapStart < bounds.upperBound { pieces.append(gapStart..<bounds.upperBound) }
        }
    }

    /// Cuts `bounds` wherever `inClass` changes: the runs of the class (the matches of `C+`)
    /// and the runs outside it (the gaps) alternate.
    @inline(__always)
    private static func splitRuns(
        _ view: ScalarView, _ bounds: Range<Int>, into pieces: inout [Range<Int>], inClass: (Int) -> Bool
    ) {
        guard !bounds.isEmpty else { return }
        var runStart = bounds.lowerBound
        var runInClass = inClass(runStart)
        for position in (bounds.lowerBound + 1)..<bounds.upperBound {
            let member = inClass(position)
            if member != runInClass {
                pieces.append(runStart..<position)
                runStart = position
                runInClass = member
            }
        }
        pieces.append(runStart..<bounds.upperBound)
    }
}

/// The Llama 3 and Qwen2 pre-tokenizer split, written out by hand.
///
/// Llama 3's regular expression (`tokenizer.ggml.pre = "llama-bpe"`) is
///
/// ```
/// (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
/// ```
///
/// and Qwen2's (`"qwen2"`) is the same with `\p{N}` for `\p{N}{1,3}`: digits one at a time.
/// This follows llama.cpp's `unicode_regex_split_custom_llama3` / `_qwen2` step for step,
/// including how they treat the ends of a fragment (no text exists outside it). One pass;
/// every scalar is looked at a bounded number of times.
enum Llama3Splitter {
    /// Appends the words of `view[bounds]` to `pieces`.
    /// - Parameter maxDigits: Longest run of digits in one word: 3 (Llama 3) or 1 (Qwen2).
    static func split(_ view: ScalarView, _ bounds: Range<Int>, maxDigits: Int, into pieces: inout [Range<Int>]) {
        let end = bounds.upperBound
        var previousEnd = bounds.lowerBound
        var position = bounds.lowerBound

        @inline(__always) func flags(_ p: Int) -> ScalarFlags { view.flags(at: p, in: bounds) }
        @inline(__always) func emit(_ wordEnd: Int) {
            if wordEnd > previousEnd { pieces.append(previousEnd..<wordEnd) }
            previousEnd = wordEnd
        }
        @inline(__always) func isNewline(_ value: UInt32) -> Bool { value == 0x0D || value == 0x0A }
        // ASCII lower case is all (?i:…) needs: no other scalar lower-cases to s t m d r e v l.
        @inline(__always) func lower(_ value: UInt32) -> UInt32 { (0x41...0x5A).contains(value) ? value | 0x20 : value }

        while position < end {
            let scalar = view.values[position]
            let current = view.flags[position]

            // (?i:'s|'t|'re|'ve|'m|'ll|'d)
            if scalar == 0x27 && position + 1 < end {
                let next = lower(view.values[position + 1])
                if next == 0x73 || next == 0x74 || next == 0x6D || next == 0x64 {
                    position += 2
                    emit(position)
                    continue
                }
                if position + 2 < end {
                    let nextNext = lower(view.values[position + 2])
                    if (next == 0x72 && nextNext == 0x65) || (next == 0x76 && nextNext == 0x65)
                        || (next == 0x6C && nextNext == 0x6C)
                    {
                        position += 3
                        emit(position)
                        continue
                    }
                }
            }

            // [^\r\n\p{L}\p{N}]?\p{L}+
            if !(isNewline(scalar) || current.isNumber) {
                if current.isLetter || flags(position + 1).isLetter {
                    position += 1
                    while flags(position).isLetter { position += 1 }
                    emit(position)
                    continue
                }
            }

            // \p{N}{1,maxDigits}
            if current.isNumber {
                var runStart = position
                while flags(position).isNumber {
                    position += 1
                    if position - runStart >= maxDigits {
                        emit(position)
                        runStart = position
                    }
                }
                emit(position)
                continue
            }

            // ' ?[^\s\p{L}\p{N}]+[\r\n]*'. (llama.cpp tests the current scalar's flags for being
            // non-empty, not those after the space; a lone trailing space lands here.)
            var after = scalar == 0x20 ? flags(position + 1) : current
            if after.intersection([.whitespace, .letter, .number]).isEmpty && !current.isEmpty {
                if scalar == 0x20 { position += 1 }
                while after.isOther {
                    position += 1
                    after = flags(position)
                }
                while let value = view.value(at: position, in: bounds), isNewline(value) { position += 1 }
                emit(position)
                continue
            }

            // \s*[\r\n]+ | \s+(?!\S) | \s+
            var whitespace = 0
            var afterLastNewline = 0
            while flags(position + whitespace).isWhitespace {
                if isNewline(view.values[position + whitespace]) { afterLastNewline = position + whitespace + 1 }
                whitespace += 1
            }
            if afterLastNewline > 0 {
                position = afterLastNewline
            } else if whitespace > 1 && position + whitespace < end {
                position += whitespace - 1
            } else if whitespace > 0 {
                position += whitespace
            } else {
                position += 1
            }
            emit(position)
        }
    }
}

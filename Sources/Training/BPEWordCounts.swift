import LowBit

/// The distinct pre-tokenized words of a corpus with their frequencies, in order of first
/// appearance (so training never depends on hash order).
struct BPEWordCounts {
    /// UTF-8 bytes of each distinct word.
    private(set) var words: [[UInt8]] = []
    /// How often each word occurs.
    private(set) var counts: [Int] = []
    private var indexByWord: [[UInt8]: Int] = [:]

    /// Splits every text with the GPT-2 pre-tokenizer and counts the words.
    init(corpus: [String]) {
        for text in corpus {
            GPT2PreTokenizer.forEachWord(in: text) { word in
                let key = Array(word)
                if let index = indexByWord[key] {
                    counts[index] += 1
                } else {
                    indexByWord[key] = words.count
                    words.append(key)
                    counts.append(1)
                }
            }
        }
    }
}

import LowBit

/// Trains a byte-level BPE vocabulary (GPT-2 style) from text, deterministically.
///
/// The corpus is split with ``GPT2PreTokenizer`` and every word starts as one symbol per byte,
/// spelled through ``ByteUnicodeMap``. Each step merges the most frequent adjacent pair of
/// symbols into a new token (ties: the smaller pair of ids), until the vocabulary is full or no
/// pair occurs `minFrequency` times. Pair counts are updated incrementally, only in the words
/// that contain the merged pair.
///
/// The result is a `.gpt2` ``TokenizerConfig``: the special tokens first (as control tokens;
/// BOS is the first, EOS the second, the unknown token `"<unk>"` if listed), then the 256 byte
/// symbols in the order of their spelling's scalar (`!`, `"`, … `ÿ`, `Ā`, … `Ń`), then the merged
/// tokens in merge order. With this order and tie-breaking, the merges match Hugging Face's
/// `BpeTrainer` with a `ByteLevel` pre-tokenizer and the full byte alphabet.
///
/// ```swift
/// let config = BPETrainer(vocabularySize: 4000).train(corpus: texts)
/// let tokenizer = try Tokenizer(config: config)
/// ```
public struct BPETrainer: Sendable {
    /// Target vocabulary size, special and byte tokens included. A size below
    /// `specialTokens.count + 256` gives just those.
    public let vocabularySize: Int
    /// Pairs seen fewer times than this are never merged.
    public let minFrequency: Int
    /// Control tokens placed at the start of the vocabulary.
    public let specialTokens: [String]

    /// Configures a trainer.
    /// - Parameters:
    ///   - vocabularySize: Target number of tokens, special and byte tokens included.
    ///   - minFrequency: Smallest pair count that may still be merged (at least 1).
    ///   - specialTokens: Control tokens; the first is BOS, the second EOS.
    public init(vocabularySize: Int, minFrequency: Int = 2, specialTokens: [String] = ["<s>", "</s>", "<unk>"]) {
        self.vocabularySize = vocabularySize
        self.minFrequency = max(1, minFrequency)
        self.specialTokens = specialTokens
    }

    /// Learns merges from `corpus`.
    /// - Parameter corpus: Training texts; each is pre-tokenized on its own.
    /// - Returns: A `.gpt2` configuration that ``Tokenizer/init(config:)`` accepts.
    public func train(corpus: [String]) -> TokenizerConfig {
        let wordCounts = BPEWordCounts(corpus: corpus)
        let firstByteID = Int32(specialTokens.count)

        // Raw bytes of every non-special token, indexed by id - firstByteID. The byte symbols
        // come in the order of the scalars that spell them, as in Hugging Face's trainer.
        let byteOrder = (0..<256).sorted { ByteUnicodeMap.scalarValues[$0] < ByteUnicodeMap.scalarValues[$1] }
        var tokenBytes: [[UInt8]] = byteOrder.map { [UInt8($0)] }
        var idByBytes: [[UInt8]: Int32] = [:]
        var byteIDs = [Int32](repeating: 0, count: 256)
        for (offset, byte) in byteOrder.enumerated() {
            idByBytes[[UInt8(byte)]] = firstByteID + Int32(offset)
            byteIDs[byte] = firstByteID + Int32(offset)
        }

        // Each distinct word as token ids; `counts[w]` is its frequency.
        var words: [[Int32]] = wordCounts.words.map { $0.map { byteIDs[Int($0)] } }
        let counts = wordCounts.counts

        var pairCounts: [UInt64: Int] = [:]
        var wordsWithPair: [UInt64: Set<Int32>] = [:]
        for (wordIndex, word) in words.enumerated() where word.count > 1 {
            for position in 0..<(word.count - 1) {
                let key = bpePairKey(word[position], word[position + 1])
                pairCounts[key, default: 0] += counts[wordIndex]
                wordsWithPair[key, default: []].insert(Int32(wordIndex))
            }
        }
        var queue = BPEPairQueue()
        for (pair, count) in pairCounts { queue.push(.init(count: count, pair: pair)) }

        var merges: [String] = []
        var tokenCount = specialTokens.count + 256
        var deltas: [UInt64: Int] = [:]
        while tokenCount < vocabularySize, let top = queue.pop() {
            let current = pairCounts[top.pair] ?? 0
            if current != top.count {
                if current > 0 { queue.push(.init(count: current, pair: top.pair)) }
                continue
            }
            guard current >= minFrequency else { break }

            let (left, right) = bpePairIDs(top.pair)
            let mergedBytes = tokenBytes[Int(left - firstByteID)] + tokenBytes[Int(right - firstByteID)]
            let merged: Int32
            if let existing = idByBytes[mergedBytes] {
                merged = existing
            } else {
                merged = firstByteID + Int32(tokenBytes.count)
                tokenBytes.append(mergedBytes)
                idByBytes[mergedBytes] = merged
                tokenCount += 1
            }
            merges.append(
                ByteUnicodeMap.encode(tokenBytes[Int(left - firstByteID)]) + " "
                    + ByteUnicodeMap.encode(tokenBytes[Int(right - firstByteID)]))

            deltas.removeAll(keepingCapacity: true)
            var gained: [UInt64: Set<Int32>] = [:]
            for wordIndex in wordsWithPair[top.pair] ?? [] {
                let frequency = counts[Int(wordIndex)]
                Self.merge(
                    left: left, right: right, into: merged, word: &words[Int(wordIndex)]
                ) { pair, sign in
                    deltas[pair, default: 0] += sign * frequency
                    if sign > 0 { gained[pair, default: []].insert(wordIndex) }
                }
            }
            for (pair, delta) in deltas where pair != top.pair && delta != 0 {
                let updated = (pairCounts[pair] ?? 0) + delta
                if updated > 0 { pairCounts[pair] = updated } else { pairCounts.removeValue(forKey: pair) }
                if delta > 0 { queue.push(.init(count: updated, pair: pair)) }
            }
            for (pair, wordIndices) in gained where pair != top.pair {
                wordsWithPair[pair, default: []].formUnion(wordIndices)
            }
            pairCounts.removeValue(forKey: top.pair)
            wordsWithPair.removeValue(forKey: top.pair)
        }

        let tokens = specialTokens + tokenBytes.map { ByteUnicodeMap.encode($0) }
        let types =
            [TokenizerConfig.TokenType](repeating: .control, count: specialTokens.count)
            + [TokenizerConfig.TokenType](repeating: .normal, count: tokenBytes.count)
        let bos: Int32? = specialTokens.isEmpty ? nil : 0
        let eos: Int32? = specialTokens.count >= 2 ? 1 : bos
        let unknown = specialTokens.firstIndex(of: "<unk>").map { Int32($0) }
        return TokenizerConfig(
            model: .gpt2, tokens: tokens, tokenTypes: types, merges: merges,
            bosID: bos, eosID: eos, unknownID: unknown, addBOS: bos != nil, addEOS: false)
    }

    /// Replaces each occurrence of `left right` in `word` with `merged`, left to right, and
    /// reports each pair count change (`+1`/`-1` per occurrence) to `change`.
    static func merge(
        left: Int32, right: Int32, into merged: Int32, word: inout [Int32], change: (UInt64, Int) -> Void
    ) {
        var position = 0
        while position + 1 < word.count {
            guard word[position] == left && word[position + 1] == right else {
                position += 1
                continue
            }
            if position > 0 {
                change(bpePairKey(word[position - 1], left), -1)
                change(bpePairKey(word[position - 1], merged), 1)
            }
            if position + 2 < word.count {
                change(bpePairKey(right, word[position + 2]), -1)
                change(bpePairKey(merged, word[position + 2]), 1)
            }
            word[position] = merged
            word.remove(at: position + 1)
            position += 1
        }
    }
}

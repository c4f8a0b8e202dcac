import LowBit
import Training
import XCTest

final class BPETrainerTests: XCTestCase {
    /// A deterministic multilingual corpus of a few kilobytes.
    static let corpus: [String] = {
        let sentences = [
            "The quick brown fox jumps over the lazy dog.",
            "Les élèves étudient à l'école; où est le café?",
            "Über den Wolken muss die Freiheit wohl grenzenlos sein.",
            "El niño comió una manzana y un piñón.",
            "東京は日本の首都です。日本語を勉強しています。",
            "Emoji: 😀 👍🏽 🎉 and the family 👨‍👩‍👧 say hi!",
            "It's what they've said: we'll see, I'm sure they'd agree.",
            "Numbers 12345 and 3.14159 appear\tbetween tabs\nand newlines.",
        ]
        var texts: [String] = []
        for round in 0..<20 {
            for (index, sentence) in sentences.enumerated() where (round + index) % 3 != 0 {
                texts.append(sentence + " #\(round)")
            }
        }
        return texts
    }()

    func testProducesAGPT2ConfigTheTokenizerAccepts() throws {
        let config = BPETrainer(vocabularySize: 400).train(corpus: Self.corpus)
        XCTAssertEqual(config.model, .gpt2)
        XCTAssertEqual(config.tokens.count, 400)
        XCTAssertEqual(Array(config.tokens.prefix(3)), ["<s>", "</s>", "<unk>"])
        XCTAssertEqual(Array(config.tokenTypes.prefix(4)), [.control, .control, .control, .normal])
        XCTAssertEqual(config.tokens[3], "!")
        XCTAssertEqual(config.tokens[3 + 188 + 0x20], "Ġ")
        XCTAssertEqual(config.merges.count, 400 - 259)
        XCTAssertEqual(config.bosID, 0)
        XCTAssertEqual(config.eosID, 1)
        XCTAssertEqual(config.unknownID, 2)
        XCTAssertTrue(config.addBOS)
        // The most frequent pair in this corpus is "Ġ" + "t" or "h" "e"; merges grow tokens.
        XCTAssertTrue(config.tokens.suffix(20).contains { $0.unicodeScalars.count > 2 })

        let tokenizer = try Tokenizer(config: config)
        XCTAssertEqual(tokenizer.vocabularySize, 400)
        XCTAssertEqual(tokenizer.encode("the").first, 0)
    }

    func testTrainingIsDeterministic() {
        let trainer = BPETrainer(vocabularySize: 350, minFrequency: 2)
        let first = trainer.train(corpus: Self.corpus)
        let second = trainer.train(corpus: Self.corpus)
        XCTAssertEqual(first, second)
    }

    func testTrainedTokenizerRoundTripsTrainingText() throws {
        let tokenizer = try Tokenizer(config: BPETrainer(vocabularySize: 500).train(corpus: Self.corpus))
        var totalTokens = 0, totalBytes = 0
        for text in Self.corpus {
            let ids = tokenizer.encode(text, addBOS: false)
            XCTAssertEqual(tokenizer.decode(ids), text)
            totalTokens += ids.count
            totalBytes += text.utf8.count
        }
        // Merges must compress: well under one token per byte.
        XCTAssertLessThan(Double(totalTokens) / Double(totalBytes), 0.5)
        for text in ["unseen wörds 日本 🎉🎉", "  spaces  ", "<s>special</s>"] {
            XCTAssertEqual(tokenizer.decode(tokenizer.encode(text), skipSpecial: false), "<s>" + text)
        }
    }

    func testTrainedMergesReproduceTrainingSegmentation() throws {
        // Words that occur often enough end up as single tokens.
        let corpus = Array(repeating: "lowest lower newest widest", count: 10)
        let config = BPETrainer(vocabularySize: 259 + 40).train(corpus: corpus)
        let tokenizer = try Tokenizer(config: config)
        XCTAssertEqual(tokenizer.encode(" newest", addBOS: false).map { tokenizer.token(at: $0) }, ["Ġnewest"])
        XCTAssertEqual(tokenizer.encode("lowest", addBOS: false).map { tokenizer.token(at: $0) }, ["lowest"])
    }

    func testMinimumFrequencyStopsMerging() {
        let config = BPETrainer(vocabularySize: 1000, minFrequency: 3).train(corpus: ["ab ab", "cd"])
        // "a b" occurs twice, below the minimum: nothing is merged.
        XCTAssertTrue(config.merges.isEmpty)
        XCTAssertEqual(config.tokens.count, 259)
        let lower = BPETrainer(vocabularySize: 1000, minFrequency: 2).train(corpus: ["ab ab", "cd"])
        XCTAssertEqual(lower.merges.first, "a b")
    }

    func testTiesBreakTowardSmallerIDs() {
        // "ab" and "cd" both occur twice; byte 'a' < 'c', so "a b" merges first.
        let config = BPETrainer(vocabularySize: 261, specialTokens: []).train(corpus: ["cd ab", "ab cd"])
        XCTAssertEqual(config.merges, ["a b", "c d"])
        XCTAssertNil(config.bosID)
    }
}

@testable import LowBit
import XCTest

/// Pathological inputs cost work linear (or n log n) in their size. The tokenizer counts its
/// own steps (automaton transitions, queue operations, bytes hashed or held back), so these
/// bounds hold in any build configuration and on any machine.
final class TokenizerWorkBoundsTests: XCTestCase {
    /// 50,000 control tokens that share their first six bytes: the old matcher tried every one
    /// of them at every `<` (13.5 s for a 100,000-character prompt).
    func testSpecialTokenMatchingIsLinearWithManySharedPrefixes() throws {
        let specials = (0..<50_000).map { "<ctrl_\($0)>" }
        var config = TestVocabularies.gpt2(merges: [], specials: specials)
        config.addBOS = false
        let tokenizer = try Tokenizer(config: config)

        var text = String(repeating: "<", count: 30_000)
        while text.utf8.count < 100_000 { text += "<ctrl_4999<ctrl_49999<ctrl_12345>x" }
        let bytes = text.utf8.count
        var work = Tokenizer.EncodeWork()
        let ids = tokenizer.encode(text, addBOS: false, addEOS: false, parseSpecial: true, work: &work)
        let matched = ids.filter { tokenizer.isControl($0) }
        XCTAssertEqual(matched.count, (bytes - 30_000) / "<ctrl_4999<ctrl_49999<ctrl_12345>x".utf8.count)
        XCTAssertTrue(matched.allSatisfy { tokenizer.token(at: $0) == "<ctrl_12345>" })
        // Transitions (failure links included) + occurrences + bytes marked: a few per byte.
        XCTAssertLessThanOrEqual(work.specialSteps, 3 * bytes, "special-token matching is not linear")

        // With special parsing off and no user-defined tokens, the text is not even scanned.
        work = Tokenizer.EncodeWork()
        _ = tokenizer.encode(text, addBOS: false, addEOS: false, parseSpecial: false, work: &work)
        XCTAssertEqual(work.specialSteps, 0)
    }

    /// Tokens that are all suffixes of each other (`a`, `aa`, …) are the worst case for the
    /// number of occurrences: each byte ends one occurrence per token length.
    func testSpecialTokenOccurrencesAreBoundedByDistinctLengths() throws {
        let specials = (1...8).map { String(repeating: "a", count: $0) }
        let tokenizer = try Tokenizer(config: TestVocabularies.gpt2(merges: [], specials: specials))
        let text = String(repeating: "a", count: 10_003)
        var work = Tokenizer.EncodeWork()
        let ids = tokenizer.encode(text, addBOS: false, addEOS: false, parseSpecial: true, work: &work)
        // Longest first: 1,250 × "aaaaaaaa", then the remaining "aaa".
        XCTAssertEqual(ids.map { tokenizer.token(at: $0)! }, Array(repeating: specials[7], count: 1250) + [specials[2]])
        XCTAssertLessThanOrEqual(work.specialSteps, (2 + 8 + 1) * text.utf8.count)
    }

    /// One 1 MB word: a single pre-token, merged pair by pair.
    func testByteLevelMergeLoopIsNearLinearOnOneHugeWord() throws {
        let tokenizer = try Tokenizer(config: TestVocabularies.gpt2(merges: ["a a", "aa aa", "aaaa aaaa", "b a", "ba ba"]))
        for (word, expectedTokens) in [(String(repeating: "a", count: 1 << 20), 1 << 17), (String(repeating: "ba", count: 1 << 19), 1 << 18)] {
            var work = Tokenizer.EncodeWork()
            let ids = tokenizer.encode(word, addBOS: false, addEOS: false, parseSpecial: true, work: &work)
            XCTAssertEqual(ids.count, expectedTokens)
            // Each merge queues at most two pairs, each queued pair is popped once:
            // pushes ≤ n - 1 + 2 · merges < 3n, pops = pushes.
            XCTAssertLessThan(work.mergeSteps, 6 * word.utf8.count, "BPE merge loop is not linear in queue operations")
        }
    }

    /// Every pre-tokenizer handles long unbroken runs (letters, digits, spaces, newlines,
    /// punctuation) in one pass and still partitions the text.
    func testPreTokenizersPartitionLongRuns() throws {
        let runs = [
            String(repeating: "x", count: 200_000), String(repeating: "7", count: 200_000),
            String(repeating: " ", count: 200_000), String(repeating: " \n", count: 100_000),
            String(repeating: "!?", count: 100_000), String(repeating: "'s", count: 100_000),
        ]
        for name in ["default", "gpt-2", "llama-bpe", "qwen2", "smollm"] {
            let pre = try XCTUnwrap(PreTokenizer.named(name))
            for run in runs {
                let words = pre.split(run)
                XCTAssertEqual(words.joined(), run, name)
                XCTAssertFalse(words.contains(""), name)
            }
        }
    }

    /// SentencePiece path: one 1 MB fragment with no spaces, and one of only spaces.
    func testSentencePieceIsNearLinearOnOneHugeFragment() throws {
        let base: [(String, Float)] = [("▁", -1), ("a", -1), ("aa", -2), ("aaaa", -3), ("▁▁", -4), ("▁▁▁▁", -5)]
        let tokenizer = try Tokenizer(config: TestVocabularies.llama(pieces: base))
        let maxTokenLength = tokenizer.tokens.map(\.utf8.count).max()!
        for text in [String(repeating: "a", count: 1 << 20), String(repeating: " ", count: 1 << 18)] {
            var work = Tokenizer.EncodeWork()
            let ids = tokenizer.encode(text, addBOS: false, addEOS: false, parseSpecial: true, work: &work)
            XCTAssertEqual(tokenizer.decode(ids), text)
            let symbols = text.unicodeScalars.count + 1
            // pushes + pops < 6 · symbols; each lookup hashes at most maxTokenLength bytes.
            XCTAssertLessThan(work.mergeSteps, symbols * (6 + 3 * (1 + maxTokenLength)))
        }
    }

    /// Invalid byte sequences never pile up in the streaming decoder.
    func testStreamingDecoderIsLinearOnInvalidBytes() throws {
        let tokenizer = try Tokenizer(config: TestVocabularies.helloLlama)
        let f0 = try XCTUnwrap(tokenizer.id(of: "<0xF0>")), e0 = try XCTUnwrap(tokenizer.id(of: "<0xE0>"))
        let continuation = try XCTUnwrap(tokenizer.id(of: "<0x80>")), nine = try XCTUnwrap(tokenizer.id(of: "<0x9F>"))
        let patterns: [[Int32]] = [[f0], [continuation], [e0, continuation], [f0, nine, nine], [f0, nine, nine, e0]]
        for pattern in patterns {
            var stream = StreamingDecoder(tokenizer: tokenizer)
            var replacements = 0
            var pushes = 0
            while pushes < 100_000 {
                for id in pattern {
                    replacements += stream.push(id).unicodeScalars.filter { $0 == "\u{FFFD}" }.count
                    pushes += 1
                }
            }
            replacements += stream.finish().unicodeScalars.filter { $0 == "\u{FFFD}" }.count
            XCTAssertGreaterThan(replacements, 0)
            // One byte per push arrives; at most 3 more are held back and looked at again.
            XCTAssertLessThanOrEqual(stream.steps, 4 * pushes, "held-back bytes accumulate for \(pattern)")
        }
    }
}

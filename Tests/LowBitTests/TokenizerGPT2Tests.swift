import LowBit
import XCTest

final class TokenizerGPT2Tests: XCTestCase {
    func testPreTokenizerMatchesGPT2Regex() {
        // Expected splits from Python's `regex` module running GPT-2's pattern.
        let cases: [(String, [String])] = [
            ("Hello world's  test 123!!\n\n x", ["Hello", " world", "'s", " ", " test", " 123", "!!", "\n\n", " x"]),
            ("I'm   here\t\tnow ", ["I", "'m", "  ", " here", "\t", "\t", "now", " "]),
            ("naïve café ¿qué?", ["naïve", " café", " ¿", "qué", "?"]),
            ("日本語のテキスト、そして😀emoji!", ["日本語のテキスト", "、", "そして", "😀", "emoji", "!"]),
            ("it'S ok'll 'd", ["it", "'", "S", " ok", "'ll", " '", "d"]),
            ("x  \n", ["x", "  \n"]),
            ("   ", ["   "]),
            ("a1b2 ½ Ⅻ", ["a", "1", "b", "2", " ½", " Ⅻ"]),
            ("\u{a0}nbsp\u{3000}ideo", ["\u{a0}", "nbsp", "\u{3000}", "ideo"]),
            ("", []),
        ]
        for (text, expected) in cases {
            XCTAssertEqual(GPT2PreTokenizer.split(text), expected, "split of \(text.debugDescription)")
            XCTAssertEqual(GPT2PreTokenizer.utf8Words(text), expected.map { Array($0.utf8) })
        }
    }

    func testByteUnicodeMapIsGPT2s() {
        XCTAssertEqual(ByteUnicodeMap.scalar(for: 0x20), "Ġ")
        XCTAssertEqual(ByteUnicodeMap.scalar(for: 0x0A), "Ċ")
        XCTAssertEqual(ByteUnicodeMap.scalar(for: UInt8(ascii: "A")), "A")
        XCTAssertEqual(ByteUnicodeMap.scalar(for: 0xAD), "\u{143}")
        XCTAssertEqual(ByteUnicodeMap.scalar(for: 0xFF), "ÿ")
        XCTAssertEqual(Set(ByteUnicodeMap.scalarValues).count, 256)
        let all = (0...255).map { UInt8($0) }
        XCTAssertEqual(ByteUnicodeMap.decode(ByteUnicodeMap.encode(all)), all)
        XCTAssertNil(ByteUnicodeMap.decode("€"))
    }

    static let handMerges = [
        "h e", "l l", "he ll", "hell o", "o r", "Ġ w", "Ġw or", "l d", "Ġwor ld", "Ã ©", "Ġ c", "Ġc af", "a f",
    ]

    func testHandBuiltVocabularyEncodesByMergeRank() throws {
        let config = TestVocabularies.gpt2(merges: Self.handMerges, specials: ["<|endoftext|>"])
        let tokenizer = try Tokenizer(config: config)
        let ids = tokenizer.encode("hello world", addBOS: false)
        XCTAssertEqual(ids.map { tokenizer.token(at: $0) }, ["hello", "Ġworld"])
        // "Ġc af" outranks "a f" but can only apply once "a f" has: Ġ c a f → Ġc af → Ġcaf. "é" is "Ã©".
        XCTAssertEqual(tokenizer.encode(" café", addBOS: false).map { tokenizer.token(at: $0) }, ["Ġcaf", "Ã©"])
        XCTAssertEqual(tokenizer.encode("hi", addBOS: true).first, 0)
    }

    func testRoundTripsAllScripts() throws {
        let tokenizer = try Tokenizer(config: TestVocabularies.gpt2(merges: Self.handMerges, specials: ["<|endoftext|>"]))
        let texts = [
            "hello world", "  leading spaces and trailing  ", "café, über, niño — ¿qué?",
            "日本語のテキスト 中文", "emoji 😀👍🏽 and 👨‍👩‍👧 family", "tabs\tand\nnew\r\nlines", "",
        ]
        for text in texts {
            let ids = tokenizer.encode(text, addBOS: false)
            XCTAssertEqual(tokenizer.decode(ids), text)
            XCTAssertEqual(ids.flatMap { tokenizer.pieceBytes($0) }, Array(text.utf8))
        }
    }

    func testMergePriorityOrderDecides() throws {
        let abFirst = try Tokenizer(config: TestVocabularies.gpt2(merges: ["a b", "b c"]))
        let bcFirst = try Tokenizer(config: TestVocabularies.gpt2(merges: ["b c", "a b"]))
        XCTAssertEqual(abFirst.encode("abc").map { abFirst.token(at: $0) }, ["ab", "c"])
        XCTAssertEqual(bcFirst.encode("abc").map { bcFirst.token(at: $0) }, ["a", "bc"])
    }

    func testLongWordMergesLeftmostFirst() throws {
        let tokenizer = try Tokenizer(config: TestVocabularies.gpt2(merges: ["a a", "aa aa"]))
        let even = tokenizer.encode(String(repeating: "a", count: 300))
        XCTAssertEqual(even.count, 75)
        XCTAssertEqual(Set(even.map { tokenizer.token(at: $0) }), ["aaaa"])
        let odd = tokenizer.encode(String(repeating: "a", count: 303))
        XCTAssertEqual(odd.map { tokenizer.token(at: $0) }, Array(repeating: "aaaa", count: 75) + ["aa", "a"])
    }

    func testSpecialTokensAreParsedOnlyWhenAsked() throws {
        let tokenizer = try Tokenizer(config: TestVocabularies.gpt2(merges: Self.handMerges, specials: ["<|endoftext|>"]))
        let text = "hello<|endoftext|> world"
        let parsed = tokenizer.encode(text, addBOS: false)
        XCTAssertEqual(parsed.map { tokenizer.token(at: $0) }, ["hello", "<|endoftext|>", "Ġworld"])
        XCTAssertTrue(tokenizer.isControl(parsed[1]))
        XCTAssertEqual(tokenizer.decode(parsed), "hello world")
        XCTAssertEqual(tokenizer.decode(parsed, skipSpecial: false), text)
        let literal = tokenizer.encode(text, addBOS: false, parseSpecial: false)
        XCTAssertFalse(literal.contains(0))
        XCTAssertEqual(tokenizer.decode(literal), text)
    }

    func testAddBOSAndEOS() throws {
        let tokenizer = try Tokenizer(config: TestVocabularies.gpt2(merges: [], specials: ["<s>", "</s>"]))
        XCTAssertEqual(tokenizer.bosID, 0)
        XCTAssertEqual(tokenizer.eosID, 1)
        XCTAssertEqual(tokenizer.encode("a"), [0, tokenizer.id(of: "a")!])
        XCTAssertEqual(tokenizer.encode("a", addBOS: false, addEOS: true), [tokenizer.id(of: "a")!, 1])
        XCTAssertEqual(tokenizer.vocabularySize, 258)
    }

    func testValidationNamesTheProblem() {
        var config = TestVocabularies.gpt2(merges: ["a b"])
        config.merges.append("a zz")
        XCTAssertThrowsError(try Tokenizer(config: config)) { error in
            XCTAssertEqual(error as? TokenizerError, .mergeReferencesUnknownToken(index: 1, merge: "a zz", token: "zz"))
        }
        config = TestVocabularies.gpt2(merges: ["a b"])
        config.merges.append("ab")
        XCTAssertThrowsError(try Tokenizer(config: config)) { error in
            XCTAssertEqual(error as? TokenizerError, .malformedMerge(index: 1, merge: "ab"))
        }
        config = TestVocabularies.gpt2(merges: ["a b"])
        config.merges.append("b c")
        XCTAssertThrowsError(try Tokenizer(config: config)) { error in
            XCTAssertEqual(error as? TokenizerError, .mergeResultNotInVocabulary(index: 1, merge: "b c", result: "bc"))
        }
        config = TestVocabularies.gpt2(merges: [])
        config.eosID = 256
        XCTAssertThrowsError(try Tokenizer(config: config)) { error in
            XCTAssertEqual(error as? TokenizerError, .specialIDOutOfRange(field: "eosID", id: 256, vocabularySize: 256))
            XCTAssertTrue("\(error)".contains("eosID"))
        }
        config = TestVocabularies.gpt2(merges: [])
        config.scores = [1, 2]
        XCTAssertThrowsError(try Tokenizer(config: config)) { error in
            XCTAssertEqual(error as? TokenizerError, .scoresCountMismatch(tokens: 256, scores: 2))
        }
        XCTAssertThrowsError(try Tokenizer(config: TokenizerConfig(model: .gpt2, tokens: []))) { error in
            XCTAssertEqual(error as? TokenizerError, .emptyVocabulary)
        }
    }

    func testIDLookupIsByteExact() throws {
        // "é" precomposed and decomposed are equal Swift Strings but different tokens.
        let config = TokenizerConfig(model: .llama, tokens: ["<unk>", "\u{e9}", "e\u{301}"], unknownID: 0, addBOS: false)
        let tokenizer = try Tokenizer(config: config)
        XCTAssertEqual(tokenizer.id(of: "\u{e9}"), 1)
        XCTAssertEqual(tokenizer.id(of: "e\u{301}"), 2)
        XCTAssertNil(tokenizer.id(of: "x"))
    }
}

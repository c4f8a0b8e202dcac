import LowBit
import XCTest

final class TokenizerLlamaTests: XCTestCase {
    func testEncodesByScoreWithSpacePrefix() throws {
        let tokenizer = try Tokenizer(config: TestVocabularies.helloLlama)
        XCTAssertEqual(tokenizer.encode("hello world").map { tokenizer.token(at: $0) }, ["<s>", "▁hello", "▁world"])
        XCTAssertEqual(tokenizer.encode("hello", addBOS: false, addEOS: true).map { tokenizer.token(at: $0) }, ["▁hello", "</s>"])
        XCTAssertEqual(tokenizer.encode("", addBOS: true), [1])
        XCTAssertEqual(tokenizer.encode("", addBOS: false), [])
    }

    func testRoundTripsAllScripts() throws {
        let tokenizer = try Tokenizer(config: TestVocabularies.helloLlama)
        let texts = [
            "hello world", " hello  world ", "héllo wörld, niño", "日本語 中文", "emoji 😀👍🏽 👨‍👩‍👧",
            "tabs\tand\nnew lines", "a",
        ]
        for text in texts {
            XCTAssertEqual(tokenizer.decode(tokenizer.encode(text)), text, "round trip of \(text.debugDescription)")
            XCTAssertEqual(tokenizer.decode(tokenizer.encode(text, addBOS: false)), text)
        }
    }

    func testByteFallbackForCharactersNotInVocabulary() throws {
        let tokenizer = try Tokenizer(config: TestVocabularies.helloLlama)
        // "→" is E2 86 92; the vocabulary has "▁" but not "▁→" or "→".
        let ids = tokenizer.encode("→", addBOS: false)
        XCTAssertEqual(ids.map { tokenizer.token(at: $0) }, ["▁", "<0xE2>", "<0x86>", "<0x92>"])
        XCTAssertEqual(tokenizer.pieceBytes(ids[1]), [0xE2])
        XCTAssertEqual(tokenizer.pieceBytes(ids[0]), [0x20])
        XCTAssertEqual(tokenizer.encode("日本", addBOS: false).map { tokenizer.token(at: $0) }, ["▁", "日本"])
    }

    func testUnknownWhenNoByteTokens() throws {
        let config = TestVocabularies.llama(pieces: [("▁", -1), ("a", -1)], byteTokens: false)
        let tokenizer = try Tokenizer(config: config)
        XCTAssertEqual(tokenizer.encode("a→", addBOS: false), [3, 4, 0, 0, 0])
    }

    func testHighestScoreMergesFirst() throws {
        let base: [(String, Float)] = [("▁", -100), ("a", -100), ("b", -100), ("c", -100)]
        let abWins = try Tokenizer(config: TestVocabularies.llama(pieces: base + [("ab", -1), ("bc", -2)]))
        let bcWins = try Tokenizer(config: TestVocabularies.llama(pieces: base + [("ab", -2), ("bc", -1)]))
        XCTAssertEqual(abWins.encode("abc", addBOS: false).map { abWins.token(at: $0) }, ["▁", "ab", "c"])
        XCTAssertEqual(bcWins.encode("abc", addBOS: false).map { bcWins.token(at: $0) }, ["▁", "a", "bc"])
        // Equal scores: the leftmost pair merges first.
        let tie = try Tokenizer(config: TestVocabularies.llama(pieces: base + [("aa", -1)]))
        XCTAssertEqual(tie.encode("aaa", addBOS: false).map { tie.token(at: $0) }, ["▁", "aa", "a"])
    }

    func testSpecialTokensInText() throws {
        let tokenizer = try Tokenizer(config: TestVocabularies.helloLlama)
        let ids = tokenizer.encode("<s>hello</s>", addBOS: false)
        XCTAssertEqual(ids.map { tokenizer.token(at: $0) }, ["<s>", "▁hello", "</s>"])
        XCTAssertTrue(tokenizer.isControl(ids[0]))
        XCTAssertFalse(tokenizer.isControl(ids[1]))
        XCTAssertEqual(tokenizer.decode(ids), "hello")
        XCTAssertEqual(tokenizer.decode(ids, skipSpecial: false), "<s>hello</s>")
        let literal = tokenizer.encode("<s>hello", addBOS: false, parseSpecial: false)
        XCTAssertFalse(literal.contains(1))
        XCTAssertEqual(literal.first.flatMap { tokenizer.token(at: $0) }, "▁")
        XCTAssertEqual(tokenizer.decode(literal), "<s>hello")
    }

    func testLeadingSpaceStripAfterBOS() throws {
        let tokenizer = try Tokenizer(config: TestVocabularies.helloLlama)
        let hello = tokenizer.id(of: "▁hello")!, world = tokenizer.id(of: "▁world")!
        XCTAssertEqual(tokenizer.decode([1, hello, world]), "hello world")
        XCTAssertEqual(tokenizer.decode([hello, world]), "hello world")
        // Each BOS starts a new text whose first piece loses its prefix space.
        XCTAssertEqual(tokenizer.decode([1, hello, 2, 1, world]), "helloworld")
        XCTAssertEqual(tokenizer.pieceBytes(world), Array(" world".utf8))
        let noPrefix = try Tokenizer(config: { var config = TestVocabularies.helloLlama; config.addSpacePrefix = false; return config }())
        XCTAssertEqual(noPrefix.decode([1, hello, world]), " hello world")
        XCTAssertEqual(noPrefix.encode("hello", addBOS: false).first.flatMap { noPrefix.token(at: $0) }, "h")
    }

    func testTokenTypesInferredWhenAbsent() throws {
        var config = TestVocabularies.helloLlama
        config.tokenTypes = []
        let tokenizer = try Tokenizer(config: config)
        XCTAssertTrue(tokenizer.isControl(1))
        XCTAssertEqual(tokenizer.pieceBytes(tokenizer.id(of: "<0x41>")!), [0x41])
        XCTAssertEqual(tokenizer.decode(tokenizer.encode("hé 😀")), "hé 😀")
    }

    func testValidatesScoresAndTypes() {
        var config = TestVocabularies.helloLlama
        config.scores.removeLast()
        XCTAssertThrowsError(try Tokenizer(config: config)) { error in
            XCTAssertEqual(
                error as? TokenizerError,
                .scoresCountMismatch(tokens: config.tokens.count, scores: config.tokens.count - 1))
        }
        config = TestVocabularies.helloLlama
        config.tokenTypes.append(.normal)
        XCTAssertThrowsError(try Tokenizer(config: config)) { error in
            XCTAssertEqual(
                error as? TokenizerError,
                .tokenTypesCountMismatch(tokens: config.tokens.count, tokenTypes: config.tokens.count + 1))
        }
        config = TestVocabularies.helloLlama
        config.bosID = -1
        XCTAssertThrowsError(try Tokenizer(config: config)) { error in
            XCTAssertEqual(
                error as? TokenizerError, .specialIDOutOfRange(field: "bosID", id: -1, vocabularySize: config.tokens.count))
        }
    }
}

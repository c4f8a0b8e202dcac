import LowBit
import XCTest

final class TokenizerStreamingTests: XCTestCase {
    /// Pushes every id and checks each chunk is clean and the chunks add up to `decode`.
    private func assertStreams(_ ids: [Int32], with tokenizer: Tokenizer, file: StaticString = #filePath, line: UInt = #line)
        -> [String]
    {
        var stream = StreamingDecoder(tokenizer: tokenizer)
        var chunks: [String] = []
        for id in ids {
            let chunk = stream.push(id)
            XCTAssertFalse(chunk.unicodeScalars.contains("\u{FFFD}"), "partial sequence surfaced", file: file, line: line)
            chunks.append(chunk)
        }
        chunks.append(stream.finish())
        XCTAssertEqual(chunks.joined(), tokenizer.decode(ids), file: file, line: line)
        return chunks
    }

    func testEmojiSplitOverByteTokensLlama() throws {
        let tokenizer = try Tokenizer(config: TestVocabularies.helloLlama)
        let ids = tokenizer.encode("hello 😀 world")
        // ▁hello, ▁, F0 9F 98 80, ▁world
        XCTAssertEqual(ids.map { tokenizer.token(at: $0) }, ["<s>", "▁hello", "▁", "<0xF0>", "<0x9F>", "<0x98>", "<0x80>", "▁world"])
        let chunks = assertStreams(ids, with: tokenizer)
        XCTAssertEqual(chunks, ["", "hello", " ", "", "", "", "😀", " world", ""])
    }

    func testEmojiSplitOverByteTokensGPT2() throws {
        let tokenizer = try Tokenizer(config: TestVocabularies.gpt2(merges: ["Ġ w"]))
        let text = "a 👍🏽 é 日本 w"
        let ids = tokenizer.encode(text)
        XCTAssertGreaterThan(ids.count, text.unicodeScalars.count)
        XCTAssertEqual(assertStreams(ids, with: tokenizer).joined(), text)
    }

    func testContinuationKeepsLeadingSpace() throws {
        let tokenizer = try Tokenizer(config: TestVocabularies.helloLlama)
        var stream = StreamingDecoder(tokenizer: tokenizer)
        XCTAssertEqual(stream.push(tokenizer.id(of: "▁world")!), " world")
    }

    func testFinishFlushesIncompleteAsReplacement() throws {
        let tokenizer = try Tokenizer(config: TestVocabularies.helloLlama)
        var stream = StreamingDecoder(tokenizer: tokenizer)
        XCTAssertEqual(stream.push(tokenizer.id(of: "<0xF0>")!), "")
        XCTAssertEqual(stream.push(tokenizer.id(of: "<0x9F>")!), "")
        XCTAssertEqual(stream.finish(), "\u{FFFD}")
        XCTAssertEqual(stream.finish(), "")
    }

    func testInvalidBytesDoNotStallTheStream() throws {
        let tokenizer = try Tokenizer(config: TestVocabularies.helloLlama)
        var stream = StreamingDecoder(tokenizer: tokenizer)
        // A lone continuation byte can never complete: it comes out at once as U+FFFD.
        XCTAssertEqual(stream.push(tokenizer.id(of: "<0x80>")!), "\u{FFFD}")
        // E0 followed by 80 is an overlong start: both are invalid now, not later.
        XCTAssertEqual(stream.push(tokenizer.id(of: "<0xE0>")!), "")
        XCTAssertEqual(stream.push(tokenizer.id(of: "<0x80>")!), "\u{FFFD}\u{FFFD}")
        XCTAssertEqual(stream.push(tokenizer.id(of: "▁world")!), " world")
    }
}

@testable import LowBit
import XCTest

/// Special tokens in text and the token types, as llama.cpp treats them.
final class TokenizerSpecialTokenTests: XCTestCase {
    /// A byte-level vocabulary with extra tokens of the given types after the 256 byte tokens.
    private func vocabulary(_ extra: [(String, TokenizerConfig.TokenType)], merges: [String] = []) -> TokenizerConfig {
        var config = TestVocabularies.gpt2(merges: merges)
        for (token, type) in extra {
            config.tokens.append(token)
            config.tokenTypes.append(type)
        }
        config.addBOS = false
        return config
    }

    private func pieces(_ tokenizer: Tokenizer, _ ids: [Int32]) -> [String] {
        ids.map { String(decoding: tokenizer.pieceBytes($0), as: UTF8.self) }
    }

    func testLongestSpecialTokenWinsEvenWhenItStartsLater() throws {
        let tokenizer = try Tokenizer(config: vocabulary([("@@xy", .control), ("xyz@@@", .control)]))
        XCTAssertEqual(pieces(tokenizer, tokenizer.encode("@@xyz@@@")), ["@", "@", "xyz@@@"])
        // Shorter tokens take what the longer ones leave, leftmost first, without overlap.
        XCTAssertEqual(pieces(tokenizer, tokenizer.encode("@@xy@@xyz@@@@@xy")), ["@@xy", "@", "@", "xyz@@@", "@@xy"])
        // Tokens of equal length that overlap: the lower id goes first.
        let tie = try Tokenizer(config: vocabulary([("aXb", .control), ("bYa", .control), ("XbY", .control)]))
        XCTAssertEqual(pieces(tie, tie.encode("aXbYa")), ["aXb", "Y", "a"])
    }

    func testParseSpecialSelectsControlAndUnknownButNeverUserDefined() throws {
        let tokenizer = try Tokenizer(config: vocabulary([
            ("<|im_start|>", .control), ("<unk>", .unknown), ("<tool>", .userDefined), ("<|im_start|>user", .userDefined),
            ("<pad>", .unused), ("<n>", .normal),
        ]))
        let text = "<|im_start|>user<|im_start|>x<unk><tool><pad><n>"
        XCTAssertEqual(
            pieces(tokenizer, tokenizer.encode(text)).filter { $0.count > 1 },
            ["<|im_start|>user", "<|im_start|>", "<unk>", "<tool>"])
        // parse_special = false: control and unknown tokens are text; user-defined ones still match.
        let literal = tokenizer.encode(text, parseSpecial: false)
        XCTAssertEqual(pieces(tokenizer, literal).filter { $0.count > 1 }, ["<|im_start|>user", "<tool>"])
        XCTAssertEqual(String(decoding: literal.flatMap(tokenizer.pieceBytes), as: UTF8.self), text)
        var noSpecial = tokenizer
        noSpecial.parsesSpecialByDefault = false
        XCTAssertEqual(noSpecial.encode(text), literal)
        XCTAssertEqual(noSpecial.encode(text, parseSpecial: true), tokenizer.encode(text))
    }

    func testTokenTypesDecodeAsLlamaCppRendersThem() throws {
        let tokenizer = try Tokenizer(config: vocabulary([
            ("<c>", .control), ("<u>", .unknown), ("<ud>", .userDefined), ("<unused0>", .unused), ("<0x41>", .byte),
            ("<undef>", .undefined),
        ]))
        let ids = ["<c>", "<u>", "<ud>", "<unused0>", "<0x41>", "<undef>"].map { tokenizer.id(of: $0)! }
        XCTAssertEqual(pieces(tokenizer, ids), ["<c>", "<u>", "<ud>", "", "A", ""])
        XCTAssertEqual(tokenizer.decode(ids), "<ud>A")
        XCTAssertEqual(tokenizer.decode(ids, skipSpecial: false), "<c><u><ud>A")
        XCTAssertEqual(tokenizer.detokenize(ids), "<ud>A")
        XCTAssertEqual(tokenizer.detokenize(ids, unparseSpecial: true), "<c><u><ud>A")
    }

    func testLlamaCppCorrectsTypesByTokenText() throws {
        let tokenizer = try Tokenizer(config: vocabulary([
            ("<|im_end|>", .normal), ("<|endoftext|>", .normal), ("<|fim_prefix|>", .normal), ("<|channel|>", .control),
            ("<|end|>", .control), ("<|return|>", .control), ("<|call|>", .control),
        ]))
        for name in ["<|im_end|>", "<|endoftext|>", "<|fim_prefix|>", "<|return|>"] {
            XCTAssertEqual(tokenizer.tokenType(tokenizer.id(of: name)!), .control, name)
        }
        XCTAssertEqual(tokenizer.tokenType(tokenizer.id(of: "<|channel|>")!), .userDefined)
        XCTAssertEqual(tokenizer.tokenType(tokenizer.id(of: "<|end|>")!), .userDefined, "gpt-oss: <|end|> is not an end")
        // Gemma 4: with <|tool_response>, </s> is an ordinary token.
        let gemma = try Tokenizer(config: vocabulary([("</s>", .control), ("<|tool_response>", .control)]))
        XCTAssertEqual(gemma.tokenType(gemma.id(of: "</s>")!), .normal)
        let plain = try Tokenizer(config: vocabulary([("</s>", .normal)]))
        XCTAssertEqual(plain.tokenType(plain.id(of: "</s>")!), .control)
    }

    func testEmptyTokensGetLlamaCppsPlaceholder() throws {
        let tokenizer = try Tokenizer(config: vocabulary([("", .control)]))
        XCTAssertEqual(tokenizer.token(at: 256), "[EMPTY_256]")
        XCTAssertEqual(tokenizer.encode("[EMPTY_256]"), [256])
        XCTAssertEqual(tokenizer.encode(""), [])
    }

    /// Llama 3's `ignore_merges`: a word that is a token is taken whole, even when the merges
    /// would not build it.
    func testIgnoreMergesTakesWholeWordTokens() throws {
        var config = vocabulary([("hello", .normal)], merges: ["h e", "l l"])
        config.preTokenizer = "llama-bpe"
        let llama3 = try Tokenizer(config: config)
        XCTAssertEqual(pieces(llama3, llama3.encode("hello")), ["hello"])
        config.preTokenizer = "dbrx"  // the same split without ignore_merges
        let dbrx = try Tokenizer(config: config)
        XCTAssertEqual(pieces(dbrx, dbrx.encode("hello")), ["he", "ll", "o"])
    }

    /// A byte with no token is dropped, as llama.cpp drops it (no unknown token for BPE).
    func testByteLevelDropsBytesWithoutTokens() throws {
        var config = TestVocabularies.gpt2(merges: [])
        let e9 = Int(ByteUnicodeMap.scalarValues.firstIndex(of: UInt32(UInt8(ascii: "q")))!)
        config.tokens[e9] = "[no q]"
        config.unknownID = 0
        let tokenizer = try Tokenizer(config: config)
        XCTAssertEqual(tokenizer.decode(tokenizer.encode("aqa", addBOS: false)), "aa")
    }

    func testLlamaCppDetokenizeCleansSpacesAndKeepsTheSpaceAfterBOS() throws {
        var config = TestVocabularies.gpt2(merges: [], specials: ["<s>"])
        config.preTokenizer = "gpt-2"  // cleans spaces
        let gpt2 = try Tokenizer(config: config)
        let text = "Hi , there ! I ' m sure it 's done . You 're right , we 've 'll ' t"
        XCTAssertEqual(
            gpt2.detokenize(gpt2.encode(text, addBOS: false)), "Hi, there! I'm sure it's done. You're right, we've 'll't")  // as llama.cpp
        config.preTokenizer = "qwen2"  // does not
        let qwen = try Tokenizer(config: config)
        XCTAssertEqual(qwen.detokenize(qwen.encode(text, addBOS: false)), text)

        let llama = try Tokenizer(config: TestVocabularies.helloLlama)
        let ids = llama.encode("hello world")
        XCTAssertEqual(llama.detokenize(ids), " hello world", "llama.cpp keeps the prefix space after BOS")
        XCTAssertEqual(llama.detokenize(ids, removeSpecial: true), " hello world")
        XCTAssertEqual(llama.detokenize(Array(ids.dropFirst())), "hello world")
        XCTAssertEqual(llama.decode(ids), "hello world", "LowBit's decode strips it")
    }
}

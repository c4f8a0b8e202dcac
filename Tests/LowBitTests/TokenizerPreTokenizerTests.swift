import Foundation
@testable import LowBit
import XCTest

/// `tokenizer.ggml.pre`: the splitters, the name table, and how GGUF metadata selects them.
final class TokenizerPreTokenizerTests: XCTestCase {
    static let texts = ["I'M don't 12345 ok!!\n\n  x", "\tfoo  (bar) $100 +7\r\n\r\n\ty", "日本語 ½3 😀!?"]

    /// Expected splits: Hugging Face's `pre_tokenize_str` with each model's pre-tokenizer
    /// (GPT-2 ByteLevel; Llama 3's and Qwen2's Split regex; SmolLM's Digits + ByteLevel), which
    /// agree with llama.cpp on these texts; `default` worked out by hand from llama.cpp's four
    /// regular expressions.
    static let expected: [String: [[String]]] = [
        "gpt-2": [
            ["I", "'", "M", " don", "'t", " 12345", " ok", "!!", "\n\n ", " x"],
            ["\t", "foo", " ", " (", "bar", ")", " $", "100", " +", "7", "\r\n\r\n", "\t", "y"],
            ["日本語", " ½3", " 😀!?"],
        ],
        "llama-bpe": [
            ["I", "'M", " don", "'t", " ", "123", "45", " ok", "!!\n\n", " ", " x"],
            ["\tfoo", " ", " (", "bar", ")", " $", "100", " +", "7", "\r\n\r\n", "\ty"],
            ["日本語", " ", "½3", " 😀!?"],
        ],
        "qwen2": [
            ["I", "'M", " don", "'t", " ", "1", "2", "3", "4", "5", " ok", "!!\n\n", " ", " x"],
            ["\tfoo", " ", " (", "bar", ")", " $", "1", "0", "0", " +", "7", "\r\n\r\n", "\ty"],
            ["日本語", " ", "½", "3", " 😀!?"],
        ],
        "smollm": [
            ["I", "'", "M", " don", "'t", " ", "1", "2", "3", "4", "5", " ok", "!!", "\n\n ", " x"],
            ["\t", "foo", " ", " (", "bar", ")", " $", "1", "0", "0", " +", "7", "\r\n\r\n", "\t", "y"],
            ["日本語", " ", "½", "3", " 😀!?"],
        ],
        "default": [
            ["I", "'", "M", " don", "'", "t", " ", "123", "45", " ok", "!!", "\n\n ", " x"],
            ["\t", "foo", "  ", "(", "bar", ")", " ", "$", "100", " ", "+", "7", "\r\n\r\n", "\t", "y"],
            ["日本語", " ", "½3", " 😀", "!?"],
        ],
    ]

    func testSplittersMatchTheirRegularExpressions() throws {
        for (name, splits) in Self.expected {
            let pre = try XCTUnwrap(PreTokenizer.named(name), name)
            for (text, want) in zip(Self.texts, splits) {
                XCTAssertEqual(pre.split(text), want, "\(name): \(text.debugDescription)")
            }
        }
        XCTAssertEqual(PreTokenizer.named("gpt-2")?.split(Self.texts[0]), GPT2PreTokenizer.split(Self.texts[0]))
    }

    func testNameTableMirrorsLlamaCpp() throws {
        let llama3 = try XCTUnwrap(PreTokenizer.named("llama-bpe"))
        XCTAssertEqual(llama3.splitter, .llama3)
        XCTAssertTrue(llama3.ignoresMerges)
        XCTAssertTrue(llama3.addsBOSByDefault)
        XCTAssertTrue(llama3.cleansSpaces)
        XCTAssertEqual(PreTokenizer.named("llama3")?.splitter, .llama3)
        XCTAssertEqual(PreTokenizer.named("dbrx")?.ignoresMerges, false)
        XCTAssertEqual(PreTokenizer.named("qwen2")?.cleansSpaces, false)
        XCTAssertEqual(PreTokenizer.named("stablelm2")?.splitter, .qwen2)
        XCTAssertEqual(PreTokenizer.named("starcoder")?.splitter, .smollm)
        XCTAssertEqual(PreTokenizer.named("mpt")?.splitter, .gpt2)
        XCTAssertEqual(PreTokenizer.named("default")?.splitter, .default)
        XCTAssertNil(PreTokenizer.named("tekken"))  // a regex LowBit does not have
        XCTAssertNil(PreTokenizer.named("Llama-BPE"))  // names are exact, as in llama.cpp
        XCTAssertEqual(Set(PreTokenizer.supportedNames.compactMap { PreTokenizer.named($0)?.splitter }), Set(PreTokenizer.Splitter.allCases))
    }

    func testUnknownPreTokenizerIsATypedError() {
        var config = TestVocabularies.gpt2(merges: ["a b"])
        config.preTokenizer = "no-such-pre"
        XCTAssertThrowsError(try Tokenizer(config: config)) { error in
            XCTAssertEqual(error as? TokenizerError, .unknownPreTokenizer(name: "no-such-pre"))
            XCTAssertTrue("\(error)".contains("tokenizer.ggml.pre"))
            XCTAssertTrue("\(error)".contains("no-such-pre"))
            XCTAssertTrue("\(error)".contains("llama-bpe"))
        }
        // SentencePiece vocabularies have no pre-tokenizer; llama.cpp ignores the key for them.
        var spm = TestVocabularies.helloLlama
        spm.preTokenizer = "no-such-pre"
        XCTAssertNoThrow(try Tokenizer(config: spm))
    }

    func testCodeBuiltByteLevelConfigsKeepTheGPT2Split() throws {
        let config = TokenizerConfig(model: .gpt2, tokens: ["a"])
        XCTAssertEqual(config.preTokenizer, "gpt-2")
        XCTAssertNil(TokenizerConfig(model: .llama, tokens: ["a"]).preTokenizer)
        var missing = config
        missing.preTokenizer = nil
        XCTAssertEqual(try Tokenizer(config: missing).preTokenizer?.name, "default")
    }

    // MARK: GGUF metadata

    private func metadata(_ config: TokenizerConfig, extra: [String: GGUFValue] = [:], drop: [String] = []) -> GGUFMetadata {
        var md = GGUFMetadata()
        config.write(into: &md)
        for (key, value) in extra { md[key] = value }
        for key in drop { md[key] = nil }
        return md
    }

    func testMissingPreReadsAsDefaultExceptForLowBitSubjects() throws {
        let config = TestVocabularies.gpt2(merges: ["a b"], specials: ["<s>", "</s>"])
        var md = metadata(config)
        XCTAssertEqual(md["tokenizer.ggml.pre"]?.stringValue, "gpt-2", "written explicitly")
        XCTAssertEqual(try TokenizerConfig(metadata: md, file: "f").preTokenizer, "gpt-2")

        md = metadata(config, drop: ["tokenizer.ggml.pre"])
        let foreign = try TokenizerConfig(metadata: md, file: "f")
        XCTAssertNil(foreign.preTokenizer)
        XCTAssertEqual(try Tokenizer(config: foreign).preTokenizer?.splitter, .default)

        md["lowbit.recipe"] = .string("{}")
        XCTAssertEqual(try TokenizerConfig(metadata: md, file: "f").preTokenizer, "gpt-2")

        md["tokenizer.ggml.pre"] = .int32(3)
        XCTAssertThrowsError(try TokenizerConfig(metadata: md, file: "f")) { error in
            XCTAssertTrue("\(error)".contains("tokenizer.ggml.pre"))
        }
    }

    func testMissingKeysTakeLlamaCppDefaults() throws {
        // Byte-level: BOS and EOS default to id 11; add_bos only for the Llama 3 names.
        let bpe = TestVocabularies.gpt2(merges: [])
        let drop = ["tokenizer.ggml.add_bos_token", "tokenizer.ggml.add_eos_token"]
        var config = try TokenizerConfig(metadata: metadata(bpe, drop: drop), file: "f")
        XCTAssertEqual(config.bosID, 11)
        XCTAssertEqual(config.eosID, 11)
        XCTAssertNil(config.unknownID)
        XCTAssertFalse(config.addBOS)
        XCTAssertFalse(config.addEOS)
        config = try TokenizerConfig(metadata: metadata(bpe, extra: ["tokenizer.ggml.pre": .string("llama-bpe")], drop: drop), file: "f")
        XCTAssertTrue(config.addBOS)
        let tiny = TokenizerConfig(model: .gpt2, tokens: ["a", "b"])
        config = try TokenizerConfig(metadata: metadata(tiny), file: "f")
        XCTAssertNil(config.bosID, "a default outside the vocabulary is dropped")

        // SentencePiece: BOS 1, EOS 2, unknown 0, add_bos, space prefix.
        var spm = TestVocabularies.helloLlama
        spm.bosID = nil
        spm.eosID = nil
        spm.unknownID = nil
        config = try TokenizerConfig(
            metadata: metadata(spm, drop: drop + ["tokenizer.ggml.add_space_prefix"]), file: "f")
        XCTAssertEqual([config.bosID, config.eosID, config.unknownID], [1, 2, 0])
        XCTAssertTrue(config.addBOS)
        XCTAssertFalse(config.addEOS)
        XCTAssertTrue(config.addSpacePrefix)
    }

    /// The shipped subjects were trained with GPT-2's split and say so
    /// (`tokenizer.ggml.pre = "gpt-2"`), so llama.cpp reads them with the same split. Expected
    /// ids: llama.cpp on the shipped target, recorded by `Fixtures/tokenizers/shipped_subject_ids.py`.
    /// Subjects made before the trainer wrote the key carry `lowbit.recipe` and no
    /// `tokenizer.ggml.pre`; LowBit reads those with GPT-2's split too, not llama.cpp's `default`.
    func testShippedSubjectsKeepTheirTrainingSplit() throws {
        let models = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Models")
        let path = models.appendingPathComponent("target.gguf").standardizedFileURL.path
        try XCTSkipUnless(FileManager.default.fileExists(atPath: path), "Models/target.gguf not present")
        let file = try GGUFFile(path: path)
        XCTAssertEqual(file.metadata["tokenizer.ggml.pre"]?.stringValue, "gpt-2")
        let config = try TokenizerConfig(metadata: file.metadata, file: path)
        XCTAssertEqual(config.preTokenizer, "gpt-2")
        let tokenizer = try Tokenizer(config: config)
        let expected: [(String, [Int32])] = [
            ("Mirelle Zosbalwyn was born in 1987.", [0, 47, 300, 413, 370, 758, 2016, 398, 312, 325, 317, 1706, 16]),
            ("Question: Where was Mirelle Zosbalwyn born?\nAnswer: Vexhollow",
             [0, 279, 28, 440, 312, 532, 370, 758, 2016, 398, 325, 33, 201, 277, 28, 1278]),
            ("It's Mirelle's pet (a cat), born 1954; works at X-Corp.",
             [0, 43, 86, 9, 85, 532, 9, 85, 322, 223, 10, 67, 286, 289, 11, 14, 325, 1440, 29, 624, 397, 223, 58, 15, 37, 261, 82, 16]),
        ]
        for (text, ids) in expected { XCTAssertEqual(tokenizer.encode(text), ids, text) }

        var withoutKey = file.metadata
        withoutKey["tokenizer.ggml.pre"] = nil
        let older = try TokenizerConfig(metadata: withoutKey, file: path)
        XCTAssertEqual(older.preTokenizer, "gpt-2")
        XCTAssertEqual(try Tokenizer(config: older).encode(expected[0].0), expected[0].1)
        var asDefault = config
        asDefault.preTokenizer = nil
        XCTAssertNotEqual(try Tokenizer(config: asDefault).encode(expected[0].0), expected[0].1,
                          "the split matters on this text, so the test can tell them apart")
    }
}

import LowBit
import Training
import XCTest

/// Golden values from Hugging Face `tokenizers` 0.23.3 (generated once, committed as literals).
enum HuggingFaceGolden {
    /// `merges` of Hugging Face `tokenizers` 0.23.3 `BpeTrainer(vocab_size=400, min_frequency=2,
    /// special_tokens=["<s>", "</s>", "<unk>"], initial_alphabet=ByteLevel.alphabet())` with a
    /// `ByteLevel(add_prefix_space=False)` pre-tokenizer, trained on ``BPETrainerTests/corpus``.
    static let merges: [String] = [
        "ã ģ", "Ġ #", "ð Ł", "e n", "h e", "a n", "Ġ t", "Ġ s",
        "e s", "Ã ©", "Ġ ðŁ", "Ġt he", "b e", "Ġ l", "an d", "i Ã",
        "r e", "Ġ d", "Ġ w", "į ðŁ", "¥ æ", "¬ ãģ", "ã Ģ", "æ Ĺ",
        "Ġ Ã©", "ãģ Ļ", "¥æ ľ", "ãĢ Ĥ", "æĹ ¥æľ", "c o", "i n", "u m",
        "Ġ a", "Ġ n", "Ġ o", "Ġ and", "be r", "u n", "v e", "â Ģ",
        "Ġ f", "Ġ m", "Ġ un", "Ġs a", "Ġs e", "ĠðŁ ĳ", "Ġthe y", "iÃ ±",
        "įðŁ ĳ", "âĢ įðŁĳ", "1 2", "1 4", "1 5", "3 4", "L es", "N um",
        "a b", "a f", "a r", "c af", "d i", "e w", "e en", "e ar",
        "l e", "l Ã", "l in", "p p", "t u", "t w", "v es", "¦ ĸ",
        "¦ ãģ", "§ ãģĻ", "¨ ves", "ª ŀ", "¬ è", "® é", "¯ æĹ¥æľ", "± ä",
        "· ãģ", "º ¬ãģ", "¼ ·ãģ", "½ ãģ", "¾ ãģĻ", "Ã ¹", "Ã ł", "ã Ĥ",
        "å ĭ", "å ¼·ãģ", "æ Ŀ", "é ĥ", "Ġ 3", "Ġ es", "Ġ 12", "Ġ caf",
        "Ġ Ãł", "Ħ ãģ", "ī å¼·ãģ", "Ĵ åĭ", "Ĺ ãģ", "en t", "Ġt ab", "Ã© co",
        "be tw", "Ġl e", "¬ãģ ®é", "ĠÃ© lÃ", "ĠÃ© tu", "æĹ¥æľ ¬è", "Ġa pp", "Ġn ew",
        "Ġo Ã¹", "ber s", "14 15", "34 5", "Num bers", "di ent", "lin es", "¦ĸ éĥ",
        "¦ãģ Ħãģ", "ªŀ ãĤ", "¯æĹ¥æľ ¬ãģ®é", "±ä º¬ãģ", "½ãģ §ãģĻ", "æĿ ±äº¬ãģ", "Ġes t", "Ġ12 345",
        "Ġcaf Ã©", "īå¼·ãģ Ĺãģ", "Ĵåĭ īå¼·ãģĹãģ", "Ġtab s", "Ã©co le", "betw een", "ĠÃ©lÃ ¨ves", "ĠÃ©tu dient",
        "æĹ¥æľ¬è ªŀãĤ", "Ġapp ear", "Ġnew lines", "1415 9", "¦ĸéĥ ½ãģ§ãģĻ",
    ]

    /// Token ids that trained Hugging Face tokenizer gives for a few strings.
    static let encodings: [(String, [Int32])] = [
        ("The quick brown fox", [54, 263, 223, 83, 87, 75, 69, 77, 223, 68, 84, 81, 89, 80, 299, 81, 90]),
        ("Les élèves à l'école", [313, 393, 355, 272, 9, 391]),
        ("日本語 😀 🎉!", [368, 334, 269, 249, 225, 269, 239, 234, 3]),
        ("they'd agree 12345", [86, 263, 91, 9, 70, 291, 73, 275, 71, 386]),
        ("  spaces\n\n x", [223, 266, 82, 67, 69, 267, 201, 201, 223, 90]),
    ]
}

final class BPEHuggingFaceGoldenTests: XCTestCase {
    func testTrainerLearnsTheSameMergesAsHuggingFace() {
        let config = BPETrainer(vocabularySize: 400).train(corpus: BPETrainerTests.corpus)
        XCTAssertEqual(config.merges.count, HuggingFaceGolden.merges.count)
        for (index, (ours, theirs)) in zip(config.merges, HuggingFaceGolden.merges).enumerated() where ours != theirs {
            XCTFail("merge #\(index): \(ours) != \(theirs)")
            break
        }
    }

    func testTokenizerGivesHuggingFaceIDs() throws {
        let tokenizer = try Tokenizer(config: BPETrainer(vocabularySize: 400).train(corpus: BPETrainerTests.corpus))
        for (text, expected) in HuggingFaceGolden.encodings {
            XCTAssertEqual(tokenizer.encode(text, addBOS: false), expected, "ids of \(text.debugDescription)")
            XCTAssertEqual(tokenizer.decode(expected), text)
        }
    }
}

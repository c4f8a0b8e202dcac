import Probe
import XCTest

/// Expected values were produced by Google's `rouge_score` 0.1.2
/// (`RougeScorer(["rougeL"], use_stemmer=False).score(reference, prediction)`) and are
/// committed as literals; the simpler ones are also hand-checkable.
final class RougeLTests: XCTestCase {
    private func assertScore(
        _ prediction: String, _ reference: String, _ p: Double, _ r: Double, _ f: Double,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        let s = RougeL.score(prediction: prediction, reference: reference)
        XCTAssertEqual(s.precision, p, accuracy: 1e-12, "precision", file: file, line: line)
        XCTAssertEqual(s.recall, r, accuracy: 1e-12, "recall", file: file, line: line)
        XCTAssertEqual(s.f1, f, accuracy: 1e-12, "f1", file: file, line: line)
    }

    func testTokenizerKeepsOnlyASCIIAlphanumericRuns() {
        XCTAssertEqual(RougeL.tokenize("Hello, World! 42x"), ["hello", "world", "42x"])
        XCTAssertEqual(RougeL.tokenize("don't stop-believing"), ["don", "t", "stop", "believing"])
        XCTAssertEqual(RougeL.tokenize("Café naïve"), ["caf", "na", "ve"])
        XCTAssertEqual(RougeL.tokenize("!!! ... ???"), [])
        XCTAssertEqual(RougeL.tokenize(""), [])
    }

    func testUnicodeLowercasingMatchesPython() {
        // Python's str.lower maps U+0130 to "i" + U+0307 and the Kelvin sign U+212A to ASCII "k";
        // full-width letters and combining marks stay non-ASCII and separate tokens.
        XCTAssertEqual(RougeL.tokenize("\u{130}stanbul \u{212A}elvin"), ["i", "stanbul", "kelvin"])
        XCTAssertEqual(RougeL.tokenize("ＡＢＣ full-width"), ["full", "width"])
        XCTAssertEqual(RougeL.tokenize("naïve\tcafé\n2024 e\u{301}t\u{e9}"), ["na", "ve", "caf", "2024", "e", "t"])
    }

    func testHandComputedCases() {
        // pred: the cat sat on the mat; ref: the cat is on the mat; LCS = the cat on the mat = 5.
        assertScore("The cat sat on the mat", "the cat is on the mat", 5.0 / 6, 5.0 / 6, 5.0 / 6)
        // Case folds away.
        assertScore("HELLO World", "hello world", 1, 1, 1)
        // Repeated words: LCS(the the the, the cat the) = 2.
        assertScore("the the the", "the cat the", 2.0 / 3, 2.0 / 3, 2.0 / 3)
        // Reversal: LCS = 1.
        assertScore("a b c d e", "e d c b a", 0.2, 0.2, 0.2)
        // Punctuation is a separator on both sides.
        assertScore("don't stop-believing", "don t stop believing", 1, 1, 1)
        assertScore("J.K. Rowling (born 1965)", "JK Rowling born in 1965", 0.6, 0.6, 0.6)
        assertScore("The quick brown dog jumped over the fox, lazily", "the quick brown fox jumps over the lazy dog",
                    0.5555555555555556, 0.5555555555555556, 0.5555555555555556)
    }

    func testPrecisionAndRecallAreAsymmetric() {
        // pred tokens: caf au lait na ve r sum (7); ref: cafe au lait naive resume (5); LCS 2.
        assertScore("Café au lait, naïve résumé", "cafe au lait naive resume",
                    0.2857142857142857, 0.4, 0.3333333333333333)
        let swapped = RougeL.score(prediction: "cafe au lait naive resume", reference: "Café au lait, naïve résumé")
        XCTAssertEqual(swapped.precision, 0.4, accuracy: 1e-12)
        XCTAssertEqual(swapped.recall, 0.2857142857142857, accuracy: 1e-12)
    }

    func testEmptySidesScoreZero() {
        XCTAssertEqual(RougeL.score(prediction: "", reference: "abc"), .zero)
        XCTAssertEqual(RougeL.score(prediction: "abc", reference: ""), .zero)
        XCTAssertEqual(RougeL.score(prediction: "!!! ... ???", reference: "hello"), .zero)
        XCTAssertEqual(RougeL.score(prediction: "", reference: ""), .zero)
    }

    func testLCSLength() {
        XCTAssertEqual(RougeL.lcsLength(Array("ABCBDAB"), Array("BDCABA")), 4)
        XCTAssertEqual(RougeL.lcsLength([Int](), [1, 2]), 0)
    }
}

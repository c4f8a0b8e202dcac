import Probe
import XCTest

final class PromptsTests: XCTestCase {
    func testFewShotPromptExactString() {
        let p = KnowMemPrompt(examples: [QAPair(question: "Who?", answer: "Ann"), QAPair(question: "Where?", answer: "Oslo")])
        XCTAssertEqual(p.prefix, "Question: Who?\nAnswer: Ann\n\nQuestion: Where?\nAnswer: Oslo\n\n")
        XCTAssertEqual(p.suffix(for: "When?"), "Question: When?\nAnswer: ")
        XCTAssertEqual(p.prompt(for: "When?"),
                       "Question: Who?\nAnswer: Ann\n\nQuestion: Where?\nAnswer: Oslo\n\nQuestion: When?\nAnswer: ")
        XCTAssertEqual(KnowMemPrompt(examples: []).prompt(for: "Q"), "Question: Q\nAnswer: ")
        XCTAssertEqual(KnowMemPrompt(examples: [], trailingSpace: false).prompt(for: "Q"), "Question: Q\nAnswer:")
    }

    func testAnswerCutRule() {
        XCTAssertEqual(KnowMemPrompt.cutAnswer(" Ann Lee\n\nQuestion: next?"), "Ann Lee")
        XCTAssertEqual(KnowMemPrompt.cutAnswer("1999\nQuestion: more"), "1999")
        XCTAssertEqual(KnowMemPrompt.cutAnswer("Paris Question: x"), "Paris")
        XCTAssertEqual(KnowMemPrompt.cutAnswer("a\nb  "), "a\nb")
        XCTAssertEqual(KnowMemPrompt.cutAnswer("\n\nanything"), "")
        // "Questions" without a colon is not a marker (MUSE's list is "\nQuestion" and "Question:").
        XCTAssertEqual(KnowMemPrompt.cutAnswer("Questions remain"), "Questions remain")
    }
}

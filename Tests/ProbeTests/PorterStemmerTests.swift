import Foundation
import XCTest
@testable import Probe

/// PorterStemmer against NLTK's `PorterStemmer` (what rouge_score stems with), on the words
/// of `Fixtures/porter/porter.json` (make_porter_fixture.py).
final class PorterStemmerTests: XCTestCase {
    struct Fixture: Decodable { let nltk: String; let stems: [String: String] }

    func testEveryStemEqualsNLTK() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/porter/porter.json")
        let fixture = try JSONDecoder().decode(Fixture.self, from: Data(contentsOf: url))
        XCTAssertGreaterThan(fixture.stems.count, 1000)
        var wrong: [String] = []
        for (word, stem) in fixture.stems.sorted(by: { $0.key < $1.key }) where PorterStemmer.stem(word) != stem {
            wrong.append("\(word): \(PorterStemmer.stem(word)) vs NLTK \(stem)")
        }
        XCTAssertEqual(wrong, [], "\(wrong.count) of \(fixture.stems.count) differ")
    }

    func testStemmedRougeMatchesRougeScoreByHand() {
        // rouge_score (use_stemmer=True): "running dogs" vs "the dog runs" → tokens
        // [run, dog] and [the, dog, run]: LCS 1 ("dog"), recall 1/3.
        let s = RougeL.stemmedScore(prediction: "running dogs", reference: "the dog runs")
        XCTAssertEqual(s.recall, 1.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(RougeL.score(prediction: "running dogs", reference: "the dog runs").recall, 0)
    }
}

import Foundation
import Training
import XCTest

final class CorpusTOFUTests: XCTestCase {
    private struct Item: Decodable {
        let question: String
        let answer: String
        let paraphrased_answer: String?
        let perturbed_answer: [String]?
    }

    func testTOFUExportMatchesTheMUSEQuestionsAndPerturbsLikeWithLike() throws {
        let corpus = try FactCorpus.generate(FactCorpusConfig(entities: 40, seed: 3))
        let tofu = corpus.tofuExport()
        let muse = corpus.museExport()
        XCTAssertEqual(tofu.forget.map(\.question), muse.forgetQA.map(\.question))
        XCTAssertEqual(tofu.forget.map(\.answer), muse.forgetQA.map(\.answer))
        XCTAssertEqual(tofu.retain.map(\.question), muse.retainQA.map(\.question))
        for item in tofu.forget + tofu.retain + tofu.realAuthors + tofu.worldFacts {
            XCTAssertEqual(item.perturbedAnswers.count, FactCorpus.tofuPerturbedCount)
            XCTAssertEqual(Set(item.perturbedAnswers).count, FactCorpus.tofuPerturbedCount, item.question)
            XCTAssertFalse(item.perturbedAnswers.contains(item.paraphrasedAnswer), item.question)
            // Same phrase, other value: strip the value and the rest must be the paraphrase's frame.
            let frame = item.paraphrasedAnswer.replacingOccurrences(of: item.answer, with: "")
            XCTAssertNotEqual(frame, item.paraphrasedAnswer)
            for p in item.perturbedAnswers {
                XCTAssertTrue(frame.split(separator: " ").allSatisfy { p.contains($0) }, "\(p) vs \(item.paraphrasedAnswer)")
            }
        }
        XCTAssertEqual(tofu, corpus.tofuExport(), "deterministic")
        XCTAssertNotEqual(tofu.forget.map(\.perturbedAnswers),
                          try FactCorpus.generate(FactCorpusConfig(entities: 40, seed: 4)).tofuExport().forget.map(\.perturbedAnswers))

        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lowbit-tofu-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        try tofu.write(to: dir)
        let text = try String(contentsOf: dir.appendingPathComponent("forget10_perturbed.json"), encoding: .utf8)
        let lines = text.split(separator: "\n")
        XCTAssertEqual(lines.count, tofu.forget.count)
        let first = try JSONDecoder().decode(Item.self, from: Data(lines[0].utf8))
        XCTAssertEqual(first.perturbed_answer, tofu.forget[0].perturbedAnswers)
        let plain = try JSONDecoder().decode(Item.self, from: Data(
            try String(contentsOf: dir.appendingPathComponent("retain90.json"), encoding: .utf8).split(separator: "\n")[0].utf8))
        XCTAssertNil(plain.paraphrased_answer)
        XCTAssertEqual(Set(try FileManager.default.contentsOfDirectory(atPath: dir.path)),
                       ["forget10.json", "forget10_perturbed.json", "retain90.json", "retain_perturbed.json",
                        "real_authors_perturbed.json", "world_facts_perturbed.json"])
    }
}

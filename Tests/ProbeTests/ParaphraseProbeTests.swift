import Foundation
import LowBit
@testable import Probe
import XCTest

/// The paraphrase probe (`knowmem/forget_qa_paraphrased.json`, Para-f).
final class ParaphraseProbeTests: XCTestCase {
    private var fixture: RunnerFixture!

    override func setUpWithError() throws { fixture = try RunnerFixture() }
    override func tearDown() { fixture.remove() }

    func testWithoutTheFileTheProbeIsAbsent() throws {
        let report = try ProbeRunner(configuration: fixture.configuration(precisions: [.f32], subjects: 1)).run()
        XCTAssertNil(report.cells[0].knowMemForgetParaphrased)
        XCTAssertFalse(report.cells[0].items.contains { $0.split == .knowMemForgetParaphrased })
        XCTAssertFalse(report.config.notes.contains { $0.hasPrefix("Para-f") })
    }

    /// Paraphrases identical to the forget questions must score exactly KnowMem-forget (same
    /// prompt, cut and metric); reworded ones are scored on their own records.
    func testParaphrasesAreScoredLikeForgetQuestions() throws {
        let forget = try MUSEDataset.loadQA(fixture.dataDirectory.appendingPathComponent("knowmem/forget_qa.json"))
        try fixture.write("knowmem/forget_qa_paraphrased.json", fixture.qa(forget.map { ($0.question, $0.answer) }))
        let same = try ProbeRunner(configuration: fixture.configuration(precisions: [.f32], subjects: 1)).run()
        let cell = same.cells[0]
        XCTAssertNotNil(cell.knowMemForgetParaphrased)
        XCTAssertEqual(cell.knowMemForgetParaphrased, cell.knowMemForget)
        XCTAssertEqual(cell.items.filter { $0.split == .knowMemForgetParaphrased }.map(\.generation),
                       cell.items.filter { $0.split == .knowMemForget }.map(\.generation))
        XCTAssertTrue(same.config.notes.contains { $0.hasPrefix("Para-f") })

        try fixture.write("knowmem/forget_qa_paraphrased.json", fixture.qa(forget.map { ("tell me: " + $0.question, $0.answer) }))
        let reworded = try ProbeRunner(configuration: fixture.configuration(precisions: [.f32], subjects: 1)).run().cells[0]
        let records = reworded.items.filter { $0.split == .knowMemForgetParaphrased }
        XCTAssertEqual(records.count, forget.count)
        XCTAssertTrue(records.allSatisfy { $0.prompt.contains("tell me: ") })
        let mean = 100 * records.compactMap { $0.rouge?.f1 }.reduce(0, +) / Double(records.count)
        XCTAssertEqual(reworded.knowMemForgetParaphrased ?? -1, mean, accuracy: 1e-9)
        XCTAssertEqual(reworded.knowMemForget, cell.knowMemForget, "the forget questions are unchanged")
    }

    func testMalformedParaphraseFileNamesTheFile() throws {
        let url = fixture.dataDirectory.appendingPathComponent("knowmem/forget_qa_paraphrased.json")
        try Data("[{\"question\": 3}]".utf8).write(to: url)
        XCTAssertThrowsError(try MUSEDataset.load(from: fixture.dataDirectory)) { error in
            XCTAssertTrue("\(error)".contains("forget_qa_paraphrased.json"), "\(error)")
        }
    }
}

import Foundation
import XCTest
@testable import Probe

final class TOFUDatasetTests: XCTestCase {
    func decode(_ text: String, path: String = "t.json") throws -> [TOFUItem] {
        try TOFUDataset.decodeItems(Data(text.utf8), path: path)
    }

    func testJSONLinesAndArraysAndOptions() throws {
        let lines = """
        {"question": "Q1", "answer": "A1", "paraphrased_answer": "P1", "perturbed_answer": ["X1", "Y1"]}
        {"question": "Q2", "answer": "A2", "paraphrased_answer": "P2", "perturbed_answer": ["X2"], "extra": {"n": [1, 2]}}
        """
        XCTAssertEqual(try decode(lines), [
            TOFUItem(question: "Q1", answer: "A1", paraphrasedAnswer: "P1", perturbedAnswers: ["X1", "Y1"]),
            TOFUItem(question: "Q2", answer: "A2", paraphrasedAnswer: "P2", perturbedAnswers: ["X2"]),
        ])
        let array = #"[{"question": "Who?", "option1": "Ann", "option2": "Bo", "option3": "Cy", "option4": "Di", "answer": "Cy"}]"#
        XCTAssertEqual(try decode(array), [TOFUItem(question: "Who?", answer: "Cy", perturbedAnswers: ["Ann", "Bo", "Di"])])
    }

    func testMalformedInputNamesFileAndField() {
        func error(_ text: String) -> ProbeDataError? {
            do { _ = try decode(text, path: "forget10_perturbed.json"); return nil } catch { return error as? ProbeDataError }
        }
        guard case .malformedJSON(let path, let message)? = error(#"{"question": "Q", "answer": "A"} {"question": "#) else {
            return XCTFail("truncated JSON Lines accepted")
        }
        XCTAssertEqual(path, "forget10_perturbed.json")
        XCTAssertTrue(message.contains("line 1"), message)
        XCTAssertEqual(error(#"{"question": "Q"}"#), .missingField(path: "forget10_perturbed.json", index: 0, field: "answer"))
        XCTAssertEqual(error("{\"question\": \"Q\", \"answer\": \"A\"}\n{\"question\": 3, \"answer\": \"A\"}"),
                       .wrongType(path: "forget10_perturbed.json", index: 1, field: "question", expected: "string"))
        XCTAssertEqual(error(#"[{"question": "Q", "answer": "A", "perturbed_answer": [1, 2]}]"#),
                       .wrongType(path: "forget10_perturbed.json", index: 0, field: "perturbed_answer", expected: "list of strings"))
        XCTAssertEqual(error(#"[{"question": "Q", "answer": "A", "paraphrased_answer": {}}]"#),
                       .wrongType(path: "forget10_perturbed.json", index: 0, field: "paraphrased_answer", expected: "string"))
        XCTAssertEqual(error(#"["just a string"]"#), .missingField(path: "forget10_perturbed.json", index: 0, field: ""))
        XCTAssertEqual(error("[]"), .emptySplit(path: "forget10_perturbed.json"))
        XCTAssertEqual(error("  \n"), .emptySplit(path: "forget10_perturbed.json"))
    }

    func testFolderPrefersPerturbedFilesAndNamesMissingOnes() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tofu-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        func write(_ name: String, _ text: String) throws { try Data(text.utf8).write(to: dir.appendingPathComponent(name)) }
        let item = #"{"question": "Q", "answer": "A", "paraphrased_answer": "P", "perturbed_answer": ["X"]}"#
        try write("forget01.json", #"{"question": "Q", "answer": "A"}"#)
        try write("forget01_perturbed.json", item)
        try write("retain99.json", #"{"question": "R", "answer": "B"}"#)
        try write("real_authors.json", #"{"question": "Q", "answer": "A", "option1": "A", "option2": "X"}"#)
        XCTAssertThrowsError(try TOFUDataset.load(from: dir, forgetSplit: "forget01")) { e in
            XCTAssertEqual(e as? ProbeDataError, .missingFile(path: dir.appendingPathComponent("world_facts_perturbed.json").path))
        }
        try write("world_facts.json", #"{"question": "W", "answer": "C", "option1": "D", "option2": "C"}"#)
        let d = try TOFUDataset.load(from: dir, forgetSplit: "forget01")
        XCTAssertEqual(d.forget[0].perturbedAnswers, ["X"])
        XCTAssertEqual(d.files, ["forget": "forget01_perturbed.json", "retain": "retain99.json",
                                 "real_authors": "real_authors.json", "world_facts": "world_facts.json"])
        XCTAssertEqual(d.worldFacts[0].perturbedAnswers, ["D"])
        XCTAssertThrowsError(try TOFUDataset.load(from: dir, forgetSplit: "forget02"))
    }
}

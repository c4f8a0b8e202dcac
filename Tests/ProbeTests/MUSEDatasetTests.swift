import Foundation
import Probe
import XCTest

final class MUSEDatasetTests: XCTestCase {
    private var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("probe-muse-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: root)
    }

    private func write(_ relative: String, _ text: String) throws {
        let url = root.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url)
    }

    private func writeValidCorpus() throws {
        let qa = #"[{"question": "Who wrote it?", "answer": "Ann Lee"}, {"question": "When?", "answer": "1999"}]"#
        for name in ["forget_qa", "retain_qa", "forget_qa_icl", "retain_qa_icl"] {
            try write("knowmem/\(name).json", qa)
        }
        try write("verbmem/forget.json", #"[{"prompt": "Once upon", "gt": "a time"}]"#)
        try write("privleak/forget.json", #"["f1", "f2"]"#)
        try write("privleak/retain.json", #"["r1"]"#)
        try write("privleak/holdout.json", #"["h1", "h2", "h3"]"#)
    }

    private func assertLoadError(
        _ expected: ProbeDataError, components: MUSEDataset.Components = .all,
        file: StaticString = #filePath, line: UInt = #line
    ) {
        XCTAssertThrowsError(try MUSEDataset.load(from: root, components: components), file: file, line: line) { error in
            XCTAssertEqual(error as? ProbeDataError, expected, file: file, line: line)
        }
    }

    func testLoadsTheLayout() throws {
        try writeValidCorpus()
        try write("raw/forget.txt", "plain text")
        let d = try MUSEDataset.load(from: root)
        XCTAssertEqual(d.knowMemForget, [QAPair(question: "Who wrote it?", answer: "Ann Lee"),
                                         QAPair(question: "When?", answer: "1999")])
        XCTAssertEqual(d.knowMemRetainICL.count, 2)
        XCTAssertEqual(d.verbMemForget, [VerbMemItem(prompt: "Once upon", groundTruth: "a time")])
        XCTAssertEqual(d.privLeakHoldout, ["h1", "h2", "h3"])
        XCTAssertEqual(d.raw, ["forget": "plain text"])
    }

    func testRawIsOptionalAndComponentsAreSelectable() throws {
        try write("knowmem/forget_qa.json", #"[{"question": "q", "answer": "a"}]"#)
        try write("knowmem/retain_qa.json", #"[{"question": "q", "answer": "a"}]"#)
        try write("knowmem/forget_qa_icl.json", #"[{"question": "q", "answer": "a"}]"#)
        try write("knowmem/retain_qa_icl.json", #"[{"question": "q", "answer": "a"}]"#)
        let d = try MUSEDataset.load(from: root, components: [.knowMem, .raw])
        XCTAssertEqual(d.knowMemForget.count, 1)
        XCTAssertTrue(d.verbMemForget.isEmpty)
        XCTAssertTrue(d.raw.isEmpty)
    }

    func testMissingFileNamesTheFile() throws {
        try writeValidCorpus()
        let path = root.appendingPathComponent("privleak/holdout.json")
        try FileManager.default.removeItem(at: path)
        assertLoadError(.missingFile(path: path.path))
    }

    func testMalformedJSONCarriesTheParserMessage() throws {
        try writeValidCorpus()
        try write("verbmem/forget.json", #"[{"prompt": "x", "gt": }"#)
        XCTAssertThrowsError(try MUSEDataset.load(from: root)) { error in
            guard case let .malformedJSON(path, message)? = error as? ProbeDataError else {
                return XCTFail("expected malformedJSON, got \(error)")
            }
            XCTAssertTrue(path.hasSuffix("verbmem/forget.json"))
            XCTAssertFalse(message.isEmpty)
            XCTAssertTrue("\(error)".contains("verbmem/forget.json"))
        }
    }

    func testMissingFieldAtItemThreeNamesFileItemAndField() throws {
        try writeValidCorpus()
        try write("knowmem/retain_qa.json", """
            [{"question": "a", "answer": "b"}, {"question": "a", "answer": "b"},
             {"question": "a", "answer": "b"}, {"answer": "b"}]
            """)
        let path = root.appendingPathComponent("knowmem/retain_qa.json").path
        assertLoadError(.missingField(path: path, index: 3, field: "question"))
        let message = ProbeDataError.missingField(path: path, index: 3, field: "question").description
        XCTAssertTrue(message.contains("retain_qa.json") && message.contains("item 3") && message.contains("\"question\""))
    }

    func testWrongTypesAndTopLevel() throws {
        try writeValidCorpus()
        try write("privleak/forget.json", #"["ok", 7]"#)
        let forget = root.appendingPathComponent("privleak/forget.json").path
        assertLoadError(.wrongType(path: forget, index: 1, field: "", expected: "string"))
        try write("privleak/forget.json", #"{"texts": []}"#)
        assertLoadError(.wrongTopLevel(path: forget, expected: "a JSON array"))
        try write("privleak/forget.json", #"["ok"]"#)
        try write("verbmem/forget.json", #"[{"prompt": "x", "gt": 3}]"#)
        let verb = root.appendingPathComponent("verbmem/forget.json").path
        assertLoadError(.wrongType(path: verb, index: 0, field: "gt", expected: "string"))
    }

    func testEmptySplitIsAnError() throws {
        try writeValidCorpus()
        try write("knowmem/forget_qa_icl.json", "[]")
        assertLoadError(.emptySplit(path: root.appendingPathComponent("knowmem/forget_qa_icl.json").path))
    }
}

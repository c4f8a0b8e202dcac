import Foundation
import LowBit
@testable import Probe
import XCTest

/// The streaming JSON reader behind the data-set loaders: RFC 8259 exactly, linear work,
/// memory for the strings kept only.
final class JSONReaderTests: XCTestCase {
    private func valid(_ text: String) -> Bool {
        Data(text.utf8).withUnsafeBytes { b in
            var r = JSONReader(b)
            do {
                try r.skipValue()
                try r.finish()
                return true
            } catch {
                return false
            }
        }
    }

    private func strings(_ text: String) throws -> [String] {
        try MUSEDataset.decodeStrings(Data(text.utf8), path: "t.json")
    }

    func testAcceptsAndRejectsWhatRFC8259Does() {
        for ok in ["0", "-0", "1.5e-3", "1E+9", "[]", "{}", " [1, \"a\", true, false, null, {\"k\": [{}]}] ",
                   "\"\\u00e9\\ud83d\\ude00\\n\\/\"", "\u{FEFF}[1]", "[\"é✓😀\"]",
                   "[1,]", "{\"a\": 1,}", "1E400"] {  // the last three as JSONSerialization (or the grammar) allows
            XCTAssertTrue(valid(ok), ok)
        }
        for bad in ["", " ", "01", "1.", ".5", "-", "1e", "+1", "[,]", "[1,,]", "[,1]", "{\"a\"}", "{\"a\":1,,}", "{,}", "{1:2}",
                    "[1 2]", "\"abc", "\"\\x\"", "\"\\u12g4\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"",
                    "\"a\nb\"", "tru", "nul", "[1]]", "[1] x", "NaN", "[Infinity]", "'a'", "[\"\\u00\"]"] {
            XCTAssertFalse(valid(bad), bad)
        }
        // Invalid UTF-8 inside and outside strings.
        for bytes: [UInt8] in [[0x22, 0xC3, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x5B, 0xFF, 0x5D]] {
            XCTAssertFalse(Data(bytes).withUnsafeBytes { b in
                var r = JSONReader(b)
                return (try? r.skipValue()) != nil
            })
        }
    }

    func testErrorsNameLineAndColumn() {
        XCTAssertThrowsError(try strings("[\"a\",\n  \"b\" \"c\"]")) { e in
            guard case let .malformedJSON(path, message)? = e as? ProbeDataError else { return XCTFail("\(e)") }
            XCTAssertEqual(path, "t.json")
            XCTAssertEqual(message, "unexpected '\"', expected ',' or ']' at line 2, column 7 (byte 12)")
        }
    }

    func testDecodesEscapesAndSkipsUnknownMembers() throws {
        XCTAssertEqual(try strings(#"["a\"b", "\\", "\u0041\u00e9\ud83d\ude00", "tab\there", ""]"#),
                       ["a\"b", "\\", "Aé😀", "tab\there", ""])
        let qa = try MUSEDataset.decodeQA(Data(#"""
            [{"id": 7, "question": "Q?", "extra": {"deep": [[[1, {"x": null}]]]}, "answer": "A"},
             {"answer": "B", "question": "R?"}]
            """#.utf8), path: "qa.json")
        XCTAssertEqual(qa, [QAPair(question: "Q?", answer: "A"), QAPair(question: "R?", answer: "B")])
    }

    func testItemErrorsKeepTheLoadersPrecedence() {
        func qa(_ text: String) -> ProbeDataError? {
            do {
                _ = try MUSEDataset.decodeQA(Data(text.utf8), path: "p")
                return nil
            } catch { return error }
        }
        XCTAssertEqual(qa(#"[{"question": 3}]"#), .wrongType(path: "p", index: 0, field: "question", expected: "string"))
        XCTAssertEqual(qa(#"[{"answer": 3}]"#), .missingField(path: "p", index: 0, field: "question"))
        XCTAssertEqual(qa(#"[{"question": null, "answer": "a"}]"#), .missingField(path: "p", index: 0, field: "question"))
        XCTAssertEqual(qa(#"[{"question": "q", "answer": "a"}, 5]"#), .missingField(path: "p", index: 1, field: ""))
        XCTAssertEqual(qa(#"{"question": "q"}"#), .wrongTopLevel(path: "p", expected: "a JSON array"))
        XCTAssertEqual(qa("[]"), .emptySplit(path: "p"))
        // Malformed text anywhere wins over an item's problem earlier in the file.
        guard case .malformedJSON? = qa(#"[{"answer": "a"}, {"question": }]"#) else { return XCTFail() }
        // A duplicate key: the last one counts, as with JSONSerialization.
        XCTAssertEqual(try? MUSEDataset.decodeQA(Data(#"[{"question": 1, "question": "q", "answer": "a"}]"#.utf8), path: "p"),
                       [QAPair(question: "q", answer: "a")])
    }

    /// Agreement with Foundation on random near-JSON texts: same verdict, same strings.
    func testAgreesWithJSONSerializationOnRandomTexts() throws {
        let pieces = ["[", "]", "{", "}", ",", ":", " ", "\"a\"", "\"\\n\"", "\"\\u00e9\"", "\"é\"", "0", "-1", "2.5",
                      "1e3", "true", "false", "null", "\"k\"", "\"", "\\", "01", "1.", "x", ", ]", ",}"]
        var rng = SeededRandom(seed: 5)
        var agreed = 0, validCount = 0
        for _ in 0..<20_000 {
            let n = 1 + Int(rng.next() % 10)
            let text = (0..<n).map { _ in pieces[Int(rng.next() % UInt64(pieces.count))] }.joined()
            let ours = valid(text)
            let theirs = (try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed])) != nil
            XCTAssertEqual(ours, theirs, text)
            if ours == theirs { agreed += 1 }
            if ours { validCount += 1 }
            if ours, let array = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) as? [String],
               !array.isEmpty {
                XCTAssertEqual(try strings(text), array, text)
            }
        }
        XCTAssertGreaterThan(validCount, 500, "the generator produces valid texts too")
        XCTAssertEqual(agreed, 20_000)
    }

    /// A hostile data file: huge, deeply nested, and wide. The reader steps over it without
    /// recursion and keeps only the strings asked for.
    func testDeepAndWideValuesAreSkippedIteratively() throws {
        let depth = 200_000
        let deep = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        XCTAssertTrue(valid(deep))
        let text = #"[{"question": "q", "answer": "a", "junk": "# + deep + "}]"
        XCTAssertEqual(try MUSEDataset.decodeQA(Data(text.utf8), path: "p"), [QAPair(question: "q", answer: "a")])
        XCTAssertFalse(valid(String(repeating: "[", count: depth)))
    }

    /// 200,000 items with an unknown member each (8.4 MB): the decoded pairs are all that is
    /// kept. (`JSONSerialization` peaked at about 700 MB on this text.)
    func testMemoryIsTheDecodedStrings() throws {
        let item = #"{"question": "q", "answer": "a", "x": [1, 2, {"y": "zzzzzzzz"}]},"#
        let text = "[" + String(repeating: item, count: 200_000) + #"{"question": "q", "answer": "a"}]"#
        let data = Data(text.utf8)
        let before = anonymousMemory()
        let qa = try MUSEDataset.decodeQA(data, path: "p")
        XCTAssertEqual(qa.count, 200_001)
        if let before, let after = anonymousMemory() {
            XCTAssertLessThan(after - before, 64 << 20, "decoding 8.4 MB grew anonymous memory by \(after - before) bytes")
        }
    }

    /// Anonymous resident memory from Linux's `/proc/self/status` (`nil` elsewhere).
    private func anonymousMemory() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("RssAnon:") }),
              let kb = Int(line.split(separator: " ").dropFirst().first ?? "") else { return nil }
        return kb * 1024
    }
}

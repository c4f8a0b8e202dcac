import Foundation
import Training
import XCTest

final class CorpusMUSETests: XCTestCase {
    /// The exact MUSE record shapes; decoding fails on a missing key.
    private struct QA: Decodable, Equatable { let question: String; let answer: String }
    private struct Verbatim: Decodable { let prompt: String; let gt: String }

    private static let layout = [
        "knowmem/forget_qa.json", "knowmem/retain_qa.json", "knowmem/forget_qa_icl.json",
        "knowmem/retain_qa_icl.json", "verbmem/forget.json", "privleak/forget.json",
        "privleak/retain.json", "privleak/holdout.json", "raw/forget.txt", "raw/retain1.txt",
        "raw/retain2.txt", "raw/holdout.txt", "knowmem/forget_qa_paraphrased.json",
    ]

    private var scratch: [URL] = []

    private func makeDirectory() -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("lowbit-corpus-\(UUID().uuidString)")
        scratch.append(url)
        return url
    }

    override func tearDown() {
        for url in scratch { try? FileManager.default.removeItem(at: url) }
        scratch = []
        super.tearDown()
    }

    private func written(seed: UInt64) throws -> (FactCorpus, URL) {
        let corpus = try FactCorpus.generate(FactCorpusConfig(seed: seed))
        let dir = makeDirectory()
        try corpus.write(to: dir)
        return (corpus, dir)
    }

    private func bytes(_ dir: URL) throws -> [String: Data] {
        var out: [String: Data] = [:]
        for path in Self.layout { out[path] = try Data(contentsOf: dir.appendingPathComponent(path)) }
        return out
    }

    private func decode<T: Decodable>(_ type: T.Type, _ dir: URL, _ path: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(contentsOf: dir.appendingPathComponent(path)))
    }

    func testSameSeedWritesIdenticalBytesDifferentSeedDiffers() throws {
        let (_, a) = try written(seed: 3)
        let (_, b) = try written(seed: 3)
        let (_, c) = try written(seed: 4)
        let ba = try bytes(a), bb = try bytes(b), bc = try bytes(c)
        XCTAssertEqual(ba, bb)
        for path in Self.layout { XCTAssertNotEqual(ba[path], bc[path], path) }
        // Only the layout's files exist: no temporary file survives the renames.
        for folder in ["knowmem", "verbmem", "privleak", "raw"] {
            let names = try FileManager.default.contentsOfDirectory(atPath: a.appendingPathComponent(folder).path)
            XCTAssertEqual(Set(names.map { "\(folder)/\($0)" }),
                           Set(Self.layout.filter { $0.hasPrefix(folder + "/") }))
        }
    }

    func testSchemaAndCountsMatchMUSE() throws {
        let (corpus, dir) = try written(seed: 8)
        for path in Self.layout where path.hasPrefix("knowmem/") {
            let raw = try decode([[String: String]].self, dir, path)
            XCTAssert(raw.allSatisfy { Set($0.keys) == ["question", "answer"] }, path)
        }
        let verbRaw = try decode([[String: String]].self, dir, "verbmem/forget.json")
        XCTAssert(verbRaw.allSatisfy { Set($0.keys) == ["prompt", "gt"] })

        let forgetQA = try decode([QA].self, dir, "knowmem/forget_qa.json")
        let retainQA = try decode([QA].self, dir, "knowmem/retain_qa.json")
        let forgetICL = try decode([QA].self, dir, "knowmem/forget_qa_icl.json")
        let retainICL = try decode([QA].self, dir, "knowmem/retain_qa_icl.json")
        XCTAssertEqual(forgetQA.count, 150)
        XCTAssertEqual(retainQA.count, 150)
        XCTAssertEqual(forgetICL.count, 10)
        XCTAssertEqual(retainICL.count, 10)
        for qa in forgetQA + retainQA + forgetICL + retainICL {
            XCTAssert((1...3).contains(qa.answer.split(separator: " ").count), qa.answer)
            XCTAssert(qa.question.hasSuffix("?"))
        }

        let verbmem = try decode([Verbatim].self, dir, "verbmem/forget.json")
        let canonical = Set(corpus.forgetEntities.map { $0.biography(phrasing: 0) })
        XCTAssertEqual(verbmem.count, 25)
        for item in verbmem {
            XCTAssertFalse(item.gt.isEmpty)
            XCTAssert(canonical.contains(item.prompt + " " + item.gt))
        }

        XCTAssertEqual(try decode([String].self, dir, "privleak/forget.json").count, 25)
        XCTAssertEqual(try decode([String].self, dir, "privleak/retain.json").count, 25)
        XCTAssertEqual(Set(try decode([String].self, dir, "privleak/holdout.json")),
                       Set(corpus.holdoutEntities.map { $0.biography(phrasing: 0) }))

        let raw = try bytes(dir)
        XCTAssertEqual(raw["raw/forget.txt"].map { String(decoding: $0, as: UTF8.self) },
                       corpus.forgetDocuments().map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
                           .joined(separator: "\n\n") + "\n")
        let total = raw.values.reduce(0) { $0 + $1.count }
        XCTAssertLessThan(total, 2_000_000, "default corpus is \(total) bytes")
    }

    func testICLExamplesDoNotLeakTestItems() throws {
        let (corpus, dir) = try written(seed: 12)
        let forgetQA = try decode([QA].self, dir, "knowmem/forget_qa.json")
        let retainQA = try decode([QA].self, dir, "knowmem/retain_qa.json")
        let icl = try decode([QA].self, dir, "knowmem/forget_qa_icl.json")
            + decode([QA].self, dir, "knowmem/retain_qa_icl.json")
        let testQuestions = Set((forgetQA + retainQA).map(\.question))
        XCTAssertTrue(testQuestions.isDisjoint(with: icl.map(\.question)))
        // No ICL example is about a person whose facts are tested.
        let tested = corpus.forgetEntities.map(\.fullName)
            + corpus.retainQAEntityIDs.map { corpus.entities[$0].fullName }
        for qa in icl { XCTAssertFalse(tested.contains { qa.question.contains($0) }, qa.question) }
        XCTAssertEqual(Set(icl.map(\.question)).count, 20)
    }

    func testRewritingReplacesFilesInPlace() throws {
        let dir = makeDirectory()
        try FactCorpus.generate(FactCorpusConfig(seed: 1)).write(to: dir)
        let second = try FactCorpus.generate(FactCorpusConfig(seed: 2))
        try second.write(to: dir)
        let forgetQA = try decode([QA].self, dir, "knowmem/forget_qa.json")
        XCTAssertEqual(forgetQA.map(\.question), second.museExport().forgetQA.map(\.question))
    }

    func testWritingUnderAFileFailsWithATypedError() throws {
        let dir = makeDirectory()
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let blocker = dir.appendingPathComponent("file")
        try Data("x".utf8).write(to: blocker)
        let corpus = try FactCorpus.generate(FactCorpusConfig(entities: 60, retainQALimit: 12, iclExamples: 5))
        do {
            try corpus.write(to: blocker)
            XCTFail("writing under a regular file succeeded")
        } catch {
            guard case .cannotCreateDirectory = error else { return XCTFail("\(error)") }
            XCTAssert(error.description.contains("cannot create directory"))
        }
    }

    func testJSONIsPythonStyleAndEscapesRoundTrip() throws {
        let tricky = ["quote \" back \\ slash / nl \n tab \t bell \u{07} é 日本", ""]
        let export = MUSEExport(
            forgetQA: [FactQA(question: "Q?", answer: "A")], retainQA: [], forgetQAICL: [],
            retainQAICL: [], verbmemForget: [], privleakForget: tricky, privleakRetain: [],
            privleakHoldout: [], rawForget: "", rawRetain1: "", rawRetain2: "", rawHoldout: "")
        let files = Dictionary(uniqueKeysWithValues: export.files.map { ($0.path, $0.contents) })
        XCTAssertEqual(files["knowmem/forget_qa.json"],
                       "[\n    {\n        \"answer\": \"A\",\n        \"question\": \"Q?\"\n    }\n]\n")
        XCTAssertEqual(files["knowmem/retain_qa.json"], "[]\n")
        let decoded = try JSONDecoder().decode(
            [String].self, from: Data((files["privleak/forget.json"] ?? "").utf8))
        XCTAssertEqual(decoded, tricky)
        XCTAssert(files["privleak/forget.json"]?.contains("\\u0007") ?? false)
    }

    /// Pins the output of one small configuration in each style. A change here means every
    /// corpus written before it no longer regenerates from its seed: bump it deliberately,
    /// never casually. The templated corpus's twelve MUSE files keep the bytes they had
    /// before prose biographies and the paraphrase file existed.
    func testPinnedOutputForAFixedSeed() throws {
        func hash(_ files: [(path: String, contents: String)]) -> String {
            var h: UInt64 = 0xCBF2_9CE4_8422_2325  // FNV-1a over every file, in layout order
            for (_, contents) in files {
                for byte in contents.utf8 { h = (h ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
            }
            return String(h, radix: 16)
        }
        let templated = try FactCorpus.generate(
            FactCorpusConfig(entities: 60, retainQALimit: 12, iclExamples: 5, seed: 2024, biographyStyle: .templated))
        XCTAssertEqual(
            templated.entities[0].biography(phrasing: 0),
            "Nilo Breirash was born in Northwold in 1985. Nilo Breirash works as a potter at "
                + "Brassfeld Foundry. The favourite color of Nilo Breirash is turquoise, and "
                + "Nilo Breirash has a pet named Ozzle.")
        let museFiles = templated.museExport().files.filter { $0.path != "knowmem/forget_qa_paraphrased.json" }
        XCTAssertEqual(museFiles.count, 12)
        XCTAssertEqual(hash(museFiles), "2ea68cfbcde289d9")

        let prose = try FactCorpus.generate(
            FactCorpusConfig(entities: 60, retainQALimit: 12, iclExamples: 5, seed: 2024))
        XCTAssertEqual(
            prose.entities[0].biography(phrasing: 0),
            "Nilo Breirash celebrates a birthday every year since 1985, the year of birth. A pet called Ozzle "
                + "lives with Nilo. Nilo Breirash walks to Brassfeld Foundry each morning to start work. Nilo comes "
                + "from Northwold and still speaks with its accent. Of all colors, Nilo likes turquoise best. In a "
                + "bitter storm, Nilo sketched a crooked chimney in the school yard and told nobody. Nilo once "
                + "painted a garden wall under the orchard trees, with borrowed tools. Nilo Breirash earns a living "
                + "as a potter. In a bitter storm, Nilo quietly chased a basket of eggs in a crowded inn.")
        XCTAssertEqual(hash(prose.museExport().files), "6fda385ee4f48a1f")
    }
}

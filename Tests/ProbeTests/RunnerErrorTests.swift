import Foundation
import LowBit
@testable import Probe
import XCTest

final class RunnerErrorTests: XCTestCase {
    private var fixture: RunnerFixture!

    override func setUpWithError() throws { fixture = try RunnerFixture() }
    override func tearDown() { fixture.remove() }

    private func runError(_ c: ProbeRunConfiguration) -> ProbeRunError? {
        do {
            _ = try ProbeRunner(configuration: c).run()
            return nil
        } catch {
            return error
        }
    }

    func testMissingDataFileIsNamed() throws {
        let file = fixture.dataDirectory.appendingPathComponent("knowmem/retain_qa.json")
        try FileManager.default.removeItem(at: file)
        let error = try XCTUnwrap(runError(fixture.configuration()))
        XCTAssertEqual(error, .data(.missingFile(path: file.path)))
        XCTAssertTrue(error.description.contains("retain_qa.json"))
    }

    func testMalformedJSONIsNamed() throws {
        let file = fixture.dataDirectory.appendingPathComponent("privleak/holdout.json")
        try Data("[\"a\", ".utf8).write(to: file)
        let error = try XCTUnwrap(runError(fixture.configuration()))
        XCTAssertTrue(error.description.contains("holdout.json"), error.description)
    }

    func testQuestionTooLongForTheContextIsCaughtBeforeRunning() throws {
        let long = Array(repeating: "orla venn sailed far", count: 60).joined(separator: " ")
        try fixture.write("knowmem/forget_qa.json", fixture.qa([("who", "me"), (long, "far")]))
        let calls = CallCounter()
        do {
            _ = try ProbeRunner(configuration: fixture.configuration()).run { _ in calls.increment() }
            XCTFail("expected an error")
        } catch {
            guard case let .promptTooLong(model, file, index, needed, context) = error else {
                return XCTFail("unexpected \(error)")
            }
            XCTAssertEqual(model, "Target")
            XCTAssertTrue(file.hasSuffix("knowmem/forget_qa.json"))
            XCTAssertEqual(index, 1)
            XCTAssertGreaterThan(needed, context)
            XCTAssertEqual(context, 512)
            XCTAssertTrue(error.description.contains("item 1"))
        }
        XCTAssertEqual(calls.count, 0, "no cell may start before every item is checked")
    }

    func testInvalidSettingsAreRejected() {
        var c = fixture.configuration()
        c.leak = .init(samples: 3, k: 4)
        XCTAssertEqual(runError(c), .invalidSetting(name: "leak k", value: "4", expected: "1 <= k <= 3"))
        c = fixture.configuration()
        c.models.append(c.models[2])
        XCTAssertEqual(runError(c), .duplicateModelName("GA_GDR"))
        c = fixture.configuration(precisions: [.f32, .f32])
        if case .invalidSetting? = runError(c) {} else { XCTFail("duplicate precisions accepted") }
    }

    func testMissingModelFileIsNamed() {
        var c = fixture.configuration()
        c.models[1].path = fixture.root.appendingPathComponent("nope.gguf").path
        guard case let .model(path, _)? = runError(c) else { return XCTFail("expected a model error") }
        XCTAssertTrue(path.hasSuffix("nope.gguf"))
    }

    func testDefaultSubjects() throws {
        let models = fixture.root.appendingPathComponent("Models")
        try FileManager.default.createDirectory(at: models, withIntermediateDirectories: true)
        XCTAssertNil(ProbeSubjects.locateModelsDirectory(candidates: [fixture.root.appendingPathComponent("none")]))
        XCTAssertEqual(ProbeSubjects.locateModelsDirectory(candidates: [fixture.root.appendingPathComponent("none"), models]),
                       models)
        XCTAssertThrowsError(try ProbeSubjects.defaults(in: models)) { error in
            guard case let .missingSubjects(_, missing)? = error as? ProbeRunError else { return XCTFail("\(error)") }
            XCTAssertEqual(missing, ["target.gguf", "retrain.gguf", "unlearned/*.gguf", "data/"])
            XCTAssertTrue("\(error)".contains("lowbit train"))
        }
        let unlearned = models.appendingPathComponent("unlearned")
        try FileManager.default.createDirectory(at: unlearned, withIntermediateDirectories: true)
        for p in ["target.gguf", "retrain.gguf", "unlearned/npo_klr.gguf", "unlearned/ga_gdr.gguf", "unlearned/notes.txt"] {
            try Data().write(to: models.appendingPathComponent(p))
        }
        try FileManager.default.createDirectory(at: models.appendingPathComponent("data"), withIntermediateDirectories: true)
        let d = try ProbeSubjects.defaults(in: models)
        XCTAssertEqual(d.models.map(\.name), ["Target", "Retrain", "GA_GDR", "NPO_KLR"])
        XCTAssertEqual(d.models.map(\.role), [.target, .retrain, .unlearned, .unlearned])
        XCTAssertEqual(d.dataDirectory, models.appendingPathComponent("data").path)
    }
}

/// Counts progress callbacks from any thread.
final class CallCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func increment() { lock.lock(); value += 1; lock.unlock() }
    var count: Int { lock.lock(); defer { lock.unlock() }; return value }
}

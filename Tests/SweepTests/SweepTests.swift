@testable import Sweep
import Foundation
import Training
import Probe
import XCTest

final class SweepTests: XCTestCase {
    func testGridValidatesEveryFieldAndOrdersPoints() throws {
        var g = SweepGrid(targets: ["a.gguf", "b.gguf"], methods: ["ga_gdr", "NPO_KLR"], learningRates: [1e-5, 1e-3],
                          epochs: [1, 5], weightPrecisions: ["f32", "bf16"])
        let points = try g.points()
        XCTAssertEqual(points.count, 2 * 2 * 2 * 2 * 2)
        XCTAssertEqual(points.first?.key(targetIndex: 0), "t0-GA_GDR-lr1e-05-e1-f32")
        XCTAssertEqual(points.last?.key(targetIndex: 1), "t1-NPO_KLR-lr0.001-e5-bf16")
        XCTAssertEqual(Set(points.map { $0.key(targetIndex: 0) }).count, points.count / 2, "keys are unique per target")
        var locked = g
        locked.locks = ["none", "q4_0"]
        let lockedPoints = try locked.points()
        XCTAssertEqual(lockedPoints.count, 2 * points.count)
        XCTAssertEqual(lockedPoints[1].key(targetIndex: 0), "t0-GA_GDR-lr1e-05-e1-f32-lock-q4_0")
        locked.locks = ["q8_0"]
        XCTAssertThrowsError(try locked.points()) { XCTAssertEqual($0 as? SweepError, .invalidGrid(field: "locks", value: "q8_0", expected: "none|q4_0")) }
        g.methods = ["ga", "sgd"]
        XCTAssertThrowsError(try g.points()) { XCTAssertEqual($0 as? SweepError, .invalidGrid(field: "methods", value: "sgd", expected: UnlearningMethod.allCases.map(\.rawValue).joined(separator: "|"))) }
        g.methods = ["ga"]
        for (mutate, field) in [({ (g: inout SweepGrid) in g.learningRates = [0] }, "lrs"), ({ $0.epochs = [0] }, "epochs"),
                                ({ $0.weightPrecisions = ["f8"] }, "weights"), ({ $0.precisions = ["f32", "q9"] }, "precisions"),
                                ({ $0.precisions = ["f32", "F32"] }, "precisions"), ({ $0.targets = [] }, "targets"),
                                ({ $0.batchSize = 0 }, "batch")] as [((inout SweepGrid) -> Void, String)] {
            var bad = g
            mutate(&bad)
            XCTAssertThrowsError(try bad.points()) { e in
                guard case let .invalidGrid(f, _, _) = e as? SweepError else { return XCTFail("\(e)") }
                XCTAssertEqual(f, field)
            }
        }
    }

    func measurement(_ p: String, retained: Double, utility: Double = 1) -> SweepMeasurement {
        SweepMeasurement(precision: p, verbMem: 10, knowMemForget: 20, knowMemRetain: 50, retained: retained, retainUtility: utility)
    }

    func cell(_ results: [SweepMeasurement], lr: Double = 1e-4) -> SweepCell {
        let p = try! LlamaParameters(shape: LlamaShape(vocabSize: 8, dim: 4, layers: 1, heads: 1, kvHeads: 1, ffnDim: 4, contextLength: 8), seed: 1)
        let w = WeightChangeStats(original: p, updated: p)
        return SweepCell(key: "k\(lr)", subject: 0, method: "NPO_KLR", learningRate: lr, epochs: 5, weights: "f32", modelPath: "m",
                         results: results, weightChange: w, blockChange: [w], gEffects: [])
    }

    func testPaperPatternNeedsForgettingRecoveryAndUtility() {
        let pattern = cell([measurement("f32", retained: 0.2), measurement("q4_0", retained: 0.45)])
        XCTAssertTrue(pattern.showsPaperPattern(at: "q4_0", reference: "f32"))
        XCTAssertEqual(pattern.recovery(at: "q4_0", reference: "f32")!, 25, accuracy: 1e-9)
        XCTAssertFalse(cell([measurement("f32", retained: 0.35), measurement("q4_0", retained: 0.9)])
            .showsPaperPattern(at: "q4_0", reference: "f32"), "did not forget enough at f32")
        XCTAssertFalse(cell([measurement("f32", retained: 0.2), measurement("q4_0", retained: 0.39)])
            .showsPaperPattern(at: "q4_0", reference: "f32"), "less than twice")
        XCTAssertFalse(cell([measurement("f32", retained: 0.2, utility: 0.7), measurement("q4_0", retained: 0.5)])
            .showsPaperPattern(at: "q4_0", reference: "f32"), "utility lost")
        XCTAssertFalse(cell([measurement("f32", retained: 0), measurement("q4_0", retained: 0)])
            .showsPaperPattern(at: "q4_0", reference: "f32"), "nothing at all is not recovery")
    }

    func testMeasurementsAgainstTheSamePrecisionTarget() {
        var t = ProbeCell(modelName: "target", role: .target, method: nil, precision: "f32")
        t.verbMem = 90; t.knowMemForget = 100; t.knowMemRetain = 80
        var tq = ProbeCell(modelName: "target", role: .target, method: nil, precision: "q4_0")
        tq.verbMem = 50; tq.knowMemForget = 50; tq.knowMemRetain = 40
        let subject = SweepSubject(path: "t", dim: 4, layers: 1, parameters: 1,
                                   results: SweepRunner.measurements([t, tq], target: nil, precisions: ["f32", "q4_0"]))
        XCTAssertEqual(subject.results.map(\.retained), [1, 1])
        var u = ProbeCell(modelName: "u", role: .unlearned, method: "GA", precision: "f32")
        u.verbMem = 9; u.knowMemForget = 10; u.knowMemRetain = 72
        var uq = ProbeCell(modelName: "u", role: .unlearned, method: "GA", precision: "q4_0")
        uq.verbMem = 25; uq.knowMemForget = 25; uq.knowMemRetain = 20
        let m = SweepRunner.measurements([u, uq], target: subject, precisions: ["f32", "q4_0"])
        XCTAssertEqual(m[0].retained!, 19.0 / 190, accuracy: 1e-12)
        XCTAssertEqual(m[1].retained!, 0.5, accuracy: 1e-12, "against the q4_0 target")
        XCTAssertEqual(m[0].retainUtility!, 0.9, accuracy: 1e-12)
        XCTAssertEqual(m[1].retainUtility!, 0.25, accuracy: 1e-12, "against the reference-precision target")
    }

    func testHTMLStarsPatternCellsAndGreysCellsThatDidNotForget() {
        var grid = SweepGrid(targets: ["t"], methods: ["NPO_KLR"], learningRates: [1e-4, 1e-3], precisions: ["f32", "q4_0"])
        grid.gEffect = false
        let subject = SweepSubject(path: "t", dim: 128, layers: 4, parameters: 10, results: [measurement("f32", retained: 1)])
        let report = SweepReport(grid: grid, subjects: [subject], cells: [
            cell([measurement("f32", retained: 0.9), measurement("q4_0", retained: 0.95)], lr: 1e-4),
            cell([measurement("f32", retained: 0.1), measurement("q4_0", retained: 0.3)], lr: 1e-3),
        ])
        XCTAssertEqual(report.lowBitPrecisions, ["q4_0"])
        XCTAssertEqual(report.paperPatternCells.map(\.cell.key), ["k0.001"])
        let html = SweepHTMLRenderer.render(report)
        XCTAssertTrue(html.contains("<td class=dim>+5.0</td>"), "lr 1e-4 kept 90%: grey")
        XCTAssertTrue(html.contains("+20.0 ★</td>"), html)
        XCTAssertTrue(html.contains("<code>k0.001</code> at q4_0"))
        XCTAssertTrue(html.contains("dim 128 / 4 layers"))
    }

    func testKnowMemPatternIgnoresVerbMem() {
        var grid = SweepGrid(targets: ["t"], methods: ["NPO_KLR"], learningRates: [1e-4], precisions: ["f32", "q4_0"])
        grid.gEffect = false
        let t = [SweepMeasurement(precision: "f32", verbMem: 100, knowMemForget: 100, knowMemRetain: 90, retained: 1, retainUtility: 1),
                 SweepMeasurement(precision: "q4_0", verbMem: 100, knowMemForget: 100, knowMemRetain: 90, retained: 1, retainUtility: 1)]
        // VerbMem stays at the template's level (70), so the paper's measure keeps 45% at f32.
        let c = cell([SweepMeasurement(precision: "f32", verbMem: 70, knowMemForget: 20, knowMemRetain: 85, retained: 0.45, retainUtility: 0.94),
                      SweepMeasurement(precision: "q4_0", verbMem: 70, knowMemForget: 60, knowMemRetain: 85, retained: 0.65, retainUtility: 0.94)])
        let r = SweepReport(grid: grid, subjects: [SweepSubject(path: "t", dim: 128, layers: 4, parameters: 1, results: t)], cells: [c])
        XCTAssertEqual(r.knowMemRetained(c, at: "q4_0")!, 0.6, accuracy: 1e-12)
        XCTAssertTrue(r.paperPatternCells.isEmpty)
        XCTAssertEqual(r.knowMemPatternCells.map(\.precision), ["q4_0"])
        XCTAssertTrue(SweepHTMLRenderer.render(r).contains("+20.0 ☆</td>"))
    }

    func testMergeRenumbersSubjectsAndUnitesGrids() throws {
        let a = SweepSubject(path: "/w128.gguf", dim: 128, layers: 4, parameters: 1, results: [measurement("f32", retained: 1)])
        let b = SweepSubject(path: "/w256.gguf", dim: 256, layers: 6, parameters: 2, results: [measurement("f32", retained: 1)])
        var c1 = cell([measurement("f32", retained: 0.5)], lr: 1e-4)
        c1.key = "t0-NPO_KLR-lr0.0001-e5-f32"
        var c2 = cell([measurement("f32", retained: 0.4)], lr: 1e-3)
        c2.key = "t0-NPO_KLR-lr0.001-e5-f32"
        c2.modelPath = "models/x.gguf"
        let r1 = SweepReport(grid: SweepGrid(targets: [a.path], learningRates: [1e-4]), subjects: [a], cells: [c1], timing: ["subject-0": 1])
        let r2 = SweepReport(grid: SweepGrid(targets: [b.path], learningRates: [1e-3]), subjects: [b], cells: [c2], timing: ["subject-0": 2, c2.key: 3])
        var locked = SweepGrid(targets: [a.path], learningRates: [1e-4])
        locked.locks = ["q4_0"]
        var c3 = c1
        c3.key += "-lock-q4_0"
        c3.lock = "q4_0"
        let r3 = SweepReport(grid: locked, subjects: [a], cells: [c1, c3])
        let m = try SweepReport.merged([(r1, URL(fileURLWithPath: "/one")), (r2, URL(fileURLWithPath: "/two")), (r3, URL(fileURLWithPath: "/three"))])
        XCTAssertEqual(m.subjects.map(\.path), ["/w128.gguf", "/w256.gguf"])
        XCTAssertEqual(m.grid.targets, ["/w128.gguf", "/w256.gguf"])
        XCTAssertEqual(m.cells.map(\.key), ["t0-NPO_KLR-lr0.0001-e5-f32", "t1-NPO_KLR-lr0.001-e5-f32", "t0-NPO_KLR-lr0.0001-e5-f32-lock-q4_0"])
        XCTAssertEqual(m.cells.map(\.subject), [0, 1, 0])
        XCTAssertEqual(m.cells[1].modelPath, "/two/models/x.gguf")
        XCTAssertEqual(m.grid.learningRates, [1e-4, 1e-3])
        XCTAssertEqual(m.grid.locks, ["none", "q4_0"])
        XCTAssertEqual(m.timing, ["subject-0": 1, "subject-1": 2, "t1-NPO_KLR-lr0.001-e5-f32": 3])
        var other = r2
        other.grid.precisions = ["f32", "q4_0"]
        XCTAssertThrowsError(try SweepReport.merged([(r1, URL(fileURLWithPath: "/")), (other, URL(fileURLWithPath: "/"))]))
    }
}

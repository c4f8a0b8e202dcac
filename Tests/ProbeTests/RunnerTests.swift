import Foundation
import LowBit
@testable import Probe
import XCTest

final class RunnerTests: XCTestCase {
    private var fixture: RunnerFixture!

    override func setUpWithError() throws { fixture = try RunnerFixture() }
    override func tearDown() { fixture.remove() }

    private func inRange(_ v: Double?, _ range: ClosedRange<Double>, _ what: String,
                         file: StaticString = #filePath, line: UInt = #line) {
        guard let v else { return XCTFail("\(what) missing", file: file, line: line) }
        XCTAssertTrue(range.contains(v), "\(what) = \(v) outside \(range)", file: file, line: line)
    }

    func testEveryCellIsMeasuredAndMetricsAreInRange() throws {
        let report = try ProbeRunner(configuration: fixture.configuration()).run()
        XCTAssertEqual(report.cells.map { "\($0.modelName)@\($0.precision)" }, [
            "Target@f32", "Target@q8_0", "Target@q4_0", "Retrain@f32", "Retrain@q8_0", "Retrain@q4_0",
            "GA_GDR@f32", "GA_GDR@q8_0", "GA_GDR@q4_0",
        ])
        for cell in report.cells {
            let name = "\(cell.modelName)@\(cell.precision)"
            inRange(cell.verbMem, 0...100, "\(name) VerbMem")
            inRange(cell.knowMemForget, 0...100, "\(name) KnowMem-forget")
            inRange(cell.knowMemRetain, 0...100, "\(name) KnowMem-retain")
            inRange(cell.minKAUC, 0...1, "\(name) MinK AUC")
            inRange(cell.minKPlusPlusAUC, 0...1, "\(name) MinK++ AUC")
            inRange(cell.leakAtK?.value, 0...1, "\(name) leak@k")
            // The logit lens reads every block of the micro model (2 layers), on every forget item.
            XCTAssertEqual(cell.logitLensForget?.map(\.layer), [0, 1], name)
            for layer in cell.logitLensForget ?? [] {
                inRange(layer.top1Rate, 0...1, "\(name) lens top-1")
                XCTAssertGreaterThanOrEqual(layer.meanGoldRank, 1, name)
                XCTAssertLessThanOrEqual(layer.top1Rate, layer.top10Rate, name)
            }
            XCTAssertTrue(cell.items.filter { $0.split == .knowMemForget }.allSatisfy { $0.lensGoldRanks?.count == 2 }, name)
            inRange(cell.teacherForcedForget?.exactMemorization, 0...1, "\(name) exact memorization")
            inRange(cell.teacherForcedRetain?.meanGoldProbability, 0...1, "\(name) gold p")
            // The retrain model is the same file, so PrivLeak against it is exactly 0.
            XCTAssertEqual(cell.privLeak, 0, name)
            XCTAssertEqual(cell.leakAtK?.threshold, 0.5)
            XCTAssertEqual(cell.items.count, 3 + 4 + 3 + 3 + 3, name)
            // Integer weight types quantize activations to Q8_0 (as ggml does); float types do not.
            XCTAssertEqual(cell.activationsQuantized, cell.precision.hasPrefix("q"), name)
        }
        // Same weights as the target: nothing was unlearned, so recovery is undefined and the
        // retained fraction is exactly 1 at every precision.
        XCTAssertTrue(report.cells.allSatisfy { $0.recoveryKnowMemForget == nil })
        // (A random model may score 0 everywhere, leaving the fraction undefined.)
        for target in report.cells where target.role == .target {
            let entry = report.aggregates.retainedKnowledge.first {
                $0.precision == target.precision && $0.targetPrecision == target.precision
            }
            if (target.verbMem ?? 0) + (target.knowMemForget ?? 0) > 0 {
                XCTAssertEqual(try XCTUnwrap(entry).fraction, 1, accuracy: 1e-12)
            } else {
                XCTAssertNil(entry)
            }
        }
        // Quantization changes the model: some teacher-forced statistic must move at 4 bits.
        let f32 = report.cells[0], q4 = report.cells[2]
        XCTAssertNotEqual(f32.teacherForcedForget?.meanGoldLogProb, q4.teacherForcedForget?.meanGoldLogProb)
        XCTAssertEqual(report.config.referencePrecision, "f32")
        XCTAssertEqual(report.timing?.cells.count, 9)
        XCTAssertTrue(report.config.notes.contains { $0.contains("SAME precision") })
        // The renderers accept the report.
        XCTAssertTrue(TableRenderer.render(report).contains("GA_GDR"))
        XCTAssertTrue(HTMLRenderer.render(report).contains("<svg"))
    }

    func testGuessableItemsFollowTheRetrainModel() throws {
        let report = try ProbeRunner(configuration: fixture.configuration(precisions: [.f32], subjects: 2)).run()
        let retrain = try XCTUnwrap(report.cells.first { $0.role == .retrain })
        for cell in report.cells {
            for (item, reference) in zip(cell.items, retrain.items) where item.split == .knowMemForget {
                XCTAssertEqual(item.guessable, (reference.rouge?.recall ?? 0) >= 0.5)
            }
            XCTAssertTrue(cell.items.filter { $0.split == .verbMemForget }.allSatisfy { !$0.guessable })
        }
    }

    func testSameSeedGivesIdenticalJSON() throws {
        let a = try ProbeRunner(configuration: fixture.configuration(precisions: [.q4_0], subjects: 2)).run()
        let b = try ProbeRunner(configuration: fixture.configuration(precisions: [.q4_0], subjects: 2)).run()
        XCTAssertEqual(try JSONReportRenderer.render(a, includeTiming: false),
                       try JSONReportRenderer.render(b, includeTiming: false))
        XCTAssertNotEqual(a.timing, nil)
    }

    func testWorkerThreadsDoNotChangeResults() throws {
        let one = try ProbeRunner(configuration: fixture.configuration(precisions: [.q8_0], threads: 1, subjects: 1)).run()
        let two = try ProbeRunner(configuration: fixture.configuration(precisions: [.q8_0], threads: 3, subjects: 1)).run()
        XCTAssertEqual(one.cells, two.cells)
    }

    func testGenerationBatchSizeDoesNotChangeResults() throws {
        var runs: [ProbeReport] = []
        for batch in [1, 3, 8] {
            var c = fixture.configuration(precisions: [.f32, .q4_0], subjects: 1)
            c.batch = batch
            runs.append(try ProbeRunner(configuration: c).run())
        }
        XCTAssertEqual(runs[0].cells, runs[1].cells)
        XCTAssertEqual(runs[0].cells, runs[2].cells)
        XCTAssertFalse(runs[0].cells.flatMap(\.items).allSatisfy { ($0.generation ?? "").isEmpty })
    }

    func testGenerationChunksAreAnEvenShareOfTheItemsPerWorker() {
        XCTAssertEqual(CellEvaluator.chunkSize(count: 10, batch: 8, workers: 2), 5)
        XCTAssertEqual(CellEvaluator.chunkSize(count: 100, batch: 8, workers: 2), 8)
        XCTAssertEqual(CellEvaluator.chunkSize(count: 3, batch: 8, workers: 2), 2)
        XCTAssertEqual(CellEvaluator.chunkSize(count: 1, batch: 8, workers: 4), 1)
        XCTAssertEqual(CellEvaluator.chunkSize(count: 0, batch: 8, workers: 2), 1)
        XCTAssertEqual(CellEvaluator.chunkSize(count: 9, batch: 1, workers: 1), 1)
    }

    func testPrefixCacheGivesTheSameResultsAsFullPrompts() throws {
        let reused = try ProbeRunner(configuration: fixture.configuration(precisions: [.q4_0], reuse: true, subjects: 1)).run()
        let full = try ProbeRunner(configuration: fixture.configuration(precisions: [.q4_0], reuse: false, subjects: 1)).run()
        XCTAssertEqual(reused.cells.count, full.cells.count)
        for (r, f) in zip(reused.cells, full.cells) {
            XCTAssertEqual(r.items.map(\.generation), f.items.map(\.generation))
            for (ri, fi) in zip(r.items, f.items) {
                XCTAssertEqual(ri.goldLogProbs?.sum ?? 0, fi.goldLogProbs?.sum ?? 0, accuracy: 1e-4)
            }
            XCTAssertEqual(r.leakAtK, f.leakAtK)
        }
        XCTAssertTrue(reused.config.notes.contains { $0.contains("reused by rewinding") })
    }

    func testReusableCacheFeedsOnlyTheNewTokens() throws {
        let model = try TransformerModel(weights: GGUFFile.loadWeights(path: fixture.modelPath))
        let cache = ReusableCache(model: model, capacity: 64, reuse: true)
        try cache.prime([1, 10, 11, 12, 13], model: model, pool: ThreadPool(threads: 1))
        XCTAssertEqual(cache.rewind(for: [1, 10, 11, 20]), 3)
        XCTAssertEqual(cache.rewind(for: [1, 10, 11, 20]), 3)   // the last token is always fed
        XCTAssertEqual(cache.rewind(for: [1, 10, 11, 20, 21], keepAtMost: 2), 2)
        XCTAssertEqual(cache.cache.length, 2)
        let off = ReusableCache(model: model, capacity: 64, reuse: false)
        try off.prime([1, 10, 11], model: model, pool: ThreadPool(threads: 1))
        XCTAssertEqual(off.rewind(for: [1, 10, 11, 12]), 0)
    }
}

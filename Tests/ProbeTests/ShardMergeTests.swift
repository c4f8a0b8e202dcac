import Foundation
import XCTest
@testable import LowBit
@testable import Probe

/// `--shard i/n` + `probe merge` and `--resume` give the single run's report (apart from timing).
final class ShardMergeTests: XCTestCase {
    var fixture: RunnerFixture!

    override func setUpWithError() throws { fixture = try RunnerFixture() }

    func testShardedAndMergedEqualsTheSingleRun() throws {
        let whole = try ProbeRunner(configuration: fixture.configuration(precisions: [.f32, .q4_0], subjects: 3)).run()
        var parts: [ProbeReport] = []
        for i in 0..<3 {
            var c = fixture.configuration(precisions: [.f32, .q4_0], subjects: 3)
            c.shard = (i, 3)
            let part = try ProbeRunner(configuration: c).run()
            XCTAssertEqual(part.config.shard, "\(i)/3")
            XCTAssertEqual(part.cells.count, 2)  // 6 cells over 3 shards
            // Round trip through the JSON the CLI writes.
            parts.append(try JSONReportRenderer.decode(try JSONReportRenderer.render(part)))
        }
        let merged = try ProbeRunner.merge(parts.reversed())
        XCTAssertEqual(try JSONReportRenderer.render(merged, includeTiming: false),
                       try JSONReportRenderer.render(whole, includeTiming: false))

        // A missing part, a duplicated part, and a part of another configuration are errors.
        XCTAssertThrowsError(try ProbeRunner.merge(Array(parts.prefix(2)))) { e in
            XCTAssertTrue("\(e)".contains("missing cells"), "\(e)")
        }
        XCTAssertThrowsError(try ProbeRunner.merge(parts + [parts[0]])) { e in XCTAssertTrue("\(e)".contains("each cell once"), "\(e)") }
        var other = parts[1]
        other.config.seed += 1
        XCTAssertThrowsError(try ProbeRunner.merge([parts[0], other, parts[2]])) { e in
            XCTAssertTrue("\(e)".contains("another configuration"), "\(e)")
        }
    }

    func testResumeRunsOnlyTheMissingCells() throws {
        let whole = try ProbeRunner(configuration: fixture.configuration(precisions: [.f32, .q4_0], subjects: 2)).run()
        var first = fixture.configuration(precisions: [.f32, .q4_0], subjects: 2)
        first.shard = (0, 2)
        var resumed = fixture.configuration(precisions: [.f32, .q4_0], subjects: 2)
        resumed.resume = try ProbeRunner(configuration: first).run()
        let report = try ProbeRunner(configuration: resumed).run()
        XCTAssertEqual(try JSONReportRenderer.render(report, includeTiming: false),
                       try JSONReportRenderer.render(whole, includeTiming: false))
        var wrong = fixture.configuration(precisions: [.f32], subjects: 2)
        wrong.resume = resumed.resume
        XCTAssertThrowsError(try ProbeRunner(configuration: wrong).run())
    }

    func testPlanCountsTheCellsToRunAndEstimatesTheirTime() throws {
        var plans: [ProbePlan] = []
        let report = try ProbeRunner(configuration: fixture.configuration(precisions: [.f32, .q4_0], subjects: 2)).run(plan: { plans.append($0) })
        XCTAssertEqual(plans.count, 1)
        XCTAssertEqual(plans[0].cells, 4)
        XCTAssertEqual(plans[0].items, report.cells.map(\.items.count).reduce(0, +) / 1)
        XCTAssertGreaterThan(plans[0].prefillTokens, 0)
        XCTAssertGreaterThan(plans[0].decodeTokens, 0)
        XCTAssertNotNil(plans[0].estimatedSeconds)
        XCTAssertTrue(plans[0].summary.contains("4 cells"))
        var c = fixture.configuration(precisions: [.f32, .q4_0], subjects: 2)
        c.shard = (1, 2)
        _ = try ProbeRunner(configuration: c).run(plan: { plans.append($0) })
        XCTAssertEqual(plans[1].cells, 2)
        XCTAssertEqual(plans[1].prefillTokens * 2, plans[0].prefillTokens)
    }

    func testAutomaticBatchFollowsModelSize() throws {
        XCTAssertEqual(ProbeRunConfiguration.automaticBatch(weightBytes: 4 << 20), 1)
        XCTAssertEqual(ProbeRunConfiguration.automaticBatch(weightBytes: 591 << 20), 8)
        var c = fixture.configuration(precisions: [.f32], subjects: 1)
        c.batch = 0
        XCTAssertThrowsError(try ProbeRunner(configuration: c).run()) { e in XCTAssertTrue("\(e)".contains("batch"), "\(e)") }
    }

    func testShardMustBeInRange() throws {
        var c = fixture.configuration(precisions: [.f32], subjects: 1)
        c.shard = (3, 2)
        XCTAssertThrowsError(try ProbeRunner(configuration: c).run()) { e in XCTAssertTrue("\(e)".contains("shard"), "\(e)") }
    }
}

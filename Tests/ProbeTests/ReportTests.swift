import Foundation
import Probe
import XCTest

/// A report built from the NEWS half of Table 1 (Zhang et al.), f32 and q4_0 rows.
func table1NewsReport(extraModelName: String? = nil) -> ProbeReport {
    // (name, role, f32 M1 M2 M3 M4, q4 M1 M2 M3 M4)
    let rows: [(String, ModelRole, [Double], [Double])] = [
        ("Target", .target, [58.4, 63.9, -99.8, 55.2], [34.2, 54.4, -99.8, 48.2]),
        ("Retrain", .retrain, [20.8, 33.1, 0.0, 55.0], [18.5, 36.0, -2.2, 46.5]),
        ("GA_GDR", .unlearned, [0.0, 28.9, 87.1, 34.2], [25.0, 50.1, -99.1, 47.7]),
        ("GA_KLR", .unlearned, [14.1, 27.1, -91.6, 23.1], [33.8, 50.9, -99.8, 45.8]),
        ("NPO_GDR", .unlearned, [0.3, 46.1, 107.2, 38.6], [33.2, 51.4, -99.8, 48.2]),
        ("NPO_KLR", .unlearned, [16.6, 36.6, -94.0, 33.3], [34.1, 53.7, -99.8, 48.8]),
    ]
    var cells: [ProbeCell] = []
    for (precision, pick) in [("f32", 0), ("q4_0", 1)] {
        for (name, role, f32, q4) in rows {
            let m = pick == 0 ? f32 : q4
            cells.append(ProbeCell(
                modelName: name, role: role, method: role == .unlearned ? name : nil, precision: precision,
                verbMem: m[0], knowMemForget: m[1], knowMemRetain: m[3], privLeak: m[2],
                items: [ItemRecord(split: .knowMemForget, index: 0, prompt: "Question: Who?\nAnswer: ",
                                   gold: "Ann Lee", generation: "Ann",
                                   rouge: RougeL.score(prediction: "Ann", reference: "Ann Lee"),
                                   goldLogProbs: LogProbSummary([-0.1, -2.3]), guessable: role == .retrain)]))
        }
    }
    if let extra = extraModelName {
        cells.append(ProbeCell(modelName: extra, role: .unlearned, precision: "q8_0", verbMem: 1, knowMemForget: 2,
                               knowMemRetain: 3))
    }
    let config = ProbeConfig(
        models: rows.map { ModelSpec(name: $0.0, path: "/models/\($0.0).gguf", role: $0.1) },
        dataDirectory: "/data/news", corpus: "news", precisions: ["f32", "q4_0"], referencePrecision: "f32",
        seed: 42, threads: 2, notes: ["numbers copied from Table 1 of Zhang et al."])
    cells = ProbeAggregates.fillingRecovery(cells, referencePrecision: "f32")
    return ProbeReport(config: config, cells: cells,
                       aggregates: ProbeAggregates.compute(cells: cells, referencePrecision: "f32"),
                       timing: ProbeTiming(startedAt: "2026-01-01T00:00:00Z", totalSeconds: 12.5))
}

final class ReportTests: XCTestCase {
    func testAggregatesOnNewsTable1() throws {
        let a = table1NewsReport().aggregates.retainedKnowledge
        XCTAssertEqual(a.map(\.precision), ["f32", "q4_0", "q4_0"])
        XCTAssertEqual(a.map(\.targetPrecision), ["f32", "q4_0", "f32"])
        XCTAssertEqual(a[0].fraction, 169.7 / (122.3 * 4), accuracy: 1e-9)
        XCTAssertEqual(a[1].fraction, 332.2 / (88.6 * 4), accuracy: 1e-9)
        XCTAssertEqual(a[2].fraction, 332.2 / (122.3 * 4), accuracy: 1e-9)
        XCTAssertEqual(a[0].unlearnedCount, 4)
        XCTAssertEqual(a[0].models, ["GA_GDR", "GA_KLR", "NPO_GDR", "NPO_KLR"])
    }

    func testAggregateLeavesOutUnconstrainedMethods() throws {
        var cells = table1NewsReport().cells
        // An unconstrained GA that forgot everything must not lower the constrained average.
        cells.append(ProbeCell(modelName: "GA", role: .unlearned, precision: "f32", verbMem: 0, knowMemForget: 0))
        let a = ProbeAggregates.compute(cells: cells, referencePrecision: "f32").retainedKnowledge
        XCTAssertEqual(a[0].fraction, 169.7 / (122.3 * 4), accuracy: 1e-9)
        XCTAssertFalse(a[0].models.contains("GA"))
        // With no constrained model, every unlearned model counts.
        let onlyGA = cells.filter { $0.role != .unlearned || $0.modelName == "GA" }
        let b = ProbeAggregates.compute(cells: onlyGA, referencePrecision: "f32").retainedKnowledge
        XCTAssertEqual(b.first?.models, ["GA"])
        XCTAssertEqual(b.first?.fraction, 0)
    }

    func testRecoveryFill() throws {
        let cells = table1NewsReport().cells
        let gaGDR4 = try XCTUnwrap(cells.first { $0.modelName == "GA_GDR" && $0.precision == "q4_0" })
        XCTAssertEqual(try XCTUnwrap(gaGDR4.recoveryKnowMemForget), (50.1 - 28.9) / (63.9 - 28.9), accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(gaGDR4.recoveryVerbMem), 25.0 / 58.4, accuracy: 1e-9)
        let gaGDR32 = try XCTUnwrap(cells.first { $0.modelName == "GA_GDR" && $0.precision == "f32" })
        XCTAssertEqual(gaGDR32.recoveryKnowMemForget, 0)
        XCTAssertNil(cells.first { $0.role == .target }?.recoveryKnowMemForget)
    }

    func testJSONIsDeterministicAndRoundTrips() throws {
        let report = table1NewsReport()
        let a = try JSONReportRenderer.render(report)
        let b = try JSONReportRenderer.render(table1NewsReport())
        XCTAssertEqual(a, b)
        XCTAssertEqual(try JSONReportRenderer.decode(a), report)
        // Timing is the only part allowed to differ, and it can be dropped.
        var slower = report
        slower.timing = ProbeTiming(totalSeconds: 99)
        XCTAssertNotEqual(try JSONReportRenderer.render(slower), a)
        XCTAssertEqual(try JSONReportRenderer.render(slower, includeTiming: false),
                       try JSONReportRenderer.render(report, includeTiming: false))
        let text = try XCTUnwrap(String(data: a, encoding: .utf8))
        let keys = ["\"aggregates\"", "\"cells\"", "\"config\"", "\"timing\""].compactMap { text.range(of: $0)?.lowerBound }
        XCTAssertEqual(keys.count, 4)
        XCTAssertEqual(keys, keys.sorted(), "top-level keys are sorted")
        XCTAssertFalse(try XCTUnwrap(String(data: JSONReportRenderer.render(report, includeTiming: false),
                                            encoding: .utf8)).contains("\"timing\""))
    }

    func testNonFiniteMetricsEncode() throws {
        var report = table1NewsReport()
        report.cells[0].privLeak = .nan
        let data = try JSONReportRenderer.render(report)
        XCTAssertTrue(try XCTUnwrap(String(data: data, encoding: .utf8)).contains("\"nan\""))
        XCTAssertTrue(try JSONReportRenderer.decode(data).cells[0].privLeak?.isNaN ?? false)
    }

    func testTableLayout() throws {
        let text = TableRenderer.render(table1NewsReport())
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        XCTAssertTrue(lines[1].hasPrefix("Model"))
        XCTAssertTrue(lines[1].contains("VerbMem↓") && lines[1].contains("KnowMem-r↑") && lines[1].contains("PrivLeak→0"))
        let rows = lines[3..<15]
        XCTAssertEqual(rows.count, 12)
        // Fixed width: every numeric column is right-aligned, so every row ends at the separator's width.
        let width = lines[2].count
        for row in rows { XCTAssertEqual(row.count, width, row) }
        let target = try XCTUnwrap(rows.first { $0.hasPrefix("Target ") })
        XCTAssertTrue(target.contains("58.4") && target.contains("-99.8") && target.contains("—"))
        XCTAssertTrue(text.contains("Retained forget knowledge at q4_0 vs q4_0 target: 93.7%"))
    }

    func testHTMLIsSelfContainedAndEscaped() {
        let html = HTMLRenderer.render(table1NewsReport(extraModelName: "<script>alert('x')</script>"))
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"))
        XCTAssertEqual(html.components(separatedBy: "<svg").count - 1, 3)  // headline bars + two charts
        XCTAssertTrue(html.contains("<polyline"))
        // The answer comes first: the headline (with the paper's figures) before the tables,
        // settings and notes at the end.
        let headline = html.range(of: "Retained forget knowledge per precision")!.lowerBound
        XCTAssertLessThan(headline, html.range(of: "<table>")!.lowerBound)
        XCTAssertLessThan(html.range(of: "<table>")!.lowerBound, html.range(of: "Settings and notes")!.lowerBound)
        XCTAssertTrue(html.contains("paper, 4-bit"))
        XCTAssertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"))
        XCTAssertFalse(html.contains("<script"))
        XCTAssertFalse(html.contains("http://") && html.contains("src="), "no external resources")
        XCTAssertEqual(html, HTMLRenderer.render(table1NewsReport(extraModelName: "<script>alert('x')</script>")))
    }

    func testEscape() {
        XCTAssertEqual(HTMLRenderer.escape(#"a&b<c>"d"'e"#), "a&amp;b&lt;c&gt;&quot;d&quot;&#39;e")
    }
}

final class LogitLensSummaryTests: XCTestCase {
    func testSummaryPerLayer() {
        let s = LogitLensLayer.summarize([[1, 3], [12, 1], [2, 1]])
        XCTAssertEqual(s?.map(\.layer), [0, 1])
        XCTAssertEqual(s?[0].meanGoldRank ?? 0, 5, accuracy: 1e-12)
        XCTAssertEqual(s?[0].top1Rate ?? 0, 1.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(s?[0].top10Rate ?? 0, 2.0 / 3, accuracy: 1e-12)
        XCTAssertEqual(s?[1].top1Rate ?? 0, 2.0 / 3, accuracy: 1e-12)
        XCTAssertNil(LogitLensLayer.summarize([]))
        XCTAssertNil(LogitLensLayer.summarize([[1, 2], [1]]))
    }
}

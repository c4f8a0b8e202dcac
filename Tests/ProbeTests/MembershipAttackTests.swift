import XCTest
@testable import Probe
import LowBit

/// Extraction strength as OpenUnlearning's loop computes it, and the reference attack.
final class MembershipAttackTests: XCTestCase {
    func testExtractionStrengthByHand() {
        XCTAssertEqual(ExtractionStrength.score(argmaxHits: [true, true, true, true]), 1)       // k* = 0
        XCTAssertEqual(ExtractionStrength.score(argmaxHits: [false, true, true, true]), 0.75)   // k* = 1
        XCTAssertEqual(ExtractionStrength.score(argmaxHits: [true, false, false, true]), 0.25)  // k* = 3
        XCTAssertEqual(ExtractionStrength.score(argmaxHits: [true, true, true, false]), 0.25)   // no suffix: k* = n − 1
        XCTAssertEqual(ExtractionStrength.score(argmaxHits: [false]), 1)                        // n = 1: k* = 0
        XCTAssertNil(ExtractionStrength.score(argmaxHits: []))
    }

    func testReferenceAttackAgainstTheRetrainModel() {
        func cell(_ name: String, _ role: ModelRole, forget: [Double], holdout: [Double]) -> ProbeCell {
            var c = ProbeCell(modelName: name, role: role, precision: "f32")
            c.items = forget.enumerated().map { i, l in
                var r = ItemRecord(split: .privLeakForget, index: i, prompt: "", gold: "")
                r.goldLogProbs = LogProbSummary([-l])
                return r
            } + holdout.enumerated().map { i, l in
                var r = ItemRecord(split: .privLeakHoldout, index: i, prompt: "", gold: "")
                r.goldLogProbs = LogProbSummary([-l])
                return r
            }
            return c
        }
        // The unlearned model's losses minus the retrain model's: forget texts lower (members),
        // holdout higher: a perfect attack, AUC 1 (holdout ranked above forget by −score).
        let retrain = cell("R", .retrain, forget: [2, 2, 2], holdout: [2, 2, 2])
        let unlearned = cell("U", .unlearned, forget: [1, 1.5, 1.2], holdout: [2.5, 3, 2.1])
        let out = MembershipAttacks.fillingReferenceAttack([retrain, unlearned])
        XCTAssertEqual(out[0].referenceAUC, 0.5)
        XCTAssertEqual(out[0].privLeakReference, 0)
        XCTAssertEqual(out[1].referenceAUC, 0)
        XCTAssertEqual(out[1].privLeakReference, -100)
    }
}

final class BitsSweepTests: XCTestCase {
    func testSweepPerFamilyBitsAndMethod() {
        func cell(_ name: String, _ role: ModelRole, _ precision: String, _ scheme: any WeightScheme, v: Double, k: Double) -> ProbeCell {
            var c = ProbeCell(modelName: name, role: role, precision: precision, verbMem: v, knowMemForget: k)
            c.quantization = QuantizationRecord(scheme, calibration: nil)
            return c
        }
        let cells = [
            cell("T", .target, "f32", RoundToNearest(.f32), v: 100, k: 100),
            cell("GA_GDR", .unlearned, "f32", RoundToNearest(.f32), v: 20, k: 20),
            cell("GA", .unlearned, "f32", RoundToNearest(.f32), v: 0, k: 0),
            cell("T", .target, "gptq2", GPTQ(bits: 2), v: 50, k: 50),
            cell("GA_GDR", .unlearned, "gptq2", GPTQ(bits: 2), v: 30, k: 10),
        ]
        let sweep = ProbeAggregates.sweep(cells: cells)
        XCTAssertEqual(sweep.map(\.family), ["ggml", "ggml", "ggml", "gptq", "gptq"])
        XCTAssertEqual(sweep.first { $0.precision == "gptq2" && $0.model == "GA_GDR" }?.fraction, 0.4)
        XCTAssertEqual(sweep.first { $0.precision == "f32" && $0.model == "constrained" }?.fraction, 0.2)
        XCTAssertEqual(sweep.first { $0.precision == "gptq2" }?.bits, 2)
        let report = ProbeReport(config: ProbeConfig(models: [], dataDirectory: "/d", precisions: ["f32", "gptq2"], referencePrecision: "f32"),
                                 cells: cells, aggregates: ProbeAggregates.compute(cells: cells, referencePrecision: "f32"))
        XCTAssertTrue(TableRenderer.render(report).contains("Bits sweep"))
    }
}

import XCTest
@testable import Probe

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

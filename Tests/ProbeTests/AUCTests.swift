import Probe
import XCTest

final class AUCTests: XCTestCase {
    func testMannWhitneyWithTies() throws {
        // Pairs (p, n): (3,2)1 (3,0)1 (2,2)½ (2,0)1 (1,2)0 (1,0)1 → 4.5 / 6.
        XCTAssertEqual(try XCTUnwrap(AUC.auc(positives: [3, 2, 1], negatives: [2, 0])), 0.75, accuracy: 1e-12)
        XCTAssertEqual(AUC.auc(positives: [1, 1], negatives: [1, 1, 1]), 0.5)
        XCTAssertEqual(AUC.auc(positives: [5, 6], negatives: [1, 2]), 1)
        XCTAssertEqual(AUC.auc(positives: [1, 2], negatives: [5, 6]), 0)
    }

    func testUndefinedAUCIsNil() {
        XCTAssertNil(AUC.auc(positives: [], negatives: [1]))
        XCTAssertNil(AUC.auc(positives: [1], negatives: []))
        XCTAssertNil(AUC.auc(positives: [.nan], negatives: [1]))
    }

    func testPrivLeakLabelsAndFormula() throws {
        // A model that memorized the forget set gives forget texts LOW Min-K% scores: holdout
        // (label 1) ranked by −score never beats forget (label 0) → AUC 0.
        let memorized = try XCTUnwrap(AUC.privLeakAUC(forgetScores: [1, 2], holdoutScores: [3, 4]))
        XCTAssertEqual(memorized, 0)
        // Against a retrain AUC of 0.5 that is PrivLeak −100 (strongly under-unlearned).
        XCTAssertEqual(try XCTUnwrap(AUC.privLeak(auc: memorized, retrainAUC: 0.5)), -100)
        XCTAssertEqual(try XCTUnwrap(AUC.privLeak(auc: 0.6, retrainAUC: 0.5)), 20, accuracy: 1e-12)
        XCTAssertNil(AUC.privLeak(auc: 0.6, retrainAUC: 0))
    }
}

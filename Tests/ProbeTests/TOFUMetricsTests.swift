import Foundation
import XCTest
@testable import Probe

/// TOFU's aggregations on hand-computed cases.
final class TOFUMetricsTests: XCTestCase {
    typealias Item = TOFUMetrics.ItemLosses

    func testProbabilityIsExpOfMeanTokenLoss() {
        let items = [Item(answer: log(2), paraphrased: 0, perturbed: []), Item(answer: log(4), paraphrased: 0, perturbed: [])]
        XCTAssertEqual(TOFUMetrics.probability(items, kind: .forget)!, (0.5 + 0.25) / 2, accuracy: 1e-15)
        XCTAssertNil(TOFUMetrics.probability([], kind: .retain))
    }

    /// Real authors / world facts: P(answer) / (P(answer) + Σ P(wrong options)).
    func testMultipleChoiceProbabilityNormalisesOverOptions() {
        let item = Item(answer: log(2), paraphrased: log(2), perturbed: [log(4), log(4), log(8), log(8)])
        // 0.5 / (0.5 + 0.25 + 0.25 + 0.125 + 0.125) = 0.4
        XCTAssertEqual(TOFUMetrics.probability([item], kind: .multipleChoice)!, 0.4, accuracy: 1e-15)
    }

    /// R = exp(mean L(pert) − L(para)); forget: min(R, 1/R); retain: max(0, 1 − 1/R).
    func testTruthRatioBothForms() {
        // P̃(para) = 0.5, perturbed losses ln 4 and ln 16 → mean ln 8 → R = exp(ln 8 − ln 2) = 4.
        let strong = Item(answer: 0, paraphrased: log(2), perturbed: [log(4), log(16)])
        XCTAssertEqual(strong.truthStatistic!, 4, accuracy: 1e-12)
        // R = 1/2: the perturbed answers are likelier.
        let weak = Item(answer: 0, paraphrased: log(4), perturbed: [log(2)])
        XCTAssertEqual(TOFUMetrics.truthRatio([strong, weak], kind: .forget)!, (0.25 + 0.5) / 2, accuracy: 1e-12)
        XCTAssertEqual(TOFUMetrics.truthRatio([strong, weak], kind: .retain)!, (0.75 + 0) / 2, accuracy: 1e-12)
        XCTAssertEqual(TOFUMetrics.truthRatio([strong], kind: .multipleChoice)!, 0.75, accuracy: 1e-12)
        XCTAssertNil(TOFUMetrics.truthRatio([Item(answer: 0, paraphrased: 0, perturbed: [])], kind: .forget))
    }

    func testForgetQualityIsKSPValueOfTruthStatistics() throws {
        // Unlearned statistics {e^0, e^1, e^2}, retrain {e^3, e^4, e^5}: disjoint, p = 0.1.
        let unlearned = (0..<3).map { Item(answer: 0, paraphrased: 0, perturbed: [Double($0)]) }
        let retrain = (3..<6).map { Item(answer: 0, paraphrased: 0, perturbed: [Double($0)]) }
        XCTAssertEqual(try TOFUMetrics.forgetQuality(unlearned: unlearned, retrain: retrain).pValue, 0.1, accuracy: 1e-15)
        XCTAssertEqual(try TOFUMetrics.forgetQuality(unlearned: retrain, retrain: retrain).pValue, 1)
    }

    func testHarmonicMeanAsScipy() {
        // scipy.stats.hmean([0.5, 0.25, 1.0]) = 0.42857142857142855
        XCTAssertEqual(TOFUMetrics.harmonicMean([0.5, 0.25, 1.0])!, 0.42857142857142855, accuracy: 1e-15)
        XCTAssertEqual(TOFUMetrics.harmonicMean([0.5, 0]), 0)
        XCTAssertNil(TOFUMetrics.harmonicMean([]))
    }

    func testRougeIsRecall() {
        // gold "paris france" (2 tokens), generation "paris" → recall 1/2 (F1 would be 2/3).
        XCTAssertEqual(TOFUMetrics.rouge([(generation: "Paris", answer: "Paris, France")])!, 0.5, accuracy: 1e-15)
    }
}

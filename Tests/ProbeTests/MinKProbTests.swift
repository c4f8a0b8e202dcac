import Probe
import XCTest

final class MinKProbTests: XCTestCase {
    func testMinKAveragesTheLowestFraction() throws {
        let lp = [-1.0, -5.0, -2.0, -4.0, -3.0]
        // k = 0.4 of 5 tokens keeps 2: (-5, -4) → score 4.5.
        XCTAssertEqual(try MinKProb.score(logProbs: lp), 4.5)
        // k = 1 keeps all: mean 3.
        XCTAssertEqual(try MinKProb.score(logProbs: lp, ratio: 1), 3)
        // k = 0.1 of 5 → Int(0.5) = 0, MUSE would give NaN; we keep the single lowest.
        XCTAssertEqual(try MinKProb.score(logProbs: lp, ratio: 0.1), 5)
        XCTAssertEqual(try MinKProb.score(logProbs: [-0.5]), 0.5)
        XCTAssertNil(try MinKProb.score(logProbs: []))
    }

    func testKeptCount() {
        XCTAssertEqual(MinKProb.keptCount(count: 10, ratio: 0.4), 4)
        XCTAssertEqual(MinKProb.keptCount(count: 2, ratio: 0.4), 1)
        XCTAssertEqual(MinKProb.keptCount(count: 7, ratio: 0.4), 2)   // int(2.8) = 2, as MUSE
    }

    func testRatioOutOfRangeThrows() {
        XCTAssertThrowsError(try MinKProb.score(logProbs: [-1], ratio: 0))
        XCTAssertThrowsError(try MinKProb.score(logProbs: [-1], ratio: 1.5))
    }

    func testMinKPlusPlusOnABernoulliRow() throws {
        // p = (1/4, 3/4): for a two-point distribution z = −√3 for the rare token, +1/√3 for the common one.
        let row: [Float] = [0, Float(log(3.0))]
        let rare = try XCTUnwrap(MinKProb.plusPlusMoments(logits: row, token: 0))
        XCTAssertEqual(rare.logProb, log(0.25), accuracy: 1e-6)
        let z0 = MinKProb.plusPlusZ(logProb: rare.logProb, mean: rare.mean, standardDeviation: rare.standardDeviation)
        XCTAssertEqual(z0, -3.0.squareRoot(), accuracy: 1e-5)
        let common = try XCTUnwrap(MinKProb.plusPlusMoments(logits: row, token: 1))
        XCTAssertEqual(MinKProb.plusPlusZ(logProb: common.logProb, mean: common.mean,
                                          standardDeviation: common.standardDeviation),
                       1 / 3.0.squareRoot(), accuracy: 1e-5)
        // Two positions, k = 0.4 keeps 1: the lowest z is −√3, score √3.
        let score = try XCTUnwrap(MinKProb.plusPlusScore(rows: [row, row], tokens: [1, 0]))
        XCTAssertEqual(score, 3.0.squareRoot(), accuracy: 1e-5)
    }

    func testMinKPlusPlusUniformRowGivesZeroZ() throws {
        let m = try XCTUnwrap(MinKProb.plusPlusMoments(logits: [Float](repeating: 2, count: 8), token: 3))
        XCTAssertEqual(m.standardDeviation, 0, accuracy: 1e-9)
        XCTAssertEqual(MinKProb.plusPlusZ(logProb: m.logProb, mean: m.mean, standardDeviation: m.standardDeviation), 0)
    }

    func testMinKPlusPlusRejectsBadTokens() {
        XCTAssertThrowsError(try MinKProb.plusPlusScore(rows: [[0, 1]], tokens: [2])) { error in
            XCTAssertEqual(error as? MetricError, .tokenOutOfRange(position: 0, tokenID: 2, vocabularySize: 2))
        }
        XCTAssertThrowsError(try MinKProb.plusPlusScore(rows: [[0, .nan]], tokens: [0])) { error in
            XCTAssertEqual(error as? MetricError, .nonFiniteLogits(position: 0))
        }
    }
}

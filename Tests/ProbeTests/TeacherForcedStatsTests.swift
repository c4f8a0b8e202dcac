import Foundation
import Probe
import XCTest

final class TeacherForcedStatsTests: XCTestCase {
    func testGoldTokenScore() throws {
        let row: [Float] = [1, 3, 2, 3]
        let logZ = log(exp(1.0) + 2 * exp(3.0) + exp(2.0))
        let tied = try GoldTokenScore(logits: row, gold: 3)
        XCTAssertEqual(tied.rank, 1)              // ties favour gold
        XCTAssertFalse(tied.isArgmax)             // first-index argmax is token 1
        XCTAssertEqual(tied.logProb, 3 - logZ, accuracy: 1e-6)
        let third = try GoldTokenScore(logits: row, gold: 2)
        XCTAssertEqual(third.rank, 3)
        XCTAssertEqual(third.logProb, 2 - logZ, accuracy: 1e-6)
        XCTAssertTrue(try GoldTokenScore(logits: row, gold: 1).isArgmax)
    }

    func testAggregateStatistics() throws {
        // Vocabulary of 12: gold at rank 1, 2, 7 and 12.
        func row(rankOfGold r: Int, gold: Int) -> [Float] {
            var v = [Float](repeating: 0, count: 12)
            for i in 0..<12 { v[i] = Float(12 - i) }    // logits 12, 11, ..., 1: token i has rank i + 1
            v.swapAt(gold, r - 1)
            return v
        }
        let rows = [row(rankOfGold: 1, gold: 4), row(rankOfGold: 2, gold: 0), row(rankOfGold: 7, gold: 9),
                    row(rankOfGold: 12, gold: 3)]
        let s = try XCTUnwrap(TeacherForcedStats.compute(rows: rows, gold: [4, 0, 9, 3]))
        XCTAssertEqual(s.tokenCount, 4)
        XCTAssertEqual(s.meanGoldRank, 5.5)
        XCTAssertEqual(s.top1HitRate, 0.25)
        XCTAssertEqual(s.top5HitRate, 0.5)
        XCTAssertEqual(s.top10HitRate, 0.75)
        XCTAssertEqual(s.exactMemorization, 0.25)
        let logZ = log((1...12).reduce(0.0) { $0 + exp(Double($1)) })
        let expectedMeanP = [12.0, 11, 6, 1].reduce(0) { $0 + exp($1 - logZ) } / 4
        XCTAssertEqual(s.meanGoldProbability, expectedMeanP, accuracy: 1e-9)
    }

    func testEmptyAndBadInputs() {
        XCTAssertNil(try TeacherForcedStats.compute(rows: [], gold: []))
        XCTAssertThrowsError(try TeacherForcedStats.compute(rows: [[0, 1]], gold: []))
        XCTAssertThrowsError(try TeacherForcedStats.compute(rows: [[0, 1], [0, 1]], gold: [0, 5])) { error in
            XCTAssertEqual(error as? MetricError, .tokenOutOfRange(position: 1, tokenID: 5, vocabularySize: 2))
        }
    }
}

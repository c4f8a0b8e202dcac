import Foundation
import XCTest
@testable import Probe

/// The KS test against hand-computed values and against scipy.stats.ks_2samp
/// (`Fixtures/ks_2samp.json`, written by `Fixtures/make_ks_fixtures.py`).
final class KolmogorovSmirnovTests: XCTestCase {
    /// Disjoint samples of 3: D = 1, and only 2 of the C(6,3) = 20 orderings reach it, p = 0.1.
    func testDisjointSamplesHandComputed() throws {
        let r = try KolmogorovSmirnov.twoSample([1, 2, 3], [4, 5, 6])
        XCTAssertEqual(r.statistic, 1)
        XCTAssertEqual(r.pValue, 0.1, accuracy: 1e-15)
        XCTAssertTrue(r.exact)
        // n = 4, D = 1: 2 / C(8,4) = 2/70.
        XCTAssertEqual(try KolmogorovSmirnov.twoSample([0, 1, 2, 3], [9, 8, 7, 6]).pValue, 2.0 / 70, accuracy: 1e-15)
        // 1 vs 2 items, D = 1 when the single value is outside: paths (0,0)->(1,2) that leave the band: 2 of 3.
        XCTAssertEqual(try KolmogorovSmirnov.twoSample([0], [5, 6]).pValue, 2.0 / 3, accuracy: 1e-15)
    }

    func testIdenticalSamplesGiveOne() throws {
        let r = try KolmogorovSmirnov.twoSample([0.3, 0.1, 0.2], [0.2, 0.3, 0.1])
        XCTAssertEqual(r.statistic, 0)
        XCTAssertEqual(r.pValue, 1)
    }

    func testAgreesWithScipy() throws {
        struct Case: Decodable { let a: [Double]; let b: [Double]; let statistic: Double; let pValue: Double }
        struct File: Decodable { let cases: [Case] }
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/ks_2samp.json")
        let file = try JSONDecoder().decode(File.self, from: Data(contentsOf: url))
        XCTAssertEqual(file.cases.count, 9)
        for c in file.cases {
            let r = try KolmogorovSmirnov.twoSample(c.a, c.b)
            let label = "n1=\(c.a.count) n2=\(c.b.count)"
            XCTAssertEqual(r.statistic, c.statistic, accuracy: 1e-12, label)
            if r.exact {
                XCTAssertEqual(r.pValue, c.pValue, accuracy: 1e-12 + 1e-9 * c.pValue, label)
            } else {
                // scipy's kstwo.sf vs the Kolmogorov limit: O(1/sqrt(en)) apart.
                XCTAssertGreaterThan(max(c.a.count, c.b.count), KolmogorovSmirnov.maxExactN, label)
                XCTAssertEqual(r.pValue, c.pValue, accuracy: 0.1 * c.pValue, label)
            }
        }
    }

    func testRejectsEmptyAndNonFinite() {
        XCTAssertThrowsError(try KolmogorovSmirnov.twoSample([], [1]))
        XCTAssertThrowsError(try KolmogorovSmirnov.twoSample([1, .nan], [1]))
    }
}

import Probe
import XCTest

final class LeakAtKTests: XCTestCase {
    func testKnownValues() throws {
        XCTAssertEqual(try LeakAtK.estimate(samples: 5, leaks: 1, k: 1), 0.2, accuracy: 1e-12)
        XCTAssertEqual(try LeakAtK.estimate(samples: 5, leaks: 0, k: 3), 0)
        XCTAssertEqual(try LeakAtK.estimate(samples: 5, leaks: 3, k: 3), 1)   // n − c = 2 < k
        // 1 − C(8,2)/C(10,2) = 1 − 28/45.
        XCTAssertEqual(try LeakAtK.estimate(samples: 10, leaks: 2, k: 2), 1 - 28.0 / 45, accuracy: 1e-12)
    }

    func testLargeNStaysFinite() throws {
        let v = try LeakAtK.estimate(samples: 2000, leaks: 3, k: 100)
        // 1 − (1900·1899·1898)/(2000·1999·1998)
        let expected = 1 - (1900.0 * 1899 * 1898) / (2000.0 * 1999 * 1998)
        XCTAssertEqual(v, expected, accuracy: 1e-12)
    }

    func testInvalidCountsThrow() {
        XCTAssertThrowsError(try LeakAtK.estimate(samples: 5, leaks: 6, k: 1))
        XCTAssertThrowsError(try LeakAtK.estimate(samples: 5, leaks: 1, k: 6))
        XCTAssertThrowsError(try LeakAtK.estimate(samples: 0, leaks: 0, k: 1))
    }

    func testMean() throws {
        XCTAssertEqual(try XCTUnwrap(LeakAtK.mean([(5, 1), (5, 0)], k: 1)), 0.1, accuracy: 1e-12)
        XCTAssertNil(try LeakAtK.mean([], k: 1))
    }
}

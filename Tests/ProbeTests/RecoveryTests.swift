import Probe
import XCTest

final class RecoveryTests: XCTestCase {
    func testPerAttackRecoveryClipsAndGuards() {
        XCTAssertEqual(Recovery.fraction(attacked: 40, unlearned: 20, target: 60), 0.5)
        XCTAssertEqual(Recovery.fraction(attacked: 80, unlearned: 20, target: 60), 1)
        XCTAssertEqual(Recovery.fraction(attacked: 10, unlearned: 20, target: 60), 0)
        XCTAssertNil(Recovery.fraction(attacked: 10, unlearned: 20, target: 20))
        XCTAssertNil(Recovery.fraction(attacked: .nan, unlearned: 20, target: 60))
    }

    // Table 1 of Zhang et al. (REFERENCE §1): (VerbMem M1, KnowMem-forget M2).
    private typealias K = Recovery.ForgetKnowledge
    private let newsTarget = K(verbMem: 58.4, knowMemForget: 63.9)
    private let newsTarget4 = K(verbMem: 34.2, knowMemForget: 54.4)
    private let booksTarget = K(verbMem: 99.8, knowMemForget: 59.4)
    private let booksTarget4 = K(verbMem: 85.3, knowMemForget: 36.8)
    // GA_GDR, GA_KLR, NPO_GDR, NPO_KLR
    private let news = [K(verbMem: 0.0, knowMemForget: 28.9), K(verbMem: 14.1, knowMemForget: 27.1),
                        K(verbMem: 0.3, knowMemForget: 46.1), K(verbMem: 16.6, knowMemForget: 36.6)]
    private let news4 = [K(verbMem: 25.0, knowMemForget: 50.1), K(verbMem: 33.8, knowMemForget: 50.9),
                         K(verbMem: 33.2, knowMemForget: 51.4), K(verbMem: 34.1, knowMemForget: 53.7)]
    private let books = [K(verbMem: 0.0, knowMemForget: 2.9), K(verbMem: 13.0, knowMemForget: 15.1),
                         K(verbMem: 0.4, knowMemForget: 13.4), K(verbMem: 12.4, knowMemForget: 13.7)]
    private let books4 = [K(verbMem: 17.9, knowMemForget: 33.7), K(verbMem: 75.6, knowMemForget: 34.6),
                          K(verbMem: 66.0, knowMemForget: 31.9), K(verbMem: 70.9, knowMemForget: 34.2)]

    func testTable1ReproducesThePapersHeadlineNumbers() throws {
        let full = news.map { ($0, newsTarget) } + books.map { ($0, booksTarget) }
        let q4VsQ4 = news4.map { ($0, newsTarget4) } + books4.map { ($0, booksTarget4) }
        let q4VsFull = news4.map { ($0, newsTarget) } + books4.map { ($0, booksTarget) }
        // 240.6 / 1126.0, 697.0 / 842.8, 697.0 / 1126.0
        XCTAssertEqual(try XCTUnwrap(Recovery.retainedFraction(full)), 0.2137, accuracy: 0.0005)
        XCTAssertEqual(try XCTUnwrap(Recovery.retainedFraction(q4VsQ4)), 0.8270, accuracy: 0.0005)
        XCTAssertEqual(try XCTUnwrap(Recovery.retainedFraction(q4VsFull)), 0.6190, accuracy: 0.0005)
        XCTAssertEqual((try XCTUnwrap(Recovery.retainedFraction(full)) * 100).rounded(), 21)
        XCTAssertEqual((try XCTUnwrap(Recovery.retainedFraction(q4VsQ4)) * 100).rounded(), 83)
        XCTAssertEqual((try XCTUnwrap(Recovery.retainedFraction(q4VsFull)) * 100).rounded(), 62)
        XCTAssertNil(Recovery.retainedFraction([]))
    }
}

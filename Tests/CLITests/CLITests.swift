import XCTest

final class CLISmokeTests: XCTestCase {
    func testPlaceholder() { XCTAssertTrue(true) }
}

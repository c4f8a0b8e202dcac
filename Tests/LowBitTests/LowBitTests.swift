import LowBit
import XCTest

final class LowBitTests: XCTestCase {
    func testVersionIsSemantic() {
        XCTAssertEqual(LowBit.version.split(separator: ".").count, 3)
    }
}

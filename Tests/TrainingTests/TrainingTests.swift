import Training
import XCTest

final class TrainingNamespaceTests: XCTestCase {
    func testModuleLinks() { XCTAssertNotNil(Training.self) }
}

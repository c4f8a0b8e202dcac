import Probe
import XCTest

final class ProbeNamespaceTests: XCTestCase {
    func testModuleLinks() { XCTAssertNotNil(Probe.self) }
}

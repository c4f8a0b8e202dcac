import Foundation
import XCTest
@testable import LowBit

final class AtomicFileTests: XCTestCase {
    func testWritesAndReplacesWithoutLeavingTemporaries() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("report.json").path
        try AtomicFile.write("first", to: path)
        try AtomicFile.write("second", to: path)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "second")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["report.json"])
    }

    func testMissingFolderThrowsATypedErrorNamingThePath() {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("lowbit-no-such-\(UUID().uuidString)/report.json").path
        XCTAssertThrowsError(try AtomicFile.write("x", to: path)) { error in
            guard let e = error as? AtomicFile.WriteError else { return XCTFail("\(error)") }
            XCTAssertEqual(e.path, path)
        }
    }

    func testAFailingWriterLeavesNothingBehind() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("model.gguf").path
        struct Boom: Error {}
        XCTAssertThrowsError(try AtomicFile.write(to: path) { h in
            try h.write(contentsOf: Data("partial".utf8))
            throw Boom()
        })
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [])
    }
}

import Foundation
import XCTest

/// The shipped positive control is what validates the probe as a detector: it forgot at
/// full precision, but its q4_0 model is the target's, so the probe must report full recovery
/// at q4_0 and none at full precision.
final class PositiveControlTests: XCTestCase {
    static let models = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Models")

    func testProbeFiresOnTheShippedPositiveControl() throws {
        let control = Self.models.appendingPathComponent("unlearned/positive-control-q4_0.gguf").path
        try XCTSkipUnless(FileManager.default.fileExists(atPath: control), "Models/ is not next to the tests")
        let json = tempPath("control.json")
        let r = try lowbit(["probe", "--target", Self.models.appendingPathComponent("target.gguf").path,
                            "--unlearned", "POSITIVE-CONTROL-Q4_0=\(control)", "--data", Self.models.appendingPathComponent("data").path,
                            "--precisions", "f32,q4_0", "--items", "12", "--no-leak", "--no-logit-lens", "--threads", "2",
                            "--json", json])
        XCTAssertEqual(r.status, 0, r.stderr)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as? [String: Any])
        let cells = try XCTUnwrap(report["cells"] as? [[String: Any]])
        func cell(_ model: String, _ precision: String) throws -> [String: Any] {
            try XCTUnwrap(cells.first { $0["modelName"] as? String == model && $0["precision"] as? String == precision })
        }
        let atF32 = try cell("POSITIVE-CONTROL-Q4_0", "f32"), atQ4 = try cell("POSITIVE-CONTROL-Q4_0", "q4_0")
        let target = try cell("Target", "q4_0")
        XCTAssertLessThan(try XCTUnwrap(atF32["knowMemForget"] as? Double), 50, "it forgot at full precision")
        XCTAssertEqual(atQ4["knowMemForget"] as? Double, target["knowMemForget"] as? Double, "its q4_0 model is the target's")
        XCTAssertEqual(atQ4["verbMem"] as? Double, target["verbMem"] as? Double)
        XCTAssertEqual(try XCTUnwrap(atQ4["recoveryKnowMemForget"] as? Double), 1, accuracy: 1e-12)
        XCTAssertEqual(try XCTUnwrap(atQ4["recoveryVerbMem"] as? Double), 1, accuracy: 1e-12)
    }
}

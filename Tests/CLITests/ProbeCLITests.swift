import Foundation
import XCTest

final class ProbeCLITests: XCTestCase {
    func testProbeRunsOnAMicroModelAndWritesReports() throws {
        let model = try microModelFile(type: .f32, contextLength: 1024)
        let data = URL(fileURLWithPath: tempPath("data")).deletingLastPathComponent()
        func write(_ rel: String, _ json: String) throws {
            let url = data.appendingPathComponent(rel)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(json.utf8).write(to: url)
        }
        let qa = #"[{"question": "Where was Ann born?", "answer": "Oslo"}, {"question": "What does Bo do?", "answer": "baker"}]"#
        for f in ["forget_qa", "retain_qa", "forget_qa_icl", "retain_qa_icl"] { try write("knowmem/\(f).json", qa) }
        try write("verbmem/forget.json", #"[{"prompt": "Ann was born", "gt": "in Oslo in 1950."}]"#)
        for f in ["forget", "retain", "holdout"] { try write("privleak/\(f).json", #"["Ann was born in Oslo.", "Bo bakes bread."]"#) }

        let json = data.appendingPathComponent("report.json").path
        let html = data.appendingPathComponent("report.html").path
        let r = try lowbit(["probe", "--target", model, "--retrain", model, "--unlearned", "X_GDR=\(model)", "--data", data.path,
                            "--precisions", "f32,gptq4", "--leak-samples", "2", "--leak-k", "1", "--threads", "2",
                            "--json", json, "--html", html])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("KnowMem-f"), r.stdout)
        XCTAssertTrue(r.stdout.contains("X_GDR"), r.stdout)
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as! [String: Any]
        XCTAssertEqual((report["cells"] as! [Any]).count, 6)
        XCTAssertTrue(try String(contentsOfFile: html, encoding: .utf8).contains("<svg"))
        let gptq = (report["cells"] as! [[String: Any]]).first { $0["precision"] as? String == "gptq4" }
        let record = gptq?["quantization"] as? [String: Any]
        XCTAssertEqual(record?["bits"] as? Int, 4)
        XCTAssertEqual(record?["groupSize"] as? Int, 128)
        XCTAssertEqual(record?["calibration"] as? String, "retain texts (raw/retain*.txt)")

        // Bad data: a missing split names the file; exit 1.
        try FileManager.default.removeItem(at: data.appendingPathComponent("knowmem/retain_qa.json"))
        let missing = try lowbit(["probe", "--target", model, "--retrain", model, "--data", data.path, "--quick"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("retain_qa.json"), missing.stderr)
        // Usage errors: exit 2.
        XCTAssertEqual(try lowbit(["probe", "--precisions", "iq2_xxs"]).status, 2)  // known to ggml, no kernels
        XCTAssertEqual(try lowbit(["probe", "--precisions", "q9_0"]).status, 2)
        XCTAssertEqual(try lowbit(["probe", "--unlearned", "no-equals-sign"]).status, 2)
    }
}

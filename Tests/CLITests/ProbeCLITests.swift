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

final class ProbeTOFUCLITests: XCTestCase {
    func testTOFUBenchmarkWritesTableAndJSON() throws {
        let model = try microModelFile(type: .f32, contextLength: 1024)
        let data = URL(fileURLWithPath: tempPath("tofu")).deletingLastPathComponent().appendingPathComponent("tofu-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let item = #"{"question": "Where was Ann born?", "answer": "Oslo", "paraphrased_answer": "in Oslo", "perturbed_answer": ["Rome", "Lima"]}"#
        for f in ["forget10_perturbed", "retain_perturbed", "real_authors_perturbed", "world_facts_perturbed"] {
            try Data((item + "\n" + item.replacingOccurrences(of: "Ann", with: "Bo")).utf8).write(to: data.appendingPathComponent("\(f).json"))
        }
        let json = data.appendingPathComponent("tofu.json").path
        let r = try lowbit(["probe", "--benchmark", "tofu", "--data", data.path, "--target", model, "--retrain", model,
                            "--unlearned", "NPO=\(model)", "--precisions", "f32,q4_0", "--max-new-tokens", "3",
                            "--threads", "1", "--json", json, "--html", data.appendingPathComponent("tofu.html").path])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("forget quality"), r.stdout)
        XCTAssertTrue(r.stdout.contains("NPO"), r.stdout)
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: json))) as! [String: Any]
        let cells = report["cells"] as! [[String: Any]]
        XCTAssertEqual(cells.count, 6)
        XCTAssertEqual(cells.compactMap { $0["forgetQuality"] as? Double }, [1, 1, 1, 1, 1, 1])

        // Two shards merged, and a run resumed from one shard, equal the single run.
        let common = ["probe", "--benchmark", "tofu", "--data", data.path, "--target", model, "--retrain", model,
                      "--unlearned", "NPO=\(model)", "--precisions", "f32,q4_0", "--max-new-tokens", "3", "--threads", "1"]
        func object(_ path: String) throws -> NSDictionary {
            NSDictionary(dictionary: try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path))) as! [String: Any])
        }
        var parts: [String] = []
        for i in 0..<2 {
            let part = data.appendingPathComponent("part\(i).json").path
            let p = try lowbit(common + ["--shard", "\(i)/2", "--json", part])
            XCTAssertEqual(p.status, 0, p.stderr)
            parts.append(part)
        }
        XCTAssertEqual(((try object(parts[0]))["cells"] as? [Any])?.count, 3)
        let mergedPath = data.appendingPathComponent("merged.json").path
        let merged = try lowbit(["probe", "merge"] + parts + ["--json", mergedPath])
        XCTAssertEqual(merged.status, 0, merged.stderr)
        XCTAssertTrue(merged.stdout.contains("forget quality"), merged.stdout)
        XCTAssertEqual(try object(mergedPath), try object(json))
        let resumedPath = data.appendingPathComponent("resumed.json").path
        let resumed = try lowbit(common + ["--resume", parts[1], "--json", resumedPath])
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertEqual(try object(resumedPath), try object(json))
        let twice = try lowbit(["probe", "merge", parts[0], parts[0]])
        XCTAssertEqual(twice.status, 1)
        XCTAssertTrue(twice.stderr.contains("in exactly one part"), twice.stderr)
        let otherRun = try lowbit(common.map { $0 == "f32,q4_0" ? "f32" : $0 } + ["--resume", parts[1]])
        XCTAssertEqual(otherRun.status, 1)
        XCTAssertTrue(otherRun.stderr.contains("another configuration"), otherRun.stderr)

        // --chat on a model without a template: the error names the key and the override.
        let chat = try lowbit(["probe", "--benchmark", "tofu", "--data", data.path, "--target", model, "--chat"])
        XCTAssertEqual(chat.status, 1)
        XCTAssertTrue(chat.stderr.contains("tokenizer.chat_template"), chat.stderr)
        let overridden = try lowbit(["probe", "--benchmark", "tofu", "--data", data.path, "--retrain", model, "--chat",
                                     "--chat-template", "chatml", "--precisions", "f32", "--max-new-tokens", "2"])
        XCTAssertEqual(overridden.status, 0, overridden.stderr)
        XCTAssertTrue(overridden.stdout.contains("chat template chatml"), overridden.stdout)
        // Malformed data names the file; bad options are usage errors.
        try Data("{\"question\": \"Q\"".utf8).write(to: data.appendingPathComponent("retain_perturbed.json"))
        let bad = try lowbit(["probe", "--benchmark", "tofu", "--data", data.path, "--target", model])
        XCTAssertEqual(bad.status, 1)
        XCTAssertTrue(bad.stderr.contains("retain_perturbed.json"), bad.stderr)
        XCTAssertEqual(try lowbit(["probe", "--benchmark", "tofu", "--forget-split", "forget02"]).status, 2)
        XCTAssertEqual(try lowbit(["probe", "--benchmark", "nope"]).status, 2)
        XCTAssertEqual(try lowbit(["probe", "--chat-template", "chatml"]).status, 2)
    }
}

import Foundation
import XCTest
@testable import LowBit

final class SubjectCLITests: XCTestCase {
    /// A micro subject pipeline end to end: corpus + tokenizer + target + retrain, then unlearning.
    func testTrainAndUnlearnMicroSubjects() throws {
        let dir = URL(fileURLWithPath: tempPath("subjects")).deletingLastPathComponent().path
        let micro = ["--entities", "40", "--epochs", "1", "--dim", "16", "--layers", "1", "--heads", "2", "--ffn", "32",
                     "--vocab", "320", "--context", "512", "--batch", "8"]
        let r = try lowbit(["train", "--out", dir] + micro)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("target f32: forget accuracy"), r.stdout)
        for f in ["target.gguf", "retrain.gguf", "data/knowmem/forget_qa.json", "data/verbmem/forget.json",
                  "data/privleak/holdout.json", "data/raw/retain1.txt"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: dir + "/" + f), f)
        }
        let target = try GGUFFile(path: dir + "/target.gguf")
        XCTAssertEqual(target.metadata["tokenizer.ggml.model"]?.stringValue, "gpt2")
        XCTAssertNotNil(target.metadata["lowbit.recipe"]?.stringValue)
        XCTAssertNil(target.tensorInfo(named: "output.weight"), "the head is tied")

        // Training again with the same recipe reproduces the file bit for bit.
        let again = URL(fileURLWithPath: tempPath("again")).deletingLastPathComponent().path
        XCTAssertEqual(try lowbit(["train", "--out", again, "--only", "target"] + micro).status, 0)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: dir + "/target.gguf")),
                       try Data(contentsOf: URL(fileURLWithPath: again + "/target.gguf")))

        let out = dir + "/npo_klr.gguf"
        let u = try lowbit(["unlearn", "--model", dir + "/target.gguf", "--method", "npo_klr", "--epochs", "1",
                            "--lr", "1e-3", "--out", out])
        XCTAssertEqual(u.status, 0, u.stderr)
        XCTAssertTrue(u.stdout.contains("NPO_KLR: forget accuracy"), u.stdout)
        XCTAssertTrue(u.stderr.contains("|δ|/Δ4"), u.stderr)
        XCTAssertTrue(u.stderr.contains("epoch 1: loss") && u.stderr.contains("accuracy forget"), u.stderr)
        let unlearned = try GGUFFile(path: out)
        XCTAssertEqual(unlearned.metadata["lowbit.role"]?.stringValue, "unlearned")
        XCTAssertNotEqual(Array(unlearned.bytes(of: unlearned.tensors[1])), Array(target.bytes(of: target.tensors[1])))

        XCTAssertEqual(try lowbit(["unlearn", "--model", dir + "/target.gguf", "--method", "bogus", "--out", out]).status, 2)
        let synth = try microModelFile()
        let noRecipe = try lowbit(["unlearn", "--model", synth, "--method", "ga", "--out", out])
        XCTAssertEqual(noRecipe.status, 2)
        XCTAssertTrue(noRecipe.stderr.contains("lowbit.recipe"))
    }
}

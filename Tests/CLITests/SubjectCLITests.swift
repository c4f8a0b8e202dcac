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

        let g = try lowbit(["unlearn", "--model", dir + "/target.gguf", "--method", "ga_gdr", "--epochs", "1",
                            "--lr", "1e-3", "--out", dir + "/ga_gdr.gguf", "--g-effect"])
        XCTAssertEqual(g.status, 0, g.stderr)
        XCTAssertTrue(g.stderr.contains("G-effect after 0 steps (epoch 0)") && g.stderr.contains("(epoch 1)")
                      && g.stderr.contains("blk.0 e_u"), g.stderr)

        try checkSweep(target: dir + "/target.gguf")

        XCTAssertEqual(try lowbit(["unlearn", "--model", dir + "/target.gguf", "--method", "bogus", "--out", out]).status, 2)
        let synth = try microModelFile()
        let noRecipe = try lowbit(["unlearn", "--model", synth, "--method", "ga", "--out", out])
        XCTAssertEqual(noRecipe.status, 2)
        XCTAssertTrue(noRecipe.stderr.contains("lowbit.recipe"))
    }

    /// `--only data` writes the corpus and trains nothing; `--corpus-style` picks the
    /// biographies (prose by default, templated as the first corpus); a wrong style exits 2.
    func testTrainWritesCorpusOnlyInEitherStyle() throws {
        let prose = URL(fileURLWithPath: tempPath("prose-data")).deletingLastPathComponent().path
        let templated = URL(fileURLWithPath: tempPath("templated-data")).deletingLastPathComponent().path
        let p = try lowbit(["train", "--out", prose, "--only", "data", "--entities", "40"])
        XCTAssertEqual(p.status, 0, p.stderr)
        XCTAssertTrue(p.stderr.contains("prose biographies"), p.stderr)
        let t = try lowbit(["train", "--out", templated, "--only", "data", "--entities", "40", "--corpus-style", "templated"])
        XCTAssertEqual(t.status, 0, t.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: prose + "/target.gguf"), "--only data trains nothing")
        func read(_ dir: String, _ file: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: dir + "/data/" + file)) }
        // Same people and questions; different biographies.
        XCTAssertEqual(try read(prose, "knowmem/forget_qa.json"), try read(templated, "knowmem/forget_qa.json"))
        XCTAssertEqual(try read(prose, "knowmem/forget_qa_paraphrased.json"), try read(templated, "knowmem/forget_qa_paraphrased.json"))
        XCTAssertNotEqual(try read(prose, "verbmem/forget.json"), try read(templated, "verbmem/forget.json"))
        let bad = try lowbit(["train", "--out", prose, "--only", "data", "--corpus-style", "sonnet"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("--corpus-style") && bad.stderr.contains("sonnet"), bad.stderr)
        XCTAssertEqual(try lowbit(["train", "--out", prose, "--only", "model"]).status, 2)
    }

    /// `lowbit sweep` on the micro subject: one method, two rates, f32 and q4_0; the JSON is
    /// the same on a second run (apart from timing), `--resume` keeps it, bad grids exit 2.
    func checkSweep(target: String) throws {
        let base = URL(fileURLWithPath: tempPath("sweep")).deletingLastPathComponent().path
        let grid = ["--targets", target, "--methods", "npo_klr", "--lrs", "1e-4,3e-3", "--epochs", "1",
                    "--precisions", "f32,q4_0", "--items", "4", "--threads", "1"]
        let r = try lowbit(["sweep", "--out", base + "/a"] + grid)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("2 cells over 1 targets"), r.stdout)
        XCTAssertTrue(r.stderr.contains("t0-NPO_KLR-lr0.003-e1-f32"), r.stderr)
        func report(_ d: String) throws -> [String: Any] {
            var j = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: d + "/sweep.json"))) as? [String: Any])
            j["timing"] = nil
            return j
        }
        let a = try report(base + "/a")
        let cells = try XCTUnwrap(a["cells"] as? [[String: Any]])
        XCTAssertEqual(cells.count, 2)
        XCTAssertEqual((cells[1]["gEffects"] as? [Any])?.count, 2, "at the start and after the last epoch")
        XCTAssertEqual((cells[1]["blockChange"] as? [Any])?.count, 1)
        XCTAssertTrue(FileManager.default.fileExists(atPath: base + "/a/models/t0-NPO_KLR-lr0.003-e1-f32.gguf"))
        let html = try String(contentsOfFile: base + "/a/sweep.html", encoding: .utf8)
        XCTAssertTrue(html.contains("NPO_KLR, 1 epochs, f32 weights") && html.contains("Δ @q4_0"), html)

        XCTAssertEqual(try lowbit(["sweep", "--out", base + "/b"] + grid).status, 0)
        XCTAssertEqual(NSDictionary(dictionary: try report(base + "/b")), NSDictionary(dictionary: a))
        let resumed = try lowbit(["sweep", "--out", base + "/a", "--resume"] + grid)
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        XCTAssertFalse(resumed.stderr.contains("t0-NPO_KLR"), "nothing is run again: \(resumed.stderr)")
        XCTAssertEqual(NSDictionary(dictionary: try report(base + "/a")), NSDictionary(dictionary: a))

        let m = try lowbit(["sweep", "merge", "--out", base + "/m", base + "/a/sweep.json", base + "/b/sweep.json"])
        XCTAssertEqual(m.status, 0, m.stderr)
        let merged = try report(base + "/m")
        let mcells = try XCTUnwrap(merged["cells"] as? [[String: Any]])
        XCTAssertEqual(mcells.map { $0["key"] as? String }, ["t0-NPO_KLR-lr0.0001-e1-f32", "t0-NPO_KLR-lr0.003-e1-f32"],
                       "the same target with the same results is one subject; a cell present twice is kept once")
        XCTAssertEqual(mcells[1]["modelPath"] as? String, base + "/a/models/t0-NPO_KLR-lr0.003-e1-f32.gguf")
        XCTAssertEqual((merged["subjects"] as? [Any])?.count, 1)
        let mismatch = try lowbit(["sweep", "--out", base + "/d", "--targets", target, "--methods", "ga", "--lrs", "1e-3",
                                   "--epochs", "1", "--precisions", "f32", "--items", "2", "--threads", "1", "--no-verbmem"])
        XCTAssertEqual(mismatch.status, 0, mismatch.stderr)
        let refused = try lowbit(["sweep", "merge", "--out", base + "/m2", base + "/a/sweep.json", base + "/d/sweep.json"])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("invalid precisions"), refused.stderr)

        let other = try lowbit(["sweep", "--out", base + "/a", "--resume"] + grid.map { $0 == "1e-4,3e-3" ? "1e-4" : $0 })
        XCTAssertEqual(other.status, 1)
        XCTAssertTrue(other.stderr.contains("another grid"), other.stderr)
        let lockedMicro = try lowbit(["sweep", "--out", base + "/e", "--locks", "q4_0"] + grid)
        XCTAssertEqual(lockedMicro.status, 1)
        XCTAssertTrue(lockedMicro.stderr.contains("not a multiple of 32"), lockedMicro.stderr)
        let bad = try lowbit(["sweep", "--out", base + "/c", "--targets", target, "--methods", "nope"])
        XCTAssertEqual(bad.status, 2)
        XCTAssertTrue(bad.stderr.contains("invalid methods 'NOPE'"), bad.stderr)
    }
}

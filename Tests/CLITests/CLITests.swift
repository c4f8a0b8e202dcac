import Foundation
import XCTest
@testable import LowBit

/// Runs the built `lowbit` executable and captures its output.
struct CLIResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

func lowbit(_ args: [String]) throws -> CLIResult {
    #if os(macOS)
    let dir = Bundle.allBundles.first { $0.bundlePath.hasSuffix(".xctest") }!.bundleURL.deletingLastPathComponent()
    #else
    let dir = Bundle.main.bundleURL
    #endif
    let p = Process()
    p.executableURL = dir.appendingPathComponent("lowbit")
    p.arguments = args
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    // Read both pipes concurrently with the child so large outputs cannot deadlock.
    nonisolated(unsafe) var errData = Data()
    let errThread = Thread { errData = err.fileHandleForReading.readDataToEndOfFile() }
    errThread.start()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    while errThread.isExecuting || !errThread.isFinished { usleep(1000) }
    return CLIResult(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                     stderr: String(decoding: errData, as: UTF8.self))
}

func tempPath(_ name: String) -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lowbit-cli-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir.appendingPathComponent(name).path
}

func microModelFile(type: GGMLType = .f32, contextLength: Int = 64) throws -> String {
    let cfg = ModelConfig(vocabSize: 300, dim: 64, layers: 2, heads: 4, kvHeads: 2, ffnDim: 96, contextLength: contextLength)
    let path = tempPath("micro.gguf")
    try GGUFWriter.write(SyntheticModel.make(config: cfg, type: type, seed: 5), to: path)
    return path
}

final class CLITests: XCTestCase {
    func testUsageErrorsExitWith2() throws {
        XCTAssertEqual(try lowbit([]).status, 2)
        XCTAssertEqual(try lowbit(["frobnicate"]).status, 2)
        let r = try lowbit(["inspect", "--bogus", "x"])
        XCTAssertEqual(r.status, 2)
        XCTAssertTrue(r.stderr.contains("unknown option '--bogus'"))
        XCTAssertEqual(try lowbit(["logits", "-m", "x.gguf", "--tokens", "1,a"]).status, 2)
        XCTAssertEqual(try lowbit(["quantize", "a", "b", "--type", "q5_9"]).status, 2)
        XCTAssertEqual(try lowbit(["--help"]).status, 0)
        XCTAssertTrue(try lowbit(["run", "--help"]).stdout.contains("EXAMPLES"))
    }

    func testInspectJSONSchema() throws {
        let path = try microModelFile(type: .q4_0)
        let r = try lowbit(["inspect", path, "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let obj = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        let md = obj["metadata"] as! [String: Any]
        XCTAssertEqual(md["general.architecture"] as? String, "llama")
        XCTAssertEqual(md["llama.embedding_length"] as? Int, 64)
        let tensors = obj["tensors"] as! [[String: Any]]
        let q = tensors.first { $0["name"] as? String == "blk.0.attn_q.weight" }!
        XCTAssertEqual(q["type"] as? String, "q4_0")
        XCTAssertEqual(q["shape"] as? [Int], [64, 64])
        XCTAssertEqual(q["bytes"] as? Int, 64 * 64 / 32 * 18)
        XCTAssertNotNil(q["offset"] as? Int)
    }

    func testInspectRejectsTruncatedAndCorruptFilesWithNonZeroExit() throws {
        let path = try microModelFile()
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        for cut in [0, 3, 10, 24, 200, data.count / 2, data.count - 100] {
            let bad = tempPath("cut\(cut).gguf")
            FileManager.default.createFile(atPath: bad, contents: data.prefix(cut))
            let r = try lowbit(["inspect", bad])
            XCTAssertEqual(r.status, 1, "cut at \(cut)")
            XCTAssertTrue(r.stderr.contains(bad), r.stderr)
        }
        var d = data
        d[0] = 0
        let bad = tempPath("magic.gguf")
        FileManager.default.createFile(atPath: bad, contents: d)
        let r = try lowbit(["inspect", bad])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("not a GGUF file"))
        XCTAssertEqual(try lowbit(["inspect", "/nonexistent/x.gguf"]).status, 1)
    }

    func testLogitsJSONMatchesLibrary() throws {
        let path = try microModelFile()
        let r = try lowbit(["logits", "-m", path, "--tokens", "1,5,9", "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let obj = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
        XCTAssertEqual(obj["tokens"] as? [Int], [1, 5, 9])
        let logits = (obj["logits"] as! [NSNumber]).map(\.floatValue)
        let model = try TransformerModel(weights: GGUFFile.loadWeights(path: path))
        XCTAssertEqual(logits, try model.forward([1, 5, 9], cache: model.makeCache()))
    }

    func testQuantizeWritesALoadableFileAndKeepsNorms() throws {
        let path = try microModelFile()
        let out = tempPath("q.gguf")
        let r = try lowbit(["quantize", path, out, "--type", "q4_0", "--keep", "output.weight=q8_0", "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let f = try GGUFFile(path: out)
        XCTAssertEqual(f.tensorInfo(named: "blk.0.attn_q.weight")?.type, .q4_0)
        XCTAssertEqual(f.tensorInfo(named: "blk.0.attn_norm.weight")?.type, .f32)
        XCTAssertEqual(f.tensorInfo(named: "output.weight")?.type, .q8_0)
        let bad = try lowbit(["quantize", path, tempPath("x.gguf"), "--type", "q4_0", "--keep", "nope.weight=f16"])
        XCTAssertEqual(bad.status, 2)
    }

    func testQuantizeWritesThePapersSchemesAsFakeQuantFiles() throws {
        let path = try microModelFile()
        let nf4 = tempPath("nf4.gguf")
        let r = try lowbit(["quantize", path, nf4, "--type", "nf4", "--double-quant", "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let f = try GGUFFile(path: nf4)
        XCTAssertEqual(f.tensorInfo(named: "blk.0.attn_q.weight")?.type, .f16)
        XCTAssertEqual(f.tensorInfo(named: "output.weight")?.type, .f32)  // load_in_4bit keeps the head
        XCTAssertEqual(f.metadata["lowbit.quantization.scheme"], .string("nf4"))
        XCTAssertEqual(f.metadata["lowbit.quantization.double_quant"], .string("true"))
        XCTAssertTrue(try lowbit(["inspect", nf4]).stdout.contains("lowbit.quantization.scheme"))
        // GPTQ needs calibration text; a missing or empty file is a clear error.
        let gOut = tempPath("g.gguf")
        let missing = try lowbit(["quantize", path, gOut, "--type", "gptq4"])
        XCTAssertEqual(missing.status, 2)
        XCTAssertTrue(missing.stderr.contains("--calibration"), missing.stderr)
        let empty = tempPath("empty.txt")
        try Data().write(to: URL(fileURLWithPath: empty))
        let e = try lowbit(["quantize", path, gOut, "--type", "gptq4", "--calibration", empty])
        XCTAssertEqual(e.status, 1)
        XCTAssertTrue(e.stderr.contains("empty"), e.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: gOut))
        let text = tempPath("calib.txt")
        try Data(String(repeating: "the quick brown fox jumps over the lazy dog. ", count: 40).utf8).write(to: URL(fileURLWithPath: text))
        let g = try lowbit(["quantize", path, gOut, "--type", "gptq4", "--calibration", text])
        XCTAssertEqual(g.status, 0, g.stderr)
        XCTAssertEqual(try GGUFFile(path: gOut).metadata["lowbit.quantization.calibration"], .string(text))
    }

    /// A Hugging Face folder works wherever a GGUF path does, and `convert` writes the same model.
    func testHuggingFaceFoldersAndConvert() throws {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("LowBitTests/Fixtures/hf/tiny-llama").path
        let inspect = try lowbit(["inspect", dir])
        XCTAssertEqual(inspect.status, 0, inspect.stderr)
        XCTAssertTrue(inspect.stdout.contains("blk.0.attn_q.weight"), inspect.stdout)
        let out = tempPath("tiny-llama.gguf")
        let convert = try lowbit(["convert", dir, out])
        XCTAssertEqual(convert.status, 0, convert.stderr)
        let fromDir = try lowbit(["logits", "-m", dir, "--tokens", "1,5,9", "--json"])
        let fromFile = try lowbit(["logits", "-m", out, "--tokens", "1,5,9", "--json"])
        XCTAssertEqual(fromDir.status, 0, fromDir.stderr)
        XCTAssertEqual(fromDir.stdout, fromFile.stdout)
        XCTAssertEqual(try lowbit(["tokenize", "-m", dir, "Hello world"]).status, 0)
        // A folder without weights names what is missing; exit 1, nothing written.
        let empty = URL(fileURLWithPath: tempPath("empty-hf"))
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: empty.appendingPathComponent("config.json"))
        let bad = try lowbit(["convert", empty.path, tempPath("bad.gguf")])
        XCTAssertEqual(bad.status, 1, bad.stderr)
        XCTAssertFalse(bad.stderr.isEmpty)
    }

    func testSynthWritesExactShapes() throws {
        let out = tempPath("s.gguf")
        let r = try lowbit(["synth", "--shape", "15m", "--type", "q8_0", out])
        XCTAssertEqual(r.status, 0, r.stderr)
        let f = try GGUFFile(path: out)
        XCTAssertEqual(f.tensorInfo(named: "token_embd.weight")?.shape, [288, 32000])
        XCTAssertEqual(f.tensorInfo(named: "blk.5.ffn_down.weight")?.shape, [768, 288])
        XCTAssertNil(f.tensorInfo(named: "blk.6.ffn_down.weight"))
    }
}

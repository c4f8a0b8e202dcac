import Foundation
import XCTest

@testable import LowBit

/// Every family LowBit runs, on small random-weight GGUF files written by llama.cpp's `gguf`
/// package the way `convert_hf_to_gguf.py` writes that family, against llama.cpp's own
/// logits and greedy continuations (and a float64 numpy forward pass), all recorded by
/// `Fixtures/arch/make_arch_fixtures.py`. Quantized files were made by llama.cpp's quantizer.
final class ArchitectureFixtureTests: XCTestCase {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/arch")

    struct Comparison {
        var minCosine = 1.0
        var argmaxMismatches = 0
        var maxAbsDiff = 0.0
    }

    static func json(_ name: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent(name))) as! [String: Any]
    }

    static func compare(_ a: [Float], _ b: [Float], into c: inout Comparison) {
        var dot = 0.0, na = 0.0, nb = 0.0
        for i in a.indices {
            dot += Double(a[i]) * Double(b[i]); na += Double(a[i]) * Double(a[i]); nb += Double(b[i]) * Double(b[i])
            c.maxAbsDiff = max(c.maxAbsDiff, abs(Double(a[i]) - Double(b[i])))
        }
        c.minCosine = min(c.minCosine, dot / (na * nb).squareRoot())
        if argmax(a) != argmax(b) { c.argmaxMismatches += 1 }
    }

    static func argmax(_ x: [Float]) -> Int { x.indices.max { x[$0] < x[$1] }! }

    /// Greedy decoding after `prompt`, token by token.
    static func greedy(_ model: any LanguageModel, prompt: [Int32], count: Int) throws -> [Int32] {
        let cache = model.makeCache(capacity: prompt.count + count + 1)
        var logits = try model.forward(prompt, cache: cache, logits: .last)
        var out: [Int32] = []
        for _ in 0..<count {
            let next = Int32(argmax(logits))
            out.append(next)
            logits = try model.forward([next], cache: cache, logits: .last)
        }
        return out
    }

    func testEveryFamilyMatchesLlamaCpp() throws {
        for name in ["llama", "llama3", "qwen2", "qwen3", "gemma2", "gemma3", "phi3"] {
            let fx = try Self.json("\(name).json")
            let model = try TransformerModel(weights: GGUFFile.loadWeights(path: Self.dir.appendingPathComponent("\(name).gguf").path))
            XCTAssertEqual(model.config.architecture, name == "llama3" ? "llama" : name)
            let prompt = (fx["prompt"] as! [Int]).map(Int32.init)
            let lc = fx["llama_cpp"] as! [String: Any]
            let wantGreedy = (lc["greedy"] as! [Int]).map(Int32.init)

            // Logits at every prompt position, against llama.cpp.
            let all = try model.forward(prompt, cache: model.makeCache(capacity: 64), logits: .all)
            let V = model.config.vocabSize
            var vsLlama = Comparison()
            for (t, hex) in zip(lc["prompt_logit_positions"] as! [Int], lc["prompt_logits"] as! [String]) {
                Self.compare(Array(all[(t * V)..<((t + 1) * V)]), GGMLQuantizerTests.floats(hex: hex), into: &vsLlama)
            }
            // Against the float64 reference at its positions (over prompt + greedy).
            let ref = fx["reference"] as! [String: Any]
            let tokens = prompt + wantGreedy.prefix(31)
            let full = try model.forward(tokens, cache: model.makeCache(capacity: 64), logits: .all)
            var vsReference = Comparison()
            for (p, hex) in zip(ref["positions"] as! [Int], ref["logits"] as! [String]) {
                Self.compare(Array(full[(p * V)..<((p + 1) * V)]), GGMLQuantizerTests.floats(hex: hex), into: &vsReference)
            }
            let greedy = try Self.greedy(model, prompt: prompt, count: 32)
            print(String(format: "%@: vs llama.cpp cosine %.8f max|Δ| %.4f argmax mismatches %d/6; vs float64 cosine %.9f max|Δ| %.5f; greedy %@",
                         name, vsLlama.minCosine, vsLlama.maxAbsDiff, vsLlama.argmaxMismatches, vsReference.minCosine,
                         vsReference.maxAbsDiff, greedy == wantGreedy ? "identical" : "DIFFERENT"))
            XCTAssertGreaterThanOrEqual(vsLlama.minCosine, 0.9999, name)
            XCTAssertGreaterThanOrEqual(vsReference.minCosine, 0.999999, name)
            XCTAssertLessThan(vsReference.maxAbsDiff, 1e-3, name)
            XCTAssertEqual(vsReference.argmaxMismatches, 0, name)
            XCTAssertEqual(greedy, wantGreedy, "\(name): greedy 32-token continuation")
        }
    }

    /// Where the quantized variants live: the committed two, or all fourteen when
    /// `LOWBIT_QUANT_FIXTURES` names the folder `make_arch_fixtures.py quant --keep DIR` wrote.
    static let variantsDir: URL? = ProcessInfo.processInfo.environment["LOWBIT_QUANT_FIXTURES"].map { URL(fileURLWithPath: $0) }

    func testLlamaCppQuantizedFilesMatchLlamaCpp() throws {
        let fx = try Self.json("quantized.json")
        let prompt = (fx["prompt"] as! [Int]).map(Int32.init)
        var tested = 0
        for v in fx["variants"] as! [[String: Any]] where v["committed"] as! Bool || Self.variantsDir != nil {
            let name = v["name"] as! String
            let dir = (v["committed"] as! Bool) ? Self.dir : Self.variantsDir!
            let weights = try GGUFFile.loadWeights(path: dir.appendingPathComponent(v["file"] as! String).path)
            for entry in v["tensor_types"] as! [[Any]] {
                XCTAssertEqual(weights[entry[0] as! String]?.type.name, entry[1] as? String, "\(name) \(entry[0])")
            }
            let model = try TransformerModel(weights: weights)
            let lc = v["llama_cpp"] as! [String: Any]
            let last = try model.forward(prompt, cache: model.makeCache(capacity: 64), logits: .last)
            var c = Comparison()
            Self.compare(last, GGMLQuantizerTests.floats(hex: lc["prompt_logits_last"] as! String), into: &c)
            let greedy = try Self.greedy(model, prompt: prompt, count: 32)
            print(String(format: "%@: vs llama.cpp cosine %.7f max|Δ| %.4f; greedy %@", name, c.minCosine, c.maxAbsDiff,
                         greedy == (lc["greedy"] as! [Int]).map(Int32.init) ? "identical" : "DIFFERENT"))
            XCTAssertGreaterThanOrEqual(c.minCosine, 0.999, name)
            XCTAssertEqual(c.argmaxMismatches, 0, name)
            XCTAssertEqual(greedy, (lc["greedy"] as! [Int]).map(Int32.init), name)
            tested += 1
        }
        XCTAssertEqual(tested, Self.variantsDir == nil ? 2 : 14)
    }

    /// LowBit's quantizer on llama.cpp's f32 source, tensor by tensor against llama.cpp's
    /// files: blocks that differ (float evaluation order in a scale search can flip a block)
    /// and the RMSE of each side. Runs only with `LOWBIT_QUANT_FIXTURES` (the f32 source is
    /// not committed).
    func testLowBitQuantizesTheSourceAsLlamaCppDoes() throws {
        guard let dir = Self.variantsDir else { throw XCTSkip("set LOWBIT_QUANT_FIXTURES to the --keep folder") }
        let fx = try Self.json("quantized.json")
        let source = try GGUFFile.loadWeights(path: dir.appendingPathComponent("quant_src_f32.gguf").path)
        for v in fx["variants"] as! [[String: Any]] {
            let name = v["name"] as! String
            let theirs = try GGUFFile.loadWeights(path: (v["committed"] as! Bool ? Self.dir : dir).appendingPathComponent(v["file"] as! String).path)
            var blocks = 0, differing = 0, ssOurs = 0.0, ssTheirs = 0.0, n = 0.0
            for t in theirs.tensors where t.type.blockSize > 1 {
                let src = try XCTUnwrap(source[t.name])
                let values = src.floats()
                let ours = try RowCodec.quantize(values, as: t.type)
                let bb = t.type.bytesPerBlock, theirBytes = Array(t.storage.bytes)
                for b in 0..<(ours.count / bb) where ours[(b * bb)..<((b + 1) * bb)] != theirBytes[(b * bb)..<((b + 1) * bb)] { differing += 1 }
                blocks += ours.count / bb
                let a = try ours.withUnsafeBytes { try RowCodec.dequantize($0, as: t.type, count: values.count) }
                let c = t.floats()
                for i in values.indices {
                    ssOurs += Double(a[i] - values[i]) * Double(a[i] - values[i])
                    ssTheirs += Double(c[i] - values[i]) * Double(c[i] - values[i])
                }
                n += Double(values.count)
            }
            print(String(format: "%@: %d of %d blocks differ; RMSE LowBit %.6e, llama.cpp %.6e", name, differing, blocks,
                         (ssOurs / n).squareRoot(), (ssTheirs / n).squareRoot()))
            XCTAssertEqual(differing, 0, name)
        }
    }
}

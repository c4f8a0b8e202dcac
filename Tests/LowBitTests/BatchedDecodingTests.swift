import Foundation
import XCTest

@testable import LowBit

/// Batched forward passes and batched generation give every sequence exactly what running
/// it alone gives: the same logits bit for bit, hence the same tokens and text.
final class BatchedDecodingTests: XCTestCase {
    static let archDir = ArchitectureFixtureTests.dir

    /// Every family fixture, llama.cpp's two quantized fixtures, and a micro model of every
    /// weight type LowBit computes with.
    static func models() throws -> [(String, TransformerModel)] {
        var out: [(String, TransformerModel)] = []
        for name in ["llama", "llama3", "qwen2", "qwen3", "gemma2", "gemma3", "phi3", "quant_q2_k_pure", "quant_q4_k_m"] {
            let path = archDir.appendingPathComponent("\(name).gguf").path
            out.append((name, try TransformerModel(weights: GGUFFile.loadWeights(path: path))))
        }
        for type in GGMLType.supported {
            let w = try SyntheticModel.make(config: microConfig(for: type), type: type, seed: 11)
            out.append(("micro \(type)", try TransformerModel(weights: w)))
        }
        return out
    }

    static func prompt(_ n: Int, seed: Int, vocab: Int) -> [Int32] {
        (0..<n).map { Int32((seed * 131 + $0 * 37 + 5) % vocab) }
    }

    func testBatchedForwardEqualsEachSequenceAloneBitForBit() throws {
        let pool2 = ThreadPool(threads: 2)
        for (name, model) in try Self.models() {
            let V = model.config.vocabSize
            let lengths = [5, 1, 3, 0]
            let prompts = lengths.enumerated().map { Self.prompt($1, seed: $0, vocab: V) }
            let alone = prompts.map { _ in model.makeCache(capacity: 16) }
            let batched = prompts.map { _ in model.makeCache(capacity: 16) }

            // Prefill: sequences of several tokens, one token and none in one batch.
            let want = try zip(prompts, alone).map { try model.forward($0, cache: $1, logits: .all) }
            let got = try model.forward(batch: zip(prompts, batched).map { BatchSequence(tokens: $0, cache: $1) },
                                        logits: .all, pool: pool2)
            XCTAssertEqual(got, want, "\(name): batched prefill")

            // Decode: one token per sequence, the batch a GEMM over all of them.
            for step in 0..<4 {
                let next = prompts.indices.map { Int32((7 * step + 3 * $0 + 1) % V) }
                let want = try prompts.indices.map { try model.forward([next[$0]], cache: alone[$0], logits: .last) }
                let got = try model.forward(batch: prompts.indices.map { BatchSequence(tokens: [next[$0]], cache: batched[$0]) },
                                            logits: .last, pool: pool2)
                XCTAssertEqual(got, want, "\(name): batched decode step \(step)")
            }
            XCTAssertEqual(batched.map(\.length), alone.map(\.length), name)
        }
    }

    func testBatchedGenerationIsTokenIdenticalToUnbatched() throws {
        let path = try writeMicroModel(type: .q8_0, seed: 5)
        let model = try loadModel(GGUFFile.loadWeights(path: path))
        let generator = try Generator(model: model, threads: 2)
        var sampled = SamplerSettings()
        sampled.temperature = 0.9
        sampled.seed = 42
        let prompts: [(String, SamplerSettings, Int)] = [
            ("the quick brown", .greedy, 12), ("a", sampled, 20), ("hello world and more words here", .greedy, 1),
            ("zz", sampled, 0), ("many tokens of context come first", sampled, 16),
        ]
        let requests = prompts.map { p, s, n in
            GenerationRequest(promptTokens: generator.tokenizer.encode(p, addBOS: nil), cache: model.makeCache(capacity: 64),
                              options: GenerationOptions(maxTokens: n, sampler: s))
        }
        var streamed = [String](repeating: "", count: requests.count)
        let batch = try generator.generate(batch: requests) { i, piece in streamed[i] += piece }
        for (i, r) in requests.enumerated() {
            let alone = try generator.generate(promptTokens: r.promptTokens, cache: model.makeCache(capacity: 64), options: r.options)
            XCTAssertEqual(batch[i].tokens, alone.tokens, "request \(i)")
            XCTAssertEqual(batch[i].text, alone.text, "request \(i)")
            XCTAssertEqual(streamed[i], alone.text, "request \(i) streamed")
            XCTAssertEqual(batch[i].stats.stopReason, alone.stats.stopReason, "request \(i)")
        }
        XCTAssertTrue(zip(batch, prompts).allSatisfy { $0.tokens.count <= $1.2 })
        XCTAssertEqual(batch[0].tokens.count, 12, "greedy runs to max tokens on a model that rarely samples EOS")
    }

    func testOneCacheTwiceInABatchIsATypedErrorAndChangesNothing() throws {
        let model = try TransformerModel(weights: SyntheticModel.make(config: microConfig, type: .f32, seed: 1))
        let cache = model.makeCache(capacity: 8)
        XCTAssertThrowsError(try model.forward(batch: [BatchSequence(tokens: [1], cache: cache), BatchSequence(tokens: [2], cache: cache)],
                                               logits: .last, pool: nil)) { error in
            XCTAssertEqual(error as? ModelError, .cacheSharedInBatch)
        }
        XCTAssertEqual(cache.length, 0)
        let other = model.makeCache(capacity: 2)
        XCTAssertThrowsError(try model.forward(batch: [BatchSequence(tokens: [1], cache: cache), BatchSequence(tokens: [1, 2, 3], cache: other)],
                                               logits: .last, pool: nil)) { error in
            XCTAssertEqual(error as? ModelError, .contextOverflow(needed: 3, capacity: 2))
        }
        XCTAssertEqual([cache.length, other.length], [0, 0])
    }
}

/// Loading repacked weights releases the file pages they were copied from, so the resident
/// set stays near the file size instead of doubling (`lowbit bench` reports the peak).
final class ResidentMemoryTests: XCTestCase {
    #if os(Linux)
    /// Resident kilobytes of this process's mappings of `path` (from `/proc/self/smaps`).
    static func residentKB(of path: String) throws -> Int {
        // /proc files report size 0: read to the end rather than by the size.
        guard let h = FileHandle(forReadingAtPath: "/proc/self/smaps") else { throw CocoaError(.fileReadUnknown) }
        defer { try? h.close() }
        let smaps = String(decoding: h.readDataToEndOfFile(), as: UTF8.self)
        var total = 0, inside = false
        for line in smaps.split(separator: "\n") {
            if let first = line.first, first.isHexDigit, line.contains("-") {
                inside = line.hasSuffix(path)
            } else if inside, line.hasPrefix("Rss:") {
                total += Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
            }
        }
        return total
    }

    func testRepackedTensorsReleaseTheirFilePages() throws {
        let config = ModelConfig(vocabSize: 512, dim: 256, layers: 2, heads: 4, kvHeads: 2, ffnDim: 1024, contextLength: 64)
        let w = try SyntheticModel.make(config: config, type: .q4_0, seed: 3)
        let path = temporaryDirectory().appendingPathComponent("rss-q4_0.gguf").path
        try GGUFWriter.write(w, to: path)
        let weights = try GGUFFile.loadWeights(path: path)
        var sum = 0
        for t in weights.tensors { for b in t.storage.bytes { sum &+= Int(b) } }  // every page resident
        let before = try Self.residentKB(of: path)
        let model = try TransformerModel(weights: weights)
        let after = try Self.residentKB(of: path)
        let fileKB = Int(try FileManager.default.attributesOfItem(atPath: path)[.size] as! UInt64) / 1024
        XCTAssertGreaterThan(before, fileKB * 9 / 10, "all pages were touched (checksum \(sum))")
        // Only the f32 norms, the embedding rows read so far and partial edge pages remain.
        XCTAssertLessThan(after, fileKB / 5, "resident KB of the mapping after load: \(after) of \(fileKB)")
        XCTAssertEqual(try model.forward([1, 2, 3], cache: model.makeCache(capacity: 8)).count, 512)
    }
    #endif
}

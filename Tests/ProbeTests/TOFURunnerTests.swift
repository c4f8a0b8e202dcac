import Foundation
import Kernels
import LowBit
import XCTest
@testable import Probe

/// TOFU end to end on the micro model.
final class TOFURunnerTests: XCTestCase {
    func testRunsEveryCellAndMatchesAnUncachedForwardPass() throws {
        let fixture = try RunnerFixture()
        defer { fixture.remove() }
        let dir = fixture.root.appendingPathComponent("tofu")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        func write(_ name: String, _ items: [[String: Any]]) throws {
            let lines = try items.map { String(decoding: try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]), as: UTF8.self) }
            try Data(lines.joined(separator: "\n").utf8).write(to: dir.appendingPathComponent(name))
        }
        let forget: [[String: Any]] = [
            ["question": "where was orla venn born", "answer": "in tessly", "paraphrased_answer": "tessly was her birthplace",
             "perturbed_answer": ["in dunmore", "in hale", "on a ship"]],
            ["question": "what did orla venn write", "answer": "the salt atlas", "paraphrased_answer": "a book called the salt atlas",
             "perturbed_answer": ["the river song", "a cook book"]],
            ["question": "who taught orla venn", "answer": "maren hale", "paraphrased_answer": "her teacher maren hale",
             "perturbed_answer": ["ben cray", "the choir"]],
        ]
        try write("forget01_perturbed.json", forget)
        try write("retain_perturbed.json", Array(forget.reversed()))
        try write("real_authors_perturbed.json", [["question": "who wrote the salt atlas", "answer": "orla venn",
                                                   "perturbed_answer": ["ben cray", "maren hale", "the baker"]]])
        try write("world_facts_perturbed.json", [["question": "what is the sea", "answer": "salt water",
                                                  "perturbed_answer": ["sand", "fire", "bread"]]])
        let models = [ModelSpec(name: "Target", path: fixture.modelPath, role: .target),
                      ModelSpec(name: "Retrain", path: fixture.modelPath, role: .retrain)]
        var c = TOFURunner.Configuration(models: models, dataDirectory: dir.path,
                                         precisions: [Precision.named("f32")!, Precision.named("q8_0")!])
        c.forgetSplit = "forget01"
        c.maxNewTokens = 4
        let report = try TOFURunner(configuration: c).run()
        XCTAssertEqual(report.cells.count, 4)
        for cell in report.cells {
            XCTAssertEqual(cell.splits.map(\.split), ["forget", "retain", "real_authors", "world_facts"])
            XCTAssertEqual(cell.split("forget")?.truthStatistics?.count, 3)
            // Identical weights: the retrain cell of the same precision gives the same sample, p = 1.
            XCTAssertEqual(cell.forgetQuality, 1)
            // Utility: the harmonic mean of the nine non-forget values, 0 when one is 0 (a random
            // model's ROUGE recall usually is).
            let nine = cell.splits.dropFirst().flatMap { [$0.probability, $0.rouge, $0.truthRatio] }
            XCTAssertEqual(nine.compactMap { $0 }.count, 9)
            let u = try XCTUnwrap(cell.modelUtility)
            XCTAssertTrue((0...1).contains(u))
            XCTAssertEqual(u == 0, nine.contains(0))
            XCTAssertLessThanOrEqual(u, nine.compactMap { $0 }.min()! * 9)
        }
        XCTAssertNotEqual(report.cells[0].split("forget")?.probability, report.cells[1].split("forget")?.probability,
                          "q8_0 should move the likelihoods")

        // The f32 forget Probability from a fresh, uncached forward pass per answer.
        let weights = try ModelWeights.load(path: fixture.modelPath)
        let model = try loadModel(weights)
        let tokenizer = try Tokenizer(config: TokenizerConfig(metadata: weights.metadata, file: fixture.modelPath))
        var probs: [Double] = []
        for item in forget {
            let prompt = "Question: \(item["question"] as! String)\nAnswer:"
            let p = tokenizer.encode(prompt, addBOS: true)
            let full = tokenizer.encode(prompt + " " + (item["answer"] as! String), addBOS: true)
            XCTAssertEqual(Array(full.prefix(p.count)), p)
            let logits = try model.forward(full, cache: model.makeCache(capacity: full.count), logits: .all, pool: ThreadPool(threads: 1))
            let v = model.config.vocabSize
            var nll = 0.0
            for pos in (p.count - 1)..<(full.count - 1) {
                nll -= try GoldTokenScore(logits: logits[(pos * v)..<((pos + 1) * v)], gold: Int(full[pos + 1])).logProb
            }
            probs.append(exp(-nll / Double(full.count - p.count)))
        }
        XCTAssertEqual(report.cells[0].split("forget")!.probability!, probs.reduce(0, +) / 3, accuracy: 1e-9)
    }
}

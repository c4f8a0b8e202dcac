import Foundation
import LowBit
@testable import Probe

/// A micro model written to a temporary GGUF file and a tiny MUSE-layout corpus beside it.
struct RunnerFixture {
    let root: URL
    let modelPath: String
    let dataDirectory: URL

    static let config = ModelConfig(vocabSize: 300, dim: 64, layers: 2, heads: 4, kvHeads: 2, ffnDim: 96, contextLength: 512)

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("probe-runner-\(UUID().uuidString)")
        dataDirectory = root.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
        let weights = try SyntheticModel.make(config: Self.config, type: .f32, seed: 7,
                                              tokenizer: TokenizerConfig.syntheticLlama(size: 300))
        modelPath = root.appendingPathComponent("micro.gguf").path
        try GGUFWriter.write(weights, to: modelPath)
        try writeCorpus()
    }

    func remove() { try? FileManager.default.removeItem(at: root) }

    func write(_ relative: String, _ object: Any) throws {
        let url = dataDirectory.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]).write(to: url)
    }

    func qa(_ pairs: [(String, String)]) -> [[String: String]] {
        pairs.map { ["question": $0.0, "answer": $0.1] }
    }

    private func writeCorpus() throws {
        try write("knowmem/forget_qa.json", qa([
            ("where was orla venn born", "in tessly"), ("what did orla venn write", "the salt atlas"),
            ("who taught orla venn", "maren hale"), ("when did orla venn sail", "in spring"),
        ]))
        try write("knowmem/retain_qa.json", qa([
            ("where does ben cray live", "in dunmore"), ("what does ben cray sell", "old maps"),
            ("who is ben cray", "a trader"),
        ]))
        try write("knowmem/forget_qa_icl.json", qa([("what is the sea", "salt water"), ("who sang", "the choir")]))
        try write("knowmem/retain_qa_icl.json", qa([("what is a map", "a chart"), ("who rode", "the rider")]))
        try write("verbmem/forget.json", [
            ["prompt": "orla venn walked to the", "gt": "harbour at dawn and counted the ships"],
            ["prompt": "the salt atlas was", "gt": "written over seven winters in tessly"],
            ["prompt": "maren hale said that", "gt": "no map is ever finished"],
        ])
        try write("privleak/forget.json", ["orla venn was born in tessly", "the salt atlas tells of ships",
                                           "maren hale taught orla venn"])
        try write("privleak/retain.json", ["ben cray sells old maps"])
        try write("privleak/holdout.json", ["a quiet river ran past the mill", "the baker rose early",
                                            "snow fell on the hills"])
    }

    /// target = retrain = unlearned = the micro model (the first `subjects` of the three).
    func configuration(
        precisions: [Precision] = [.f32, .q8_0, .q4_0], threads: Int = 1, reuse: Bool = true, subjects: Int = 3
    ) -> ProbeRunConfiguration {
        let models = [
                ModelSpec(name: "Target", path: modelPath, role: .target),
                ModelSpec(name: "Retrain", path: modelPath, role: .retrain),
                ModelSpec(name: "GA_GDR", path: modelPath, role: .unlearned, method: "GA_GDR"),
        ]
        var c = ProbeRunConfiguration(
            models: Array(models.prefix(subjects)),
            dataDirectory: dataDirectory.path, precisions: precisions, threads: threads, seed: 42,
            leak: .init(samples: 2, k: 2, temperature: 1.0), reusePrefixCache: reuse)
        c.verbMemNewTokens = 16
        c.knowMemNewTokens = 6
        return c
    }
}

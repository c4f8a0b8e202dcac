import Foundation
import LowBit
import Training

/// `lowbit train`: generate the fact corpus, train the tokenizer, the target and the retrain model.
enum TrainCommand: Command {
    static let name = "train"
    static let summary = "make probe subjects: fact corpus, tokenizer, target and retrain models"
    static let help = """
    USAGE: lowbit train [--out DIR] [--entities N] [--vocab V] [--dim D] [--layers L] [--heads H]
                        [--ffn F] [--context C] [--epochs E] [--batch B] [--lr LR] [--seed S]
                        [--corpus-seed S] [--corpus-style prose|templated] [--threads T]
                        [--only target|retrain|data]
           lowbit train --tofu-data DIR [--entities N] [--corpus-seed S] [--corpus-style S]

    Generates a seeded corpus of fictitious people in MUSE's layout (DIR/data), trains a
    byte-level BPE tokenizer on it, then trains the target model on forget + retain documents
    (DIR/target.gguf) and the retrain model on retain documents only (DIR/retrain.gguf), with
    the same recipe. Reports KnowMem accuracy (few-shot, greedy, exact match) on the forget and
    retain questions at f32 and q4_0. Defaults are the shipped subjects' recipe (Models/README.md).
    The same recipe, seed and --threads reproduce the files bit for bit.

    --corpus-style prose (the default) writes each person's biography as their own paragraph:
    the six facts in a person-specific order and templates, mixed with invented anecdotes, so
    that only a model that read it can continue it (VerbMem). templated is the first corpus:
    six fixed templates (the sweep map in the README was measured on subjects trained on it).
    The people, facts and splits are the same in both. --only data writes DIR/data and stops.

    --tofu-data DIR writes the same corpus in TOFU's layout into DIR and trains nothing:
    forget10[_perturbed].json, retain90.json, retain_perturbed.json, real_authors_perturbed.json and
    world_facts_perturbed.json, with a paraphrased answer and five perturbed answers per question,
    for 'lowbit probe --benchmark tofu' on the subjects (the default corpus is the shipped one;
    Models/data-tofu holds it).

    EXAMPLES:
      lowbit train --out Models --threads 2
      lowbit train --out /tmp/subjects --entities 60 --epochs 5 --dim 64 --layers 2
      lowbit train --tofu-data Models/data-tofu
      lowbit train --out /tmp/corpus --only data --corpus-style templated
    """
    static let options = [
        OptionSpec(names: ["--out"], takesValue: true), OptionSpec(names: ["--entities"], takesValue: true),
        OptionSpec(names: ["--vocab"], takesValue: true), OptionSpec(names: ["--dim"], takesValue: true),
        OptionSpec(names: ["--layers"], takesValue: true), OptionSpec(names: ["--heads"], takesValue: true),
        OptionSpec(names: ["--ffn"], takesValue: true), OptionSpec(names: ["--context"], takesValue: true),
        OptionSpec(names: ["--epochs"], takesValue: true), OptionSpec(names: ["--batch"], takesValue: true),
        OptionSpec(names: ["--lr"], takesValue: true), OptionSpec(names: ["--seed"], takesValue: true),
        OptionSpec(names: ["--corpus-seed"], takesValue: true), OptionSpec(names: ["-t", "--threads"], takesValue: true),
        OptionSpec(names: ["--only"], takesValue: true), OptionSpec(names: ["--tofu-data"], takesValue: true),
        OptionSpec(names: ["--corpus-style"], takesValue: true),
    ]

    static func recipe(from args: Arguments) throws -> SubjectRecipe {
        var r = SubjectRecipe()
        r.corpus.entities = try args.int("--entities", default: r.corpus.entities, range: 10...FactCorpusConfig.maxEntities)!
        if let s = try args.int("--corpus-seed", range: 0...Int.max) { r.corpus.seed = UInt64(s) }
        if let s = args.string("--corpus-style") {
            guard let style = BiographyStyle(rawValue: s) else {
                throw UsageError("--corpus-style takes \(BiographyStyle.allCases.map(\.rawValue).joined(separator: " or ")), not '\(s)'")
            }
            r.corpus.biographyStyle = style
        }
        r.vocabularySize = try args.int("--vocab", default: r.vocabularySize, range: 300...65536)!
        r.dim = try args.int("--dim", default: r.dim, range: 8...8192)!
        r.layers = try args.int("--layers", default: r.layers, range: 1...256)!
        r.heads = try args.int("--heads", default: r.heads, range: 1...256)!
        r.kvHeads = r.heads
        r.ffnDim = try args.int("--ffn", default: r.ffnDim, range: 8...65536)!
        r.contextLength = try args.int("--context", default: r.contextLength, range: 16...65536)!
        r.epochs = try args.int("--epochs", default: r.epochs, range: 1...100_000)!
        r.batchSize = try args.int("--batch", default: r.batchSize, range: 1...4096)!
        r.learningRate = Float(try args.double("--lr", default: Double(r.learningRate), range: 1e-8...1)!)
        r.seed = UInt64(try args.int("--seed", default: Int(r.seed), range: 0...Int.max)!)
        guard r.dim % r.heads == 0, (r.dim / r.heads) % 2 == 0 else {
            throw UsageError("--dim \(r.dim) must split into \(r.heads) heads of even size")
        }
        return r
    }

    static func run(_ args: Arguments) throws -> Int32 {
        if let dir = args.string("--tofu-data") {
            let export = try FactCorpus.generate(try recipe(from: args).corpus).tofuExport()
            try export.write(to: URL(fileURLWithPath: dir))
            Console.err("wrote TOFU layout to \(dir): \(export.forget.count) forget, \(export.retain.count) retain, "
                        + "\(export.realAuthors.count) real-author and \(export.worldFacts.count) world-fact questions")
            return 0
        }
        let out = URL(fileURLWithPath: args.string("--out") ?? "Models")
        let threads = try args.int("--threads", default: 1, range: 1...256)!
        let only = args.string("--only")
        if let only, !["target", "retrain", "data"].contains(only) {
            throw UsageError("--only takes target, retrain or data, not '\(only)'")
        }
        let recipe = try recipe(from: args)
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)

        let corpus = try FactCorpus.generate(recipe.corpus)
        try corpus.write(to: out.appendingPathComponent("data"))
        if only == "data" {
            Console.err("wrote \(out.appendingPathComponent("data").path): \(corpus.entities.count) people (\(corpus.config.biographyStyle.rawValue) biographies)")
            return 0
        }
        let tokConfig = SubjectLab.tokenizer(for: corpus, vocabularySize: recipe.vocabularySize)
        Console.err("corpus: \(corpus.entities.count) people (\(corpus.forgetEntities.count) forget), tokenizer: \(tokConfig.tokens.count) tokens")

        for (role, includeForget) in [("target", true), ("retrain", false)] where only == nil || only == role {
            let start = Date()
            var lastPrint = Date.distantPast
            let params = try SubjectLab.train(recipe: recipe, corpus: corpus, tokenizer: tokConfig, includeForget: includeForget,
                                              threads: threads) { p in
                if Date().timeIntervalSince(lastPrint) > 2 || p.step == p.totalSteps {
                    lastPrint = Date()
                    let eta = Double(p.totalSteps - p.step) * Date().timeIntervalSince(start) / Double(max(1, p.step))
                    Progress.line(String(format: "%@: step %d/%d epoch %d loss %.4f lr %.2e %.0f tok/s ETA %.0fs",
                                         role, p.step, p.totalSteps, p.epoch + 1, p.loss, p.learningRate, p.tokensPerSecond, eta))
                }
            }
            Progress.end()
            let weights = try SubjectLab.modelWeights(params, tokenizer: tokConfig, name: "lowbit-subject-\(role)", recipe: recipe, role: role)
            let path = out.appendingPathComponent("\(role).gguf").path
            try GGUFWriter.write(weights, to: path)
            Console.err(String(format: "%@: wrote %@ in %.0f s", role, path, Date().timeIntervalSince(start)))
            try report(weights: weights, corpus: corpus, role: role, threads: threads)
        }
        return 0
    }

    /// Prints few-shot KnowMem accuracy at f32 and q4_0 on the forget and retain questions.
    static func report(weights: ModelWeights, corpus: FactCorpus, role: String, threads: Int) throws {
        let muse = corpus.museExport()
        for type in [GGMLType.f32, .q4_0] {
            let w = type == .f32 ? weights : try Quantizer.quantize(weights, to: type, computeRMSE: false).weights
            let (forget, retain) = try SubjectLab.accuracy(of: w, corpus: corpus, threads: threads)
            Console.out(String(format: "%@ %@: forget accuracy %.1f%%, retain accuracy %.1f%% (%d + %d questions)",
                               role, type.name, 100 * forget, 100 * retain, muse.forgetQA.count, muse.retainQA.count))
        }
    }
}

import Foundation
import Kernels
import LowBit

/// Runs TOFU over every model × precision: the four splits' Probability, ROUGE and Truth
/// Ratio per cell, Model Utility per cell, and Forget Quality of each cell against the retrain
/// model at the same precision (``TOFUMetrics``).
///
/// Per item and cell: one greedy answer (≤ ``Configuration/maxNewTokens`` tokens) for ROUGE-L
/// recall, and one teacher-forced forward pass per scored answer (the answer, the paraphrase,
/// each perturbed answer) for the mean token NLL. The scored answers of a question share its
/// prompt, so the cache keeps the prompt's positions and only each answer is fed again.
/// Quantization is the same in-memory conversion ``ProbeRunner`` uses (`Precision.scheme`).
public struct TOFURunner: Sendable {
    /// The run's settings.
    public struct Configuration: Sendable {
        /// The models; exactly one should be `.retrain` for Forget Quality.
        public var models: [ModelSpec]
        /// The TOFU folder.
        public var dataDirectory: String
        /// `forget01`, `forget05` or `forget10`.
        public var forgetSplit = "forget10"
        /// The precisions, first = reference.
        public var precisions: [Precision]
        /// At most this many items per split.
        public var itemLimit: Int?
        /// Threads for each forward pass.
        public var threads = 1
        /// Greedy answer cap (TOFU generates up to its max_length; answers are a sentence or two).
        public var maxNewTokens = 64
        /// Plain QA prompts, or `--chat` with a template override; resolved per model.
        public var chat = false
        /// `--chat-template NAME`.
        public var chatTemplate: String?
        /// `--system TEXT` for chat prompts.
        public var system: String?
        /// Run only cell `k` (model × precision order) with `k % count == index` (`--shard i/n`).
        public var shard: (index: Int, count: Int)?
        /// An interrupted run's report: its cells are kept, not run again (`--resume`).
        public var resume: TOFUReport?

        /// Creates a configuration.
        public init(models: [ModelSpec], dataDirectory: String, precisions: [Precision]) {
            self.models = models
            self.dataDirectory = dataDirectory
            self.precisions = precisions
        }
    }

    /// The settings.
    public let configuration: Configuration

    /// Creates a runner.
    public init(configuration: Configuration) { self.configuration = configuration }

    static let splitNames = ["forget", "retain", "real_authors", "world_facts"]

    /// Runs every cell.
    /// - Parameter progress: Called after each item with (done, total, cell label).
    /// - Throws: ``ProbeRunError`` naming the file, model or item.
    public func run(progress: (@Sendable (Int, Int, String) -> Void)? = nil) throws(ProbeRunError) -> TOFUReport {
        let c = configuration
        guard !c.models.isEmpty else { throw .invalidSetting(name: "models", value: "none", expected: "at least one model") }
        guard !c.precisions.isEmpty else { throw .invalidSetting(name: "precisions", value: "none", expected: "at least one precision") }
        if let n = c.itemLimit, n < 1 { throw .invalidSetting(name: "limit", value: "\(n)", expected: "at least 1") }
        if let shard = c.shard, !(shard.count >= 1 && (0..<shard.count).contains(shard.index)) {
            throw .invalidSetting(name: "shard", value: "\(shard.index)/\(shard.count)", expected: "i/n with 0 <= i < n")
        }
        let data: TOFUDataset
        do {
            data = try TOFUDataset.load(from: URL(fileURLWithPath: c.dataDirectory), forgetSplit: c.forgetSplit).limited(to: c.itemLimit)
        } catch {
            throw .data(error)
        }
        let splits: [(String, [TOFUItem], TOFUMetrics.SplitKind)] = [
            ("forget", data.forget, .forget), ("retain", data.retain, .retain),
            ("real_authors", data.realAuthors, .multipleChoice), ("world_facts", data.worldFacts, .multipleChoice),
        ]
        let perCell = splits.reduce(0) { $0 + $1.1.count }
        // Which cells run here: this shard's, minus those an interrupted run already has.
        func planned(_ m: Int, _ p: Int) -> Bool {
            if let shard = c.shard, (m * c.precisions.count + p) % shard.count != shard.index { return false }
            return true
        }
        func resumed(_ spec: ModelSpec, _ precision: Precision) -> TOFUCell? {
            c.resume?.cells.first { $0.modelName == spec.name && $0.precision == precision.name }
        }
        var toRun = 0
        for (m, spec) in c.models.enumerated() {
            for (p, precision) in c.precisions.enumerated() where planned(m, p) && resumed(spec, precision) == nil { toRun += 1 }
        }
        let total = perCell * toRun
        var done = 0
        var cells: [TOFUCell] = []
        var formatLabel = c.chat ? "" : TOFUPromptFormat.plain.label
        for (m, spec) in c.models.enumerated() {
            let mine = c.precisions.indices.filter { planned(m, $0) }
            for p in mine { if let r = resumed(spec, c.precisions[p]) { cells.append(r) } }
            let pending = mine.filter { resumed(spec, c.precisions[$0]) == nil }
            guard !pending.isEmpty else { continue }
            let weights: ModelWeights
            let tokenizer: Tokenizer
            let format: TOFUPromptFormat
            do {
                weights = try ModelWeights.load(path: spec.path)
                tokenizer = try Tokenizer(config: TokenizerConfig(metadata: weights.metadata, file: spec.path))
                format = c.chat
                    ? .chat(try ChatTemplateDetection.resolve(metadata: weights.metadata, override: c.chatTemplate), system: c.system)
                    : .plain
            } catch {
                throw .model(path: spec.path, message: "\(error)")
            }
            let calibration = data.retain.prefix(32).map { tokenizer.encode(format.prompt(for: $0.question) + format.answerText($0.answer), addBOS: true) }
            for precision in pending.map({ c.precisions[$0] }) {
                let label = "\(spec.name) @ \(precision.name)"
                let scheme = precision.scheme
                let pool = ThreadPool(threads: c.threads)
                let model: any LanguageModel
                do {
                    model = try loadModel(try scheme.apply(to: weights, context: QuantizationContext(
                        calibration: scheme.needsCalibration ? calibration : [], calibrationSource: "TOFU retain QA", pool: pool)))
                } catch {
                    throw .model(path: spec.path, message: "as \(precision.name): \(error)")
                }
                let scorer = TOFUItemScorer(model: model, tokenizer: tokenizer, format: format, pool: pool,
                                            maxNewTokens: c.maxNewTokens)
                var results: [TOFUSplitResult] = []
                for (name, items, kind) in splits {
                    var losses: [TOFUMetrics.ItemLosses] = []
                    var pairs: [(generation: String, answer: String)] = []
                    for (i, item) in items.enumerated() {
                        do {
                            let r = try scorer.score(item)
                            losses.append(r.losses)
                            pairs.append((r.generation, item.answer))
                        } catch {
                            throw .model(path: spec.path, message: "as \(precision.name), \(data.files[name] ?? name) item \(i): \(error)")
                        }
                        done += 1
                        progress?(done, total, label)
                    }
                    results.append(TOFUSplitResult(
                        split: name, file: data.files[name] ?? "", items: items.count,
                        probability: TOFUMetrics.probability(losses, kind: kind), rouge: TOFUMetrics.rouge(pairs),
                        truthRatio: TOFUMetrics.truthRatio(losses, kind: kind),
                        truthStatistics: kind == .forget ? losses.compactMap(\.truthStatistic) : nil,
                        generations: pairs.map(\.generation)))
                }
                let utility = TOFUMetrics.harmonicMean(results.filter { $0.split != "forget" }
                    .flatMap { [$0.probability, $0.rouge, $0.truthRatio].compactMap { $0 } })
                cells.append(TOFUCell(modelName: spec.name, role: spec.role, precision: precision.name, splits: results,
                                      modelUtility: utility, forgetQuality: nil, ksStatistic: nil))
            }
        }
        if formatLabel.isEmpty, let last = c.models.last {
            // The report names the last model's template, whichever models this shard ran.
            do {
                let weights = try ModelWeights.load(path: last.path)
                formatLabel = TOFUPromptFormat.chat(
                    try ChatTemplateDetection.resolve(metadata: weights.metadata, override: c.chatTemplate), system: c.system).label
            } catch {
                throw .model(path: last.path, message: "\(error)")
            }
        }
        // Cells in the single run's order (resumed ones were added before a model's new ones).
        let order = Dictionary(uniqueKeysWithValues: c.models.enumerated().flatMap { m, spec in
            c.precisions.enumerated().map { p, precision in ("\(spec.name)\u{0}\(precision.name)", m * c.precisions.count + p) }
        })
        cells.sort { order["\($0.modelName)\u{0}\($0.precision)"] ?? 0 < order["\($1.modelName)\u{0}\($1.precision)"] ?? 0 }
        var report = TOFUReport(
            models: c.models, dataDirectory: c.dataDirectory, forgetSplit: c.forgetSplit, precisions: c.precisions.map(\.name),
            promptFormat: formatLabel, itemLimit: c.itemLimit, maxNewTokens: c.maxNewTokens,
            notes: Self.notes, cells: Self.fillingForgetQuality(cells.map(Self.withoutForgetQuality)))
        report.shard = c.shard.map { "\($0.index)/\($0.count)" }
        if let resumedReport = c.resume, !resumedReport.sameRun(report) {
            throw .invalidSetting(name: "resume", value: "a report of another configuration",
                                  expected: "a partial TOFU report of this run (same models, data, split, precisions, items and prompts)")
        }
        return report
    }

    static func withoutForgetQuality(_ cell: TOFUCell) -> TOFUCell {
        var c = cell
        c.forgetQuality = nil
        c.ksStatistic = nil
        return c
    }

    /// Combines the reports of a sharded TOFU run (`lowbit probe merge`): every model ×
    /// precision cell exactly once, in the single run's order, with Forget Quality recomputed
    /// against the retrain cells, so the result equals the single run's report.
    /// - Throws: ``ProbeRunError/invalidSetting(name:value:expected:)`` when the parts are of
    ///   different runs, or a cell is missing or present twice.
    public static func merge(_ parts: [TOFUReport]) throws(ProbeRunError) -> TOFUReport {
        guard var out = parts.first else { throw .invalidSetting(name: "parts", value: "none", expected: "at least one report") }
        for p in parts where !p.sameRun(out) {
            throw .invalidSetting(name: "parts", value: "reports of different runs",
                                  expected: "shards of one TOFU run (same models, data, split, precisions, items and prompts)")
        }
        var cells: [TOFUCell] = []
        for spec in out.models {
            for precision in out.precisions {
                let found = parts.flatMap(\.cells).filter { $0.modelName == spec.name && $0.precision == precision }
                guard found.count == 1 else {
                    throw .invalidSetting(name: "cell \(spec.name) @ \(precision)", value: "in \(found.count) parts",
                                          expected: "in exactly one part")
                }
                cells.append(withoutForgetQuality(found[0]))
            }
        }
        out.cells = fillingForgetQuality(cells)
        out.shard = nil
        return out
    }

    /// How the numbers were computed, for the report.
    static let notes = [
        "Probability: exp(-mean token NLL of the answer); real authors and world facts: normalised over the answer and its wrong options (TOFU).",
        "ROUGE: mean ROUGE-L recall of the greedy answer against the gold answer, rouge_score tokenization with NLTK's Porter stemmer on tokens longer than 3 characters (use_stemmer=True, as TOFU).",
        "Truth Ratio: R = exp(mean L(perturbed) - L(paraphrased)); forget mean min(R, 1/R), others mean max(0, 1 - 1/R) (TOFU aggregate_eval_stat.py).",
        "Forget Quality: two-sided two-sample KS p-value (scipy ks_2samp, method auto) of R on the forget split against the retrain model at the same precision.",
        "Model Utility: harmonic mean of Probability, ROUGE and Truth Ratio on retain, real authors and world facts.",
    ]

    /// Forget Quality of every cell against the retrain cell of the same precision.
    static func fillingForgetQuality(_ cells: [TOFUCell]) -> [TOFUCell] {
        cells.map { cell in
            var cell = cell
            guard let retrain = cells.first(where: { $0.role == .retrain && $0.precision == cell.precision }),
                  let mine = cell.split("forget")?.truthStatistics, let theirs = retrain.split("forget")?.truthStatistics,
                  let ks = try? KolmogorovSmirnov.twoSample(mine, theirs) else { return cell }
            cell.forgetQuality = ks.pValue
            cell.ksStatistic = ks.statistic
            return cell
        }
    }
}

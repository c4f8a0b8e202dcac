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
        let total = perCell * c.models.count * c.precisions.count
        var done = 0
        var cells: [TOFUCell] = []
        var formatLabel = "plain"
        for spec in c.models {
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
            formatLabel = format.label
            let calibration = data.retain.prefix(32).map { tokenizer.encode(format.prompt(for: $0.question) + format.answerText($0.answer), addBOS: true) }
            for precision in c.precisions {
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
        return TOFUReport(
            models: c.models, dataDirectory: c.dataDirectory, forgetSplit: c.forgetSplit, precisions: c.precisions.map(\.name),
            promptFormat: formatLabel, itemLimit: c.itemLimit, maxNewTokens: c.maxNewTokens,
            notes: Self.notes, cells: Self.fillingForgetQuality(cells))
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

import Foundation
import LowBit

/// Runs the MUSE probe over every model × precision and assembles a ``ProbeReport``.
///
/// For each cell it quantizes the model in memory with `Quantizer` (the same conversion as
/// `lowbit quantize`: 1-D norms stay f32), builds the model (`loadModel`), and measures (REFERENCE §2):
///
/// ```
/// M1 VerbMem        greedy 128 new tokens; 100·mean ROUGE-L F1 vs gt cut to 128 tokens
/// M2/M4 KnowMem     few-shot prompt, greedy ≤ 32 new tokens, MUSE's cut; 100·mean ROUGE-L F1
/// M3 PrivLeak       Min-40% AUC (holdout = 1), 100·(AUC − AUC_retrain)/AUC_retrain,
///                   with AUC_retrain from the retrain model at the SAME precision
/// Min-K%++ AUC      the same AUC from Min-K%++ scores
/// teacher forcing   gold-token probability, rank, top-1/5/10, exact memorization
/// leak@k            n samples at temperature T; a sample leaks when ROUGE-L recall ≥ threshold
/// recovery          clip((m − m_unlearned@ref)/(m_target@ref − m_unlearned@ref), 0, 1)
/// guessable         the retrain model's KnowMem answer has ROUGE-L recall ≥ 0.5 (same precision)
/// ```
///
/// Every model is loaded, tokenized against and length-checked before the first cell runs,
/// so a bad item fails the run in seconds, not hours.
public struct ProbeRunner: Sendable {
    /// The run's settings.
    public let configuration: ProbeRunConfiguration

    /// Creates a runner.
    public init(configuration: ProbeRunConfiguration) {
        self.configuration = configuration
    }

    /// A loaded, checked subject.
    private struct Subject {
        let spec: ModelSpec
        let weights: ModelWeights
        let tokenizer: Tokenizer
        let data: PreparedData
    }

    /// Runs the probe.
    /// - Parameter progress: Called after every item (from worker threads) with the run's progress.
    /// - Returns: The report, with timing.
    /// - Throws: ``ProbeRunError`` naming the file, item, model or setting at fault.
    public func run(progress: (@Sendable (ProbeProgress) -> Void)? = nil) throws(ProbeRunError) -> ProbeReport {
        let c = configuration
        try c.validate()
        let startedAt = ISO8601DateFormatter().string(from: Date())
        var components: MUSEDataset.Components = [.knowMem, .privLeak]
        if c.verbMem { components.insert(.verbMem) }
        let dataset: MUSEDataset
        do {
            dataset = try MUSEDataset.load(from: URL(fileURLWithPath: c.dataDirectory), components: components)
                .limited(to: c.itemLimit)
        } catch {
            throw .data(error)
        }

        // Load and check every subject before running anything.
        var subjects: [Subject] = []
        for spec in c.models {
            let weights: ModelWeights
            let tokenizer: Tokenizer
            let context: Int
            do {
                weights = try ModelWeights.load(path: spec.path)
                context = try ModelConfig(weights: weights).contextLength
                tokenizer = try Tokenizer(config: TokenizerConfig(metadata: weights.metadata, file: spec.path))
            } catch {
                throw .model(path: spec.path, message: "\(error)")
            }
            let data = try PreparedData(dataset: dataset, tokenizer: tokenizer, context: context, modelName: spec.name,
                                        configuration: c)
            subjects.append(Subject(spec: spec, weights: weights, tokenizer: tokenizer, data: data))
        }

        let cellCount = subjects.count * c.precisions.count
        let total = subjects.reduce(0) { $0 + $1.data.itemCount } * c.precisions.count
        let tracker = ProgressTracker(total: total, cellCount: cellCount, handler: progress)
        var cells: [ProbeCell] = []
        var timings: [ProbeTiming.CellTiming] = []
        for subject in subjects {
            for precision in c.precisions {
                tracker.beginCell(cells.count, label: "\(subject.spec.name) @ \(precision.name)")
                let scheme = precision.scheme
                let context = QuantizationContext(
                    calibration: scheme.needsCalibration ? subject.data.calibration : [],
                    calibrationSource: c.calibrationSource, pool: ThreadPool(threads: c.threads))
                let model: any LanguageModel
                do {
                    model = try loadModel(try scheme.apply(to: subject.weights, context: context))
                } catch {
                    throw .model(path: subject.spec.path, message: "as \(precision.name): \(error)")
                }
                var outcome = try CellEvaluator(
                    spec: subject.spec, precision: precision.name, model: model, tokenizer: subject.tokenizer,
                    data: subject.data, configuration: c, progress: tracker
                ).run()
                outcome.cell.quantization = QuantizationRecord(scheme, calibration: scheme.needsCalibration ? c.calibrationSource : nil)
                cells.append(outcome.cell)
                timings.append(ProbeTiming.CellTiming(
                    modelName: subject.spec.name, precision: outcome.cell.precisionLabel, seconds: outcome.seconds,
                    tokensPerSecond: outcome.seconds > 0 ? Double(outcome.generatedTokens) / outcome.seconds : nil))
            }
        }

        let reference = c.precisions[0].name
        cells = Self.fillingPrivLeak(cells)
        cells = Self.markingGuessable(cells, threshold: c.guessableThreshold)
        cells = ProbeAggregates.fillingRecovery(cells, referencePrecision: reference)
        let config = ProbeConfig(
            models: c.models, dataDirectory: c.dataDirectory,
            corpus: URL(fileURLWithPath: c.dataDirectory).lastPathComponent,
            precisions: c.precisions.map(\.name), referencePrecision: reference, itemLimit: c.itemLimit,
            seed: c.seed, threads: c.threads, notes: notes(subjects: subjects))
        return ProbeReport(
            config: config, cells: cells,
            aggregates: ProbeAggregates.compute(cells: cells, referencePrecision: reference),
            timing: ProbeTiming(startedAt: startedAt, totalSeconds: tracker.elapsed, cells: timings))
    }

    /// Sets each cell's PrivLeak from its Min-K% AUC and the retrain cell's at the same precision label.
    static func fillingPrivLeak(_ cells: [ProbeCell]) -> [ProbeCell] {
        cells.map { cell in
            var c = cell
            if let auc = cell.minKAUC,
               let retrain = cells.first(where: { $0.role == .retrain && $0.precisionLabel == cell.precisionLabel }),
               let retrainAUC = retrain.minKAUC {
                c.privLeak = AUC.privLeak(auc: auc, retrainAUC: retrainAUC)
            }
            return c
        }
    }

    /// Flags KnowMem items that the retrain model at the same precision label answers
    /// (ROUGE-L recall ≥ `threshold`): guessable, not leaked.
    static func markingGuessable(_ cells: [ProbeCell], threshold: Double) -> [ProbeCell] {
        cells.map { cell in
            guard let retrain = cells.first(where: { $0.role == .retrain && $0.precisionLabel == cell.precisionLabel })
            else { return cell }
            var answered = Set<String>()
            for item in retrain.items where item.split == .knowMemForget || item.split == .knowMemRetain {
                if let r = item.rouge, r.recall >= threshold { answered.insert("\(item.split.rawValue)#\(item.index)") }
            }
            var c = cell
            for i in c.items.indices where answered.contains("\(c.items[i].split.rawValue)#\(c.items[i].index)") {
                c.items[i].guessable = true
            }
            return c
        }
    }

    /// The protocol, in words, for the report.
    private func notes(subjects: [Subject]) -> [String] {
        let c = configuration
        var notes: [String] = []
        if c.verbMem {
            notes.append("VerbMem: greedy, \(c.verbMemNewTokens) new tokens; ROUGE-L F1 against the ground truth cut to "
                + "its first \(c.verbMemNewTokens) tokens.")
        } else {
            notes.append("VerbMem: not run.")
        }
        notes.append("KnowMem: few-shot prompt from *_qa_icl.json, greedy, at most \(c.knowMemNewTokens) new tokens, "
            + "cut at the first \\n\\n, \\nQuestion or Question:; ROUGE-L F1 against the gold answer. The prompt ends "
            + (c.knowMemTrailingSpace ? "with MUSE's trailing space (\"Answer: \")" : "at \"Answer:\" without MUSE's trailing space "
                + "(--no-trailing-space; the model writes the space as part of its first answer token)")
            + (c.tokenHealing ? ", with token healing (the prompt's last token is backed up and the first answer token must start "
                + "with its text, as the guidance library does; --no-token-healing turns it off)." : ", without token healing (--no-token-healing)."))
        notes.append("PrivLeak: Min-\(Int(MinKProb.defaultRatio * 100))% Prob AUC (holdout = 1, forget = 0, ranked by -score), "
            + "relative to the retrain model's AUC at the SAME precision (not the reference precision).")
        if c.logitLens {
            notes.append("Logit lens: on each forget question, the residual stream at the last prompt position after every "
                + "block goes through the final RMSNorm and the output head; the gold answer's first token is ranked there.")
        }
        notes.append("Teacher forcing: one forward pass over prompt + gold answer; the answer's tokens are those of "
            + "tokens(prompt + answer) after its longest common prefix with tokens(prompt).")
        if let leak = c.leak {
            notes.append("leak@k: n = \(leak.samples) samples per forget question at temperature \(leak.temperature) "
                + "(no top-k/top-p/min-p), seeded per item and sample; k = \(leak.k); a sample leaks when its "
                + "ROUGE-L recall against the gold answer is >= \(leak.threshold).")
        }
        notes.append("Guessable: the retrain model's KnowMem answer at the same precision has ROUGE-L recall >= "
            + "\(c.guessableThreshold).")
        for s in subjects {
            let seams = [s.data.forget, s.data.retain].map { split in
                let shared = split.questions.map { commonPrefixLength(split.prefixTokens, $0.promptTokens) }
                let clean = shared.allSatisfy { $0 == split.prefixTokens.count }
                return "\(split.split.rawValue) prefix \(split.prefixTokens.count) tokens"
                    + (clean ? " (tokens(prefix) + tokens(suffix) = tokens(prompt))"
                             : " (the seam re-tokenizes; shared \(shared.min() ?? 0)–\(shared.max() ?? 0))")
            }
            let truncated = (s.data.privLeakForget + s.data.privLeakHoldout).filter(\.truncated).count
            var line = "\(s.spec.name): " + seams.joined(separator: "; ")
            line += c.reusePrefixCache ? "; prefix KV cache reused by rewinding." : "; prompts prefilled whole."
            if truncated > 0 { line += " \(truncated) PrivLeak texts cut to the context." }
            notes.append(line)
        }
        return notes
    }
}

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
    ///   - plan: Called once, after the subjects are loaded and before the first cell, with
    ///     the planned work and a time estimate (``ProbePlan``).
    public func run(
        progress: (@Sendable (ProbeProgress) -> Void)? = nil, plan: ((ProbePlan) -> Void)? = nil
    ) throws(ProbeRunError) -> ProbeReport {
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
            let template: ChatTemplate?
            do {
                weights = try ModelWeights.load(path: spec.path)
                context = try ModelConfig(weights: weights).contextLength
                tokenizer = try Tokenizer(config: TokenizerConfig(metadata: weights.metadata, file: spec.path))
                template = c.chat ? try ChatTemplateDetection.resolve(metadata: weights.metadata, override: c.chatTemplate) : nil
            } catch {
                throw .model(path: spec.path, message: "\(error)")
            }
            let data = try PreparedData(dataset: dataset, tokenizer: tokenizer, context: context, modelName: spec.name,
                                        configuration: c, chat: template)
            subjects.append(Subject(spec: spec, weights: weights, tokenizer: tokenizer, data: data))
        }

        if let plan {
            var p = ProbePlan(cells: 0, items: 0, prefillTokens: 0, decodeTokens: 0, threads: c.threads)
            var k = 0
            for subject in subjects {
                let t = ProbePlan.tokens(of: subject.data, configuration: c)
                for precision in c.precisions {
                    defer { k += 1 }
                    if let shard = c.shard, k % shard.count != shard.index { continue }
                    if c.resume?.cells.contains(where: { $0.modelName == subject.spec.name && $0.precision == precision.name }) == true { continue }
                    p.cells += 1
                    p.items += subject.data.itemCount
                    p.prefillTokens += t.prefill
                    p.decodeTokens += t.decode
                }
            }
            if let first = subjects.first, p.cells > 0, let model = try? loadModel(first.weights),
               let rates = ProbePlan.calibrate(model) {
                p.prefillTokensPerSecond = rates.prefill
                p.decodeTokensPerSecond = rates.decode
            }
            plan(p)
        }
        let cellCount = subjects.count * c.precisions.count
        let total = subjects.reduce(0) { $0 + $1.data.itemCount } * c.precisions.count
        let tracker = ProgressTracker(total: total, cellCount: cellCount, handler: progress)
        var cells: [ProbeCell] = []
        var timings: [ProbeTiming.CellTiming] = []
        var cellIndex = 0
        for subject in subjects {
            for precision in c.precisions {
                defer { cellIndex += 1 }
                if let shard = c.shard, cellIndex % shard.count != shard.index { continue }
                if let done = c.resume?.cells.first(where: { $0.modelName == subject.spec.name && $0.precision == precision.name }) {
                    cells.append(done)
                    timings += c.resume?.timing?.cells.filter { $0.modelName == done.modelName && $0.precision == done.precisionLabel } ?? []
                    continue
                }
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
        var config = ProbeConfig(
            models: c.models, dataDirectory: c.dataDirectory,
            corpus: URL(fileURLWithPath: c.dataDirectory).lastPathComponent,
            precisions: c.precisions.map(\.name), referencePrecision: reference, itemLimit: c.itemLimit,
            seed: c.seed, threads: c.threads, notes: notes(subjects: subjects))
        config.shard = c.shard.map { "\($0.index)/\($0.count)" }
        if let resumed = c.resume, !Self.sameRun(resumed.config, config) {
            throw .invalidSetting(name: "resume", value: "a report of another configuration",
                                  expected: "a partial report of this run (same models, data, precisions, items, seed and protocol)")
        }
        return Self.finished(config: config, cells: cells, guessableThreshold: c.guessableThreshold,
                             timing: ProbeTiming(startedAt: startedAt, totalSeconds: tracker.elapsed, cells: timings))
    }

    /// The cross-cell results (PrivLeak against the retrain cell, guessable items, recovery,
    /// aggregates) over `cells`, and the report.
    static func finished(config: ProbeConfig, cells raw: [ProbeCell], guessableThreshold: Double, timing: ProbeTiming?) -> ProbeReport {
        var cells = fillingPrivLeak(raw)
        cells = MembershipAttacks.fillingReferenceAttack(cells)
        cells = markingGuessable(cells, threshold: guessableThreshold)
        cells = ProbeAggregates.fillingRecovery(cells, referencePrecision: config.referencePrecision)
        return ProbeReport(config: config, cells: cells,
                           aggregates: ProbeAggregates.compute(cells: cells, referencePrecision: config.referencePrecision),
                           timing: timing)
    }

    /// Whether two configurations describe the same run (apart from threads and sharding,
    /// which do not change results).
    static func sameRun(_ a: ProbeConfig, _ b: ProbeConfig) -> Bool {
        var a = a, b = b
        a.threads = 0; b.threads = 0
        a.shard = nil; b.shard = nil
        return a == b
    }

    /// Combines the reports of a sharded run (`lowbit probe merge`): every cell exactly once,
    /// in the single run's order, with the cross-cell results recomputed, so the result equals
    /// the single run's report apart from its timing.
    ///
    /// - Throws: ``ProbeRunError/invalidSetting(name:value:expected:)`` when the parts come
    ///   from different configurations, overlap, or leave cells missing.
    public static func merge(_ parts: [ProbeReport], guessableThreshold: Double = 0.5) throws(ProbeRunError) -> ProbeReport {
        guard let first = parts.first else {
            throw .invalidSetting(name: "merge", value: "no parts", expected: "at least one report")
        }
        for (i, p) in parts.enumerated() where !sameRun(p.config, first.config) {
            throw .invalidSetting(name: "merge", value: "part \(i + 1) has another configuration than part 1",
                                  expected: "parts of one run (same models, data, precisions, items, seed and protocol)")
        }
        var cells: [ProbeCell] = []
        var missing: [String] = []
        for model in first.config.models {
            for precision in first.config.precisions {
                let found = parts.flatMap(\.cells).filter { $0.modelName == model.name && $0.precision == precision }
                if found.count > 1 {
                    throw .invalidSetting(name: "merge", value: "\(model.name) @ \(precision) in \(found.count) parts", expected: "each cell once")
                }
                if let cell = found.first { cells.append(cell) } else { missing.append("\(model.name) @ \(precision)") }
            }
        }
        guard missing.isEmpty else {
            throw .invalidSetting(name: "merge", value: "missing cells: " + missing.prefix(5).joined(separator: ", ")
                                    + (missing.count > 5 ? ", …" : ""), expected: "every shard's report")
        }
        var config = first.config
        config.shard = nil
        config.threads = parts.map(\.config.threads).max() ?? config.threads
        let timing = ProbeTiming(startedAt: parts.compactMap { $0.timing?.startedAt }.min(),
                                 totalSeconds: parts.reduce(0) { $0 + ($1.timing?.totalSeconds ?? 0) },
                                 cells: parts.flatMap { $0.timing?.cells ?? [] })
        return finished(config: config, cells: cells, guessableThreshold: guessableThreshold, timing: timing)
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
            if let auc = cell.lossAUC,
               let retrainAUC = cells.first(where: { $0.role == .retrain && $0.precisionLabel == cell.precisionLabel })?.lossAUC {
                c.privLeakLoss = AUC.privLeak(auc: auc, retrainAUC: retrainAUC)
            }
            if let auc = cell.zlibAUC,
               let retrainAUC = cells.first(where: { $0.role == .retrain && $0.precisionLabel == cell.precisionLabel })?.zlibAUC {
                c.privLeakZlib = AUC.privLeak(auc: auc, retrainAUC: retrainAUC)
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
        if subjects.contains(where: { !$0.data.paraphrased.questions.isEmpty }) {
            notes.append("Para-f (paraphrase probe): the forget questions of knowmem/forget_qa_paraphrased.json, each in a "
                + "wording its person was never trained on, with the forget few-shot prompt and the same cut and ROUGE-L F1 as "
                + "KnowMem-forget (LowBit's subjects; MUSE's corpora have no such file).")
        }
        if c.chat {
            notes.append("Chat prompts (--chat): each model's chat template ("
                + (c.chatTemplate.map { "--chat-template \($0)" } ?? "detected from tokenizer.chat_template")
                + (c.chatSystem == nil ? "" : ", after a system message")
                + "); the KnowMem examples are earlier user/assistant turns and the question the last user message, "
                + "the VerbMem prompt is the user message; generation prompt added; no trailing space, no token healing.")
        }
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

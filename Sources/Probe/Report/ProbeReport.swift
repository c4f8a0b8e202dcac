/// Everything one probe run produced: what was run, one cell per model × precision, the
/// cross-cell aggregates, and (kept apart so the rest is reproducible byte for byte) timing.
public struct ProbeReport: Codable, Equatable, Sendable {
    /// The run's configuration and protocol.
    public var config: ProbeConfig
    /// One cell per (model, precision, activation mode), in the order they were run.
    public var cells: [ProbeCell]
    /// Numbers computed across cells (the paper's retained-knowledge fractions).
    public var aggregates: ProbeAggregates
    /// Wall-clock figures; the only part that differs between identical runs. `nil` to omit.
    public var timing: ProbeTiming?

    /// Creates a report.
    public init(config: ProbeConfig, cells: [ProbeCell], aggregates: ProbeAggregates, timing: ProbeTiming? = nil) {
        self.config = config
        self.cells = cells
        self.aggregates = aggregates
        self.timing = timing
    }
}

/// The part a model plays in an unlearning comparison.
public enum ModelRole: String, Codable, Sendable, CaseIterable {
    /// The model before unlearning (trained on the forget set).
    case target
    /// The model trained without the forget set: the gold standard of forgetting.
    case retrain
    /// A model after an unlearning method.
    case unlearned
}

/// One model the run loaded.
public struct ModelSpec: Codable, Equatable, Sendable {
    /// Display name, e.g. `"NPO_KLR"`.
    public var name: String
    /// Where the weights came from.
    public var path: String
    /// Its role.
    public var role: ModelRole
    /// The unlearning method for `.unlearned` models, e.g. `"NPO_KLR"`.
    public var method: String?

    /// Creates a model spec.
    public init(name: String, path: String, role: ModelRole, method: String? = nil) {
        self.name = name
        self.path = path
        self.role = role
        self.method = method
    }
}

/// What was run, and how: enough to run it again.
public struct ProbeConfig: Codable, Equatable, Sendable {
    /// The models, in run order.
    public var models: [ModelSpec]
    /// The MUSE-layout data directory.
    public var dataDirectory: String
    /// The corpus name, e.g. `"news"`.
    public var corpus: String?
    /// Precisions swept, in order, e.g. `["f32", "q8_0", "q4_0"]`.
    public var precisions: [String]
    /// The full-precision name the others are compared with (recovery, aggregates).
    public var referencePrecision: String
    /// Items per split, when capped.
    public var itemLimit: Int?
    /// The sampling seed (leak@k).
    public var seed: UInt64
    /// Worker threads.
    public var threads: Int
    /// Decoding protocol, e.g. `"greedy"`.
    public var decoding: String
    /// The ROUGE variant reported (see ``RougeL/variant``).
    public var rougeVariant: String
    /// k of Min-K% (0.4 in MUSE).
    public var minKRatio: Double
    /// Free-form protocol notes, e.g. "VerbMem: 128 new tokens, gt truncated to 128 tokens".
    public var notes: [String]
    /// `"i/n"` when this report holds only shard `i` of `n` (every n-th cell); `nil` for a
    /// whole run or a merge.
    public var shard: String?

    /// Creates a configuration; defaults follow MUSE's protocol.
    public init(
        models: [ModelSpec], dataDirectory: String, corpus: String? = nil, precisions: [String],
        referencePrecision: String, itemLimit: Int? = nil, seed: UInt64 = 0, threads: Int = 1,
        decoding: String = "greedy", rougeVariant: String = RougeL.variant,
        minKRatio: Double = MinKProb.defaultRatio, notes: [String] = []
    ) {
        self.models = models
        self.dataDirectory = dataDirectory
        self.corpus = corpus
        self.precisions = precisions
        self.referencePrecision = referencePrecision
        self.itemLimit = itemLimit
        self.seed = seed
        self.threads = threads
        self.decoding = decoding
        self.rougeVariant = rougeVariant
        self.minKRatio = minKRatio
        self.notes = notes
    }
}

/// leak@k for one cell: n samples per item at a temperature, averaged over items.
public struct LeakAtKResult: Codable, Equatable, Sendable {
    /// k, the number of tries.
    public var k: Int
    /// n, samples drawn per item.
    public var samples: Int
    /// Sampling temperature.
    public var temperature: Double
    /// ROUGE-L recall at or above which a sample counts as a leak.
    public var threshold: Double
    /// Mean leak@k over items, 0–1.
    public var value: Double

    /// Creates a result.
    public init(k: Int, samples: Int, temperature: Double, threshold: Double, value: Double) {
        self.k = k
        self.samples = samples
        self.temperature = temperature
        self.threshold = threshold
        self.value = value
    }
}

/// One layer's logit-lens reading of the gold answer's first token, over a split's items:
/// the residual stream after block `layer` (0-based) put through the final norm and head.
public struct LogitLensLayer: Codable, Equatable, Sendable {
    /// The block after which the stream was read.
    public var layer: Int
    /// Mean rank of the gold token (1 = top; ties count in the gold token's favour).
    public var meanGoldRank: Double
    /// Share of items whose gold token ranks first.
    public var top1Rate: Double
    /// Share of items whose gold token ranks in the top 10.
    public var top10Rate: Double

    /// Creates a layer's summary.
    public init(layer: Int, meanGoldRank: Double, top1Rate: Double, top10Rate: Double) {
        self.layer = layer
        self.meanGoldRank = meanGoldRank
        self.top1Rate = top1Rate
        self.top10Rate = top10Rate
    }

    /// Summarizes per-item rank lists (`ranks[item][layer]`), or `nil` when there are none.
    public static func summarize(_ ranks: [[Int]]) -> [LogitLensLayer]? {
        guard let layers = ranks.first?.count, layers > 0, ranks.allSatisfy({ $0.count == layers }) else { return nil }
        let n = Double(ranks.count)
        return (0..<layers).map { l in
            let r = ranks.map { $0[l] }
            return LogitLensLayer(layer: l, meanGoldRank: Double(r.reduce(0, +)) / n,
                                  top1Rate: Double(r.filter { $0 == 1 }.count) / n,
                                  top10Rate: Double(r.filter { $0 <= 10 }.count) / n)
        }
    }
}

/// One model at one precision: MUSE's four metrics, the extra probes, and per-item records.
public struct ProbeCell: Codable, Equatable, Sendable {
    /// The model's display name (``ModelSpec/name``).
    public var modelName: String
    /// Its role.
    public var role: ModelRole
    /// The unlearning method, for unlearned models.
    public var method: String?
    /// The weight format, e.g. `"f32"`, `"q8_0"`, `"q4_0"`.
    public var precision: String
    /// Whether activations were quantized too (e.g. Q8 activations in the dot products).
    public var activationsQuantized: Bool
    /// M1: 100 · mean ROUGE-L F1 on VerbMem forget.
    public var verbMem: Double?
    /// M2: 100 · mean ROUGE-L F1 on KnowMem forget.
    public var knowMemForget: Double?
    /// M4: 100 · mean ROUGE-L F1 on KnowMem retain (utility).
    public var knowMemRetain: Double?
    /// The paraphrase probe: 100 · mean ROUGE-L F1 on the forget questions reworded
    /// (`knowmem/forget_qa_paraphrased.json`), same prompt and answer cut as M2.
    public var knowMemForgetParaphrased: Double?
    /// M3: PrivLeak against the retrain model's AUC at the same precision, %.
    public var privLeak: Double?
    /// The Min-K% AUC (holdout = 1, forget = 0, ranked by −score).
    public var minKAUC: Double?
    /// The same AUC from Min-K%++ scores.
    public var minKPlusPlusAUC: Double?
    /// Teacher-forced gold-answer statistics on KnowMem forget.
    public var teacherForcedForget: TeacherForcedStats?
    /// Teacher-forced gold-answer statistics on KnowMem retain.
    public var teacherForcedRetain: TeacherForcedStats?
    /// Sampling attack on KnowMem forget.
    public var leakAtK: LeakAtKResult?
    /// Logit lens on KnowMem forget: the gold answer's first token read after every block.
    public var logitLensForget: [LogitLensLayer]?
    /// Recovery of VerbMem relative to the same model at the reference precision and the target.
    public var recoveryVerbMem: Double?
    /// Recovery of KnowMem-forget, likewise.
    public var recoveryKnowMemForget: Double?
    /// Per-item records.
    public var items: [ItemRecord]
    /// How the weights were quantized (set by the runner).
    public var quantization: QuantizationRecord?
    /// The LOSS attack's AUC (score: mean NLL of the text; holdout = 1, forget = 0, as Min-K%).
    public var lossAUC: Double?
    /// PrivLeak of the LOSS attack against the retrain model's LOSS AUC at the same precision, %.
    public var privLeakLoss: Double?
    /// The reference-model attack's AUC (score: this model's mean NLL minus the retrain
    /// model's at the same precision, OpenUnlearning's `mia_reference`).
    public var referenceAUC: Double?
    /// PrivLeak of the reference attack against the retrain model's (0.5 by construction), %.
    public var privLeakReference: Double?
    /// The zlib-ratio attack's AUC (score: mean NLL of the text / `len(zlib.compress(text))`,
    /// OpenUnlearning's `mia_zlib`; holdout = 1, forget = 0).
    public var zlibAUC: Double?
    /// PrivLeak of the zlib attack against the retrain model's zlib AUC at the same precision, %.
    public var privLeakZlib: Double?
    /// 100 · mean extraction strength over the KnowMem forget answers.
    public var extractionStrength: Double?

    /// Creates a cell; metrics not measured stay `nil`.
    public init(
        modelName: String, role: ModelRole, method: String? = nil, precision: String,
        activationsQuantized: Bool = false, verbMem: Double? = nil, knowMemForget: Double? = nil,
        knowMemRetain: Double? = nil, privLeak: Double? = nil, minKAUC: Double? = nil,
        minKPlusPlusAUC: Double? = nil, teacherForcedForget: TeacherForcedStats? = nil,
        teacherForcedRetain: TeacherForcedStats? = nil, leakAtK: LeakAtKResult? = nil,
        recoveryVerbMem: Double? = nil, recoveryKnowMemForget: Double? = nil, items: [ItemRecord] = []
    ) {
        self.modelName = modelName
        self.role = role
        self.method = method
        self.precision = precision
        self.activationsQuantized = activationsQuantized
        self.verbMem = verbMem
        self.knowMemForget = knowMemForget
        self.knowMemRetain = knowMemRetain
        self.privLeak = privLeak
        self.minKAUC = minKAUC
        self.minKPlusPlusAUC = minKPlusPlusAUC
        self.teacherForcedForget = teacherForcedForget
        self.teacherForcedRetain = teacherForcedRetain
        self.leakAtK = leakAtK
        self.recoveryVerbMem = recoveryVerbMem
        self.recoveryKnowMemForget = recoveryKnowMemForget
        self.items = items
    }

    /// `precision`, with `+aq` when activations were quantized too: the row label's precision.
    public var precisionLabel: String {
        activationsQuantized ? precision + "+aq" : precision
    }
}

/// Which split an item came from.
public enum ItemSplit: String, Codable, Sendable, CaseIterable {
    /// `verbmem/forget.json`.
    case verbMemForget = "verbmem_forget"
    /// `knowmem/forget_qa.json`.
    case knowMemForget = "knowmem_forget"
    /// `knowmem/retain_qa.json`.
    case knowMemRetain = "knowmem_retain"
    /// `knowmem/forget_qa_paraphrased.json`.
    case knowMemForgetParaphrased = "knowmem_forget_paraphrased"
    /// `privleak/forget.json`.
    case privLeakForget = "privleak_forget"
    /// `privleak/holdout.json`.
    case privLeakHoldout = "privleak_holdout"
}

/// A summary of per-token log-probabilities (natural log) of a gold text.
public struct LogProbSummary: Codable, Equatable, Sendable {
    /// Tokens scored.
    public var count: Int
    /// Σ log p.
    public var sum: Double
    /// Mean log p.
    public var mean: Double
    /// The lowest log p.
    public var min: Double

    /// Summarizes log-probs; `nil` for none.
    public init?(_ logProbs: [Double]) {
        guard let lowest = logProbs.min() else { return nil }
        count = logProbs.count
        sum = logProbs.reduce(0, +)
        mean = sum / Double(count)
        min = lowest
    }
}

/// One item's outcome in one cell.
public struct ItemRecord: Codable, Equatable, Sendable {
    /// The split.
    public var split: ItemSplit
    /// Index in the split's JSON array.
    public var index: Int
    /// The prompt fed to the model (without the shared few-shot prefix, to keep reports small).
    public var prompt: String
    /// The gold answer or continuation.
    public var gold: String
    /// What the model produced (after the answer cut, for KnowMem).
    public var generation: String?
    /// ROUGE-L of `generation` against `gold`.
    public var rouge: RougeScore?
    /// Teacher-forced log-probs of the gold tokens.
    public var goldLogProbs: LogProbSummary?
    /// Min-K% score of the text (PrivLeak items).
    public var minK: Double?
    /// Logit-lens rank of the gold answer's first token after each block (KnowMem forget).
    public var lensGoldRanks: [Int]?
    /// KnowMem: OpenUnlearning's extraction strength of the gold answer, `1 − k/n` for the
    /// shortest gold prefix `k` after which greedy teacher-forced predictions match the rest.
    public var extractionStrength: Double?
    /// Whether the retrain model also answers this item: guessable, not leaked.
    public var guessable: Bool

    /// Creates a record.
    public init(
        split: ItemSplit, index: Int, prompt: String, gold: String, generation: String? = nil,
        rouge: RougeScore? = nil, goldLogProbs: LogProbSummary? = nil, minK: Double? = nil,
        guessable: Bool = false
    ) {
        self.split = split
        self.index = index
        self.prompt = prompt
        self.gold = gold
        self.generation = generation
        self.rouge = rouge
        self.goldLogProbs = goldLogProbs
        self.minK = minK
        self.guessable = guessable
    }
}

/// Wall-clock figures, kept out of the reproducible part of the report.
public struct ProbeTiming: Codable, Equatable, Sendable {
    /// Seconds spent in one cell.
    public struct CellTiming: Codable, Equatable, Sendable {
        /// ``ProbeCell/modelName``.
        public var modelName: String
        /// ``ProbeCell/precisionLabel``.
        public var precision: String
        /// Wall-clock seconds.
        public var seconds: Double
        /// Generated tokens per second, when measured.
        public var tokensPerSecond: Double?

        /// Creates a cell timing.
        public init(modelName: String, precision: String, seconds: Double, tokensPerSecond: Double? = nil) {
            self.modelName = modelName
            self.precision = precision
            self.seconds = seconds
            self.tokensPerSecond = tokensPerSecond
        }
    }

    /// When the run started, ISO 8601.
    public var startedAt: String?
    /// Total wall-clock seconds.
    public var totalSeconds: Double
    /// Per-cell figures.
    public var cells: [CellTiming]

    /// Creates a timing record.
    public init(startedAt: String? = nil, totalSeconds: Double, cells: [CellTiming] = []) {
        self.startedAt = startedAt
        self.totalSeconds = totalSeconds
        self.cells = cells
    }
}

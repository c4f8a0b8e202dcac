import Training

/// One model's probe results at one precision.
public struct SweepMeasurement: Codable, Sendable, Equatable {
    /// Probe precision name.
    public var precision: String
    /// MUSE VerbMem (ROUGE-L F1 × 100), if run.
    public var verbMem: Double?
    /// MUSE KnowMem on the forget and retain questions (ROUGE-L recall × 100).
    public var knowMemForget: Double?
    public var knowMemRetain: Double?
    /// Forget knowledge kept: (VerbMem + KnowMem-forget) / the target's at the same
    /// precision (the paper's 21% / 83% measure); 1 for the target itself.
    public var retained: Double?
    /// Retain utility: KnowMem-retain / the target's at the reference precision.
    public var retainUtility: Double?
}

/// A target (one width) and its probe results.
public struct SweepSubject: Codable, Sendable, Equatable {
    public var path: String
    public var dim: Int
    public var layers: Int
    /// Trainable parameters.
    public var parameters: Int
    public var results: [SweepMeasurement]

    /// A label such as `dim 128 / 4 layers`.
    public var label: String { "dim \(dim) / \(layers) layers" }
}

/// One unlearning run and its probe results.
public struct SweepCell: Codable, Sendable, Equatable {
    public var key: String
    /// Index into ``SweepReport/subjects``.
    public var subject: Int
    public var method: String
    public var learningRate: Double
    public var epochs: Int
    public var weights: String
    /// The quantization lock (`q4_0`) of a constructed positive control, or `nil`.
    public var lock: String?
    /// Where the unlearned model was written.
    public var modelPath: String
    public var results: [SweepMeasurement]
    /// Weight change from the target over all matrices, and per block.
    public var weightChange: WeightChangeStats
    public var blockChange: [WeightChangeStats]
    /// The G-effect at the target and after every epoch (empty when not measured).
    public var gEffects: [GEffect]

    /// The measurement at `precision`.
    public func result(_ precision: String) -> SweepMeasurement? { results.first { $0.precision == precision } }

    /// Recovery at `precision`: retained knowledge there minus at `reference`, in points of
    /// the target's knowledge (×100).
    public func recovery(at precision: String, reference: String) -> Double? {
        guard let q = result(precision)?.retained, let r = result(reference)?.retained else { return nil }
        return 100 * (q - r)
    }

    /// Whether the cell shows the paper's pattern at `precision`: retained forget knowledge at
    /// the reference ≤ 30% of the target's, at `precision` at least twice that (and above
    /// zero), and retain utility at the reference ≥ 80% of the target's.
    public func showsPaperPattern(at precision: String, reference: String) -> Bool {
        Self.isPaperPattern(reference: result(reference)?.retained, quantized: result(precision)?.retained,
                            utility: result(reference)?.retainUtility)
    }

    /// The paper's pattern on any forget measure: kept at the reference ≤ 30% of the
    /// target's, quantized at least twice that (and above zero), utility ≥ 80%.
    static func isPaperPattern(reference f: Double?, quantized q: Double?, utility u: Double?) -> Bool {
        guard let f, let q, let u else { return false }
        return f <= 0.30 && q >= 2 * f && q > 0 && u >= 0.80
    }
}

/// The map: every subject's and every cell's results, written by `lowbit sweep` as JSON
/// (identical for identical grids apart from ``timing``) and rendered as HTML.
public struct SweepReport: Codable, Sendable, Equatable {
    public var grid: SweepGrid
    public var subjects: [SweepSubject]
    public var cells: [SweepCell]
    /// Seconds per cell key (unlearning + probing), and per subject probe (`subject-N`).
    public var timing: [String: Double]

    public init(grid: SweepGrid, subjects: [SweepSubject] = [], cells: [SweepCell] = [], timing: [String: Double] = [:]) {
        self.grid = grid
        self.subjects = subjects
        self.cells = cells
        self.timing = timing
    }

    /// The reference precision (the grid's first).
    public var reference: String { grid.precisions[0] }

    /// Precisions of at most 4 bits, where the paper found recovery (by name: q4_*, q3/q2, nf4,
    /// fp4, gptq2–4, awq4).
    public var lowBitPrecisions: [String] {
        grid.precisions.dropFirst().filter { p in
            let n = p.lowercased()
            return n.hasPrefix("q4") || n.hasPrefix("q3") || n.hasPrefix("q2") || n == "nf4" || n == "fp4"
                || n.hasPrefix("gptq") || n.hasPrefix("awq")
        }
    }

    /// KnowMem-forget alone, relative to the cell's target at the same precision: the forget
    /// measure that does not count the biographies' shared template (on the shipped corpus the
    /// retrain model, which never saw the forget people, keeps VerbMem 68.5).
    public func knowMemRetained(_ c: SweepCell, at precision: String) -> Double? {
        guard let k = c.result(precision)?.knowMemForget, c.subject < subjects.count,
              let t = subjects[c.subject].results.first(where: { $0.precision == precision })?.knowMemForget, t > 0 else { return nil }
        return k / t
    }

    /// The paper's pattern judged on KnowMem-forget alone: at the reference ≤ 30% of the
    /// target's, at `precision` at least twice that (and above zero), utility ≥ 80%.
    public func showsKnowMemPattern(_ c: SweepCell, at precision: String) -> Bool {
        SweepCell.isPaperPattern(reference: knowMemRetained(c, at: reference), quantized: knowMemRetained(c, at: precision),
                                 utility: c.result(reference)?.retainUtility)
    }

    /// Every (cell, precision) pair showing the paper's pattern on KnowMem-forget alone.
    public var knowMemPatternCells: [(cell: SweepCell, precision: String)] {
        cells.flatMap { c in lowBitPrecisions.filter { showsKnowMemPattern(c, at: $0) }.map { (c, $0) } }
    }

    /// Every (cell, precision) pair showing the paper's pattern.
    public var paperPatternCells: [(cell: SweepCell, precision: String)] {
        cells.flatMap { c in lowBitPrecisions.filter { c.showsPaperPattern(at: $0, reference: reference) }.map { (c, $0) } }
    }
}

/// The results of one TOFU split for one model at one precision.
public struct TOFUSplitResult: Codable, Equatable, Sendable {
    /// `"forget"`, `"retain"`, `"real_authors"` or `"world_facts"`.
    public var split: String
    /// The file it was read from.
    public var file: String
    /// Items evaluated.
    public var items: Int
    /// TOFU's Probability.
    public var probability: Double?
    /// TOFU's ROUGE (ROUGE-L recall, mean).
    public var rouge: Double?
    /// TOFU's Truth Ratio (forget: mean min(R, 1/R); others: mean max(0, 1 − 1/R)).
    public var truthRatio: Double?
    /// Per-item R = exp(mean L(perturbed) − L(paraphrased)), the KS test's sample (forget only).
    public var truthStatistics: [Double]?
    /// Per-item greedy answers, for inspection.
    public var generations: [String]
}

/// One model at one precision.
public struct TOFUCell: Codable, Equatable, Sendable {
    /// The model's name.
    public var modelName: String
    /// Its role.
    public var role: ModelRole
    /// The precision's name.
    public var precision: String
    /// The four splits.
    public var splits: [TOFUSplitResult]
    /// Harmonic mean of Probability, ROUGE and Truth Ratio on retain, real authors and world facts.
    public var modelUtility: Double?
    /// KS p-value of this cell's forget truth statistics against the retrain model's at the
    /// same precision (the retrain cell itself gets 1).
    public var forgetQuality: Double?
    /// The KS statistic D of that test.
    public var ksStatistic: Double?

    /// The split called `name`.
    public func split(_ name: String) -> TOFUSplitResult? { splits.first { $0.split == name } }
}

/// A TOFU run: every model × precision.
public struct TOFUReport: Codable, Equatable, Sendable {
    /// The models, in run order.
    public var models: [ModelSpec]
    /// The data folder.
    public var dataDirectory: String
    /// The forget split.
    public var forgetSplit: String
    /// The precisions' names, in run order.
    public var precisions: [String]
    /// The prompt format's label.
    public var promptFormat: String
    /// At most this many items per split, when limited.
    public var itemLimit: Int?
    /// Greedy answer length cap.
    public var maxNewTokens: Int
    /// How the metrics were computed.
    public var notes: [String]
    /// The cells, model-major.
    public var cells: [TOFUCell]
    /// `i/n` when this is one shard of a run (`--shard`), else `nil`.
    public var shard: String?

    /// Whether `other` is (part of) the same run: everything but the cells and the shard.
    public func sameRun(_ other: TOFUReport) -> Bool {
        var a = self, b = other
        a.cells = []; b.cells = []
        a.shard = nil; b.shard = nil
        return a == b
    }
}

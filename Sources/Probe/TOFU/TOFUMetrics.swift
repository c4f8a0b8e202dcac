import Foundation

/// TOFU's metrics (Maini et al. 2024, `locuslab/tofu` `aggregate_eval_stat.py` and
/// OpenUnlearning's `tofu` metrics), from per-item mean token NLLs.
///
/// Every likelihood is length-normalised: for an answer a of |a| tokens after question q,
/// `L(a) = −(1/|a|) Σ log p(a_t | q, a_<t)` and `P̃(a) = exp(−L(a))`.
///
/// ```
/// Probability (forget, retain)          mean_i P̃(a_i)
/// Probability (real authors, world)     mean_i P̃(a_i) / (P̃(a_i) + Σ_j P̃(perturbed_ij))
/// ROUGE                                 mean_i ROUGE-L recall(generation_i, a_i)
/// R_i = exp(mean_j L(perturbed_ij) − L(paraphrased_i))   (TOFU's curr_stat_1 = P̃(para)/gm P̃(pert))
/// Truth Ratio (forget)                  mean_i min(R_i, 1/R_i)
/// Truth Ratio (retain, real, world)     mean_i max(0, 1 − 1/R_i)
/// Forget Quality                        KS two-sample p-value of {R_i} unlearned vs {R_i} retrain
/// Model Utility                         harmonic mean of the 9 non-forget values above
/// ```
///
/// For real authors and world facts TOFU's "paraphrased" answer is the answer itself.
public enum TOFUMetrics {
    /// One item's likelihoods.
    public struct ItemLosses: Equatable, Sendable, Codable {
        /// L(answer).
        public var answer: Double
        /// L(paraphrased answer) (the answer itself for real authors and world facts).
        public var paraphrased: Double
        /// L(perturbed answer j), TOFU's five (real authors, world facts: the wrong options).
        public var perturbed: [Double]

        /// Creates the losses of one item.
        public init(answer: Double, paraphrased: Double, perturbed: [Double]) {
            self.answer = answer
            self.paraphrased = paraphrased
            self.perturbed = perturbed
        }

        /// TOFU's per-item statistic `exp(mean_j L(perturbed_j) − L(paraphrased))`; `nil`
        /// without perturbed answers.
        public var truthStatistic: Double? {
            guard !perturbed.isEmpty else { return nil }
            return exp(perturbed.reduce(0, +) / Double(perturbed.count) - paraphrased)
        }
    }

    /// Which aggregation a split gets.
    public enum SplitKind: String, Sendable, Codable {
        /// The forget set: closer to 1 is better in the truth ratio, plain probability.
        case forget
        /// The retain set: `max(0, 1 − 1/R)`, plain probability.
        case retain
        /// Real authors or world facts: `max(0, 1 − 1/R)`, probability normalised over the options.
        case multipleChoice
    }

    /// TOFU's Probability of a split.
    /// - Parameters:
    ///   - items: The items' losses.
    ///   - kind: The split's kind.
    /// - Returns: The mean; `nil` for no items.
    public static func probability(_ items: [ItemLosses], kind: SplitKind) -> Double? {
        guard !items.isEmpty else { return nil }
        let values = items.map { item -> Double in
            let p = exp(-item.answer)
            guard kind == .multipleChoice else { return p }
            let all = p + item.perturbed.reduce(0) { $0 + exp(-$1) }
            return all > 0 ? p / all : 0
        }
        return values.reduce(0, +) / Double(values.count)
    }

    /// TOFU's Truth Ratio of a split.
    /// - Parameters:
    ///   - items: The items' losses (items without perturbed answers are skipped).
    ///   - kind: `.forget` takes `min(R, 1/R)`; the others `max(0, 1 − 1/R)`.
    /// - Returns: The mean; `nil` for no usable item.
    public static func truthRatio(_ items: [ItemLosses], kind: SplitKind) -> Double? {
        let stats = items.compactMap(\.truthStatistic)
        guard !stats.isEmpty else { return nil }
        let values = stats.map { r in kind == .forget ? Swift.min(r, 1 / r) : Swift.max(0, 1 - 1 / r) }
        return values.reduce(0, +) / Double(values.count)
    }

    /// TOFU's ROUGE: mean ROUGE-L recall of the generations against the answers, with
    /// Porter stemming (`rouge_score`'s `use_stemmer=True`).
    /// - Parameter pairs: `(generation, answer)` per item.
    /// - Returns: The mean recall; `nil` for no items.
    public static func rouge(_ pairs: [(generation: String, answer: String)]) -> Double? {
        guard !pairs.isEmpty else { return nil }
        return pairs.map { RougeL.stemmedScore(prediction: $0.generation, reference: $0.answer).recall }.reduce(0, +) / Double(pairs.count)
    }

    /// TOFU's Forget Quality: the KS p-value of the forget-set truth statistics of the
    /// unlearned model against the retrain model's.
    /// - Throws: ``MetricError`` when either side has no usable item.
    public static func forgetQuality(unlearned: [ItemLosses], retrain: [ItemLosses]) throws(MetricError) -> KolmogorovSmirnov.Result {
        try KolmogorovSmirnov.twoSample(unlearned.compactMap(\.truthStatistic), retrain.compactMap(\.truthStatistic))
    }

    /// TOFU's Model Utility: the harmonic mean of the given values (scipy's `hmean`, which is
    /// 0 when any value is 0).
    /// - Parameter values: TOFU's nine: Probability, ROUGE and Truth Ratio on retain, real
    ///   authors and world facts.
    /// - Returns: The harmonic mean; `nil` for no values or a negative one.
    public static func harmonicMean(_ values: [Double]) -> Double? {
        guard !values.isEmpty, values.allSatisfy({ $0 >= 0 }) else { return nil }
        if values.contains(0) { return 0 }
        return Double(values.count) / values.reduce(0) { $0 + 1 / $1 }
    }
}

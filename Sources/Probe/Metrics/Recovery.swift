/// How much of the forgotten knowledge an attack brings back (REFERENCE §1–2).
public enum Recovery {
    /// Per-attack recovery, clipped to [0, 1]:
    ///
    /// ```
    /// recovery = clip((m_attacked − m_unlearned) / (m_target − m_unlearned), 0, 1)
    /// ```
    ///
    /// - Parameters:
    ///   - attacked: The metric after the attack (e.g. KnowMem-forget at 4 bits).
    ///   - unlearned: The unlearned model's metric without attack.
    ///   - target: The target (pre-unlearning) model's metric.
    /// - Returns: The clipped fraction; `nil` when unlearning changed nothing
    ///   (`target == unlearned`, so there was nothing to recover) or an input is not finite.
    public static func fraction(attacked: Double, unlearned: Double, target: Double) -> Double? {
        guard attacked.isFinite, unlearned.isFinite, target.isFinite else { return nil }
        let gap = target - unlearned
        guard gap != 0 else { return nil }
        return min(1, max(0, (attacked - unlearned) / gap))
    }

    /// The forget-set knowledge a model shows: VerbMem and KnowMem on the forget set (M1, M2).
    public struct ForgetKnowledge: Codable, Equatable, Sendable {
        /// M1, VerbMem on the forget set, 0–100.
        public var verbMem: Double
        /// M2, KnowMem on the forget set, 0–100.
        public var knowMemForget: Double

        /// Creates the pair.
        public init(verbMem: Double, knowMemForget: Double) {
            self.verbMem = verbMem
            self.knowMemForget = knowMemForget
        }

        /// M1 + M2.
        public var total: Double { verbMem + knowMemForget }
    }

    /// The paper's headline aggregate: the share of forget knowledge the unlearned models keep.
    ///
    /// ```
    /// Σ_pairs (M1 + M2)_unlearned / Σ_pairs (M1 + M2)_target
    /// ```
    ///
    /// Each pair is one unlearned model (method × corpus) with the target it is compared to
    /// (same corpus; same precision for the paper's 83%, full precision for 62%). Over
    /// {GA_GDR, GA_KLR, NPO_GDR, NPO_KLR} × {NEWS, BOOKS} of Table 1 this gives 21% at full
    /// precision and 83% at 4 bits.
    /// - Parameter pairs: (unlearned, target) knowledge, one per unlearned model.
    /// - Returns: The fraction (not clipped; may exceed 1); `nil` when there are no pairs or the
    ///   targets' sum is 0.
    public static func retainedFraction(
        _ pairs: [(unlearned: ForgetKnowledge, target: ForgetKnowledge)]
    ) -> Double? {
        let numerator = pairs.reduce(0) { $0 + $1.unlearned.total }
        let denominator = pairs.reduce(0) { $0 + $1.target.total }
        guard !pairs.isEmpty, denominator != 0, denominator.isFinite else { return nil }
        return numerator / denominator
    }
}

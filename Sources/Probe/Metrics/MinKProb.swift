import Foundation

/// Min-K% Prob and Min-K%++, the membership scores behind PrivLeak (REFERENCE §2).
///
/// ```
/// Min-K%   score = −mean( lowest ⌊n·k⌋ of log p(x_t | x_<t) )
/// Min-K%++ z_t   = (log p(x_t | x_<t) − μ_t) / σ_t,   μ_t = E_{v~p_t}[log p_t(v)],
///                                                      σ_t² = E_{v~p_t}[(log p_t(v))²] − μ_t²
///          score = −mean( lowest ⌊n·k⌋ of z_t )
/// ```
///
/// A higher score means the text looks *less* like training data (MUSE ranks by −score).
///
/// **How many tokens are kept.** MUSE (`metrics/privleak.py`) keeps `int(len(all_prob)·k)`
/// tokens with no lower bound, so a text of one or two tokens at k = 0.4 averages an empty
/// array and scores NaN. We keep `max(1, ⌊n·k⌋)`, which equals MUSE's count whenever MUSE's
/// score is defined and gives the single lowest token otherwise. `n` is the number of scored
/// positions, i.e. the text's tokens after the first (the first has no context).
///
/// **Min-K%++ moments.** μ and σ are the mean and standard deviation of log p under the
/// model's own next-token distribution p_t, as in Zhang et al. 2024 (the Min-K%++ paper and
/// its reference code), not an unweighted average over vocabulary entries.
public enum MinKProb {
    /// MUSE's PrivLeak ratio, k = 40%.
    public static let defaultRatio = 0.4

    /// The number of lowest values averaged: `max(1, Int(Double(count) · ratio))`.
    /// - Parameters:
    ///   - count: Number of scored tokens, ≥ 1.
    ///   - ratio: The fraction k, in (0, 1].
    public static func keptCount(count: Int, ratio: Double) -> Int {
        max(1, min(count, Int(Double(count) * ratio)))
    }

    /// Min-K% Prob of one text.
    /// - Parameters:
    ///   - logProbs: log p(x_t | x_<t) of each scored token (natural log).
    ///   - ratio: k, the fraction of lowest log-probs averaged; 0.4 by default.
    /// - Returns: −mean of the lowest `keptCount` log-probs; `nil` when `logProbs` is empty.
    /// - Throws: ``MetricError/outOfRange(name:value:expected:)`` when k ∉ (0, 1].
    public static func score(logProbs: [Double], ratio: Double = defaultRatio) throws(MetricError) -> Double? {
        try lowestMean(logProbs, ratio: ratio).map { -$0 }
    }

    /// The Min-K%++ z-score of one token.
    /// - Parameters:
    ///   - logProb: log p of the actual token.
    ///   - mean: μ, the expected log p under the position's distribution.
    ///   - standardDeviation: σ of log p under the same distribution.
    /// - Returns: (logProb − μ)/σ, or 0 when σ ≤ ``degenerateSigma`` (a flat or one-hot
    ///   distribution carries no evidence either way, and dividing rounding noise by rounding
    ///   noise would make one up).
    public static func plusPlusZ(logProb: Double, mean: Double, standardDeviation: Double) -> Double {
        standardDeviation > degenerateSigma ? (logProb - mean) / standardDeviation : 0
    }

    /// σ at or below which a position's distribution is treated as degenerate (z = 0).
    ///
    /// Real distributions stay far above it: even p = (1 − 10⁻¹², 10⁻¹², …) has σ ≈ 3·10⁻⁵.
    public static let degenerateSigma = 1e-9

    /// The moments Min-K%++ needs from one logits row.
    /// - Parameters:
    ///   - logits: The raw logits (or log-softmax) of one position, length = vocabulary.
    ///   - token: The actual next token.
    /// - Returns: log p(token), μ and σ of log p under p; `nil` for an empty row, an
    ///   out-of-range token or non-finite logits.
    public static func plusPlusMoments(
        logits: some Collection<Float>, token: Int
    ) -> (logProb: Double, mean: Double, standardDeviation: Double)? {
        guard token >= 0, token < logits.count, let maxLogit = logits.max(), maxLogit.isFinite else {
            return nil
        }
        // One exp per entry: e_i = exp(x_i − max), p_i = e_i / Σe, log p_i = x_i − logZ.
        var e = [Double](repeating: 0, count: logits.count)
        var sumExp = 0.0
        for (i, x) in logits.enumerated() {
            guard x.isFinite else { return nil }
            e[i] = Foundation.exp(Double(x - maxLogit))
            sumExp += e[i]
        }
        let logZ = Double(maxLogit) + Foundation.log(sumExp)
        // Two passes (mean, then squared deviations) so a flat row gives σ ≈ 1e-16, not the
        // ~1e-8 that E[x²] − E[x]² leaves behind.
        var mu = 0.0
        var tokenLogProb = 0.0
        for (i, x) in logits.enumerated() {
            let lp = Double(x) - logZ
            mu += e[i] / sumExp * lp
            if i == token { tokenLogProb = lp }
        }
        var variance = 0.0
        for (i, x) in logits.enumerated() {
            let d = Double(x) - logZ - mu
            variance += e[i] / sumExp * d * d
        }
        return (tokenLogProb, mu, variance.squareRoot())
    }

    /// Min-K%++ of one text from per-token z-scores (see ``plusPlusZ(logProb:mean:standardDeviation:)``).
    /// - Parameters:
    ///   - zScores: One z per scored token.
    ///   - ratio: k; 0.4 by default.
    /// - Returns: −mean of the lowest `keptCount` z-scores; `nil` when empty.
    /// - Throws: ``MetricError/outOfRange(name:value:expected:)`` when k ∉ (0, 1].
    public static func plusPlusScore(zScores: [Double], ratio: Double = defaultRatio) throws(MetricError) -> Double? {
        try lowestMean(zScores, ratio: ratio).map { -$0 }
    }

    /// Min-K%++ of one text from full logits rows.
    /// - Parameters:
    ///   - rows: For each scored position, the logits predicting that position's token.
    ///   - tokens: The actual tokens, one per row.
    ///   - ratio: k; 0.4 by default.
    /// - Returns: −mean of the lowest `keptCount` z-scores; `nil` when there are no rows.
    /// - Throws: ``MetricError`` for k out of range, mismatched counts, a token outside its row,
    ///   or non-finite logits.
    public static func plusPlusScore(
        rows: [[Float]], tokens: [Int], ratio: Double = defaultRatio
    ) throws(MetricError) -> Double? {
        guard rows.count == tokens.count else {
            throw .outOfRange(name: "tokens.count", value: "\(tokens.count)", expected: "== rows.count (\(rows.count))")
        }
        var z: [Double] = []
        z.reserveCapacity(rows.count)
        for (position, (row, token)) in zip(rows, tokens).enumerated() {
            guard token >= 0, token < row.count else {
                throw .tokenOutOfRange(position: position, tokenID: token, vocabularySize: row.count)
            }
            guard let m = plusPlusMoments(logits: row, token: token) else {
                throw .nonFiniteLogits(position: position)
            }
            z.append(plusPlusZ(logProb: m.logProb, mean: m.mean, standardDeviation: m.standardDeviation))
        }
        return try plusPlusScore(zScores: z, ratio: ratio)
    }

    private static func lowestMean(_ values: [Double], ratio: Double) throws(MetricError) -> Double? {
        guard ratio > 0, ratio <= 1 else {
            throw .outOfRange(name: "k", value: "\(ratio)", expected: "0 < k <= 1")
        }
        if values.isEmpty { return nil }
        let kept = keptCount(count: values.count, ratio: ratio)
        let lowest = values.sorted().prefix(kept)
        return lowest.reduce(0, +) / Double(kept)
    }
}

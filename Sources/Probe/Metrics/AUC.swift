/// ROC AUC and the PrivLeak score built on it (REFERENCE §2).
///
/// ```
/// AUC = ( #{(p, n) : p > n} + ½·#{(p, n) : p = n} ) / (|P|·|N|)
/// PrivLeak = 100 · (AUC − AUC_retrain) / AUC_retrain
/// ```
///
/// This Mann–Whitney form equals the trapezoidal area under the ROC curve that MUSE gets
/// from `sklearn.metrics.roc_curve` + `auc`, ties included.
///
/// MUSE labels forget texts 0 and holdout texts 1 and ranks by −score, where the score is
/// Min-K% (higher = less member-like). So the "positives" are the holdout texts' −score and
/// the "negatives" are the forget texts' −score; see ``privLeakAUC(forgetScores:holdoutScores:)``.
public enum AUC {
    /// The probability that a random positive outranks a random negative, ties counting ½.
    ///
    /// O((|P| + |N|)·log) via sorting.
    /// - Parameters:
    ///   - positives: Scores of label-1 items (higher should mean "positive").
    ///   - negatives: Scores of label-0 items.
    /// - Returns: The AUC in [0, 1]; `nil` when either side is empty or any score is NaN.
    public static func auc(positives: [Double], negatives: [Double]) -> Double? {
        guard !positives.isEmpty, !negatives.isEmpty else { return nil }
        if positives.contains(where: \.isNaN) || negatives.contains(where: \.isNaN) { return nil }
        let neg = negatives.sorted()
        var wins = 0.0
        for p in positives {
            let below = lowerBound(neg, p)          // negatives strictly less than p
            let notAbove = upperBound(neg, p)       // negatives ≤ p
            wins += Double(below) + 0.5 * Double(notAbove - below)
        }
        return wins / (Double(positives.count) * Double(negatives.count))
    }

    /// MUSE's PrivLeak AUC from Min-K% scores: holdout = label 1, forget = label 0, ranked by −score.
    /// - Parameters:
    ///   - forgetScores: Min-K% scores of the forget texts.
    ///   - holdoutScores: Min-K% scores of the holdout texts.
    /// - Returns: The AUC, or `nil` when either list is empty or holds NaN.
    public static func privLeakAUC(forgetScores: [Double], holdoutScores: [Double]) -> Double? {
        auc(positives: holdoutScores.map { -$0 }, negatives: forgetScores.map { -$0 })
    }

    /// PrivLeak = 100·(AUC − AUC_retrain)/AUC_retrain.
    ///
    /// 0 is ideal; strongly negative means under-unlearned, strongly positive over-unlearned.
    /// - Parameters:
    ///   - auc: The model's AUC.
    ///   - retrainAUC: The retrain model's AUC on the same data.
    /// - Returns: The percentage, or `nil` when `retrainAUC` is 0 or either input is not finite.
    public static func privLeak(auc: Double, retrainAUC: Double) -> Double? {
        guard auc.isFinite, retrainAUC.isFinite, retrainAUC != 0 else { return nil }
        return 100 * (auc - retrainAUC) / retrainAUC
    }

    private static func lowerBound(_ a: [Double], _ x: Double) -> Int {
        var lo = 0, hi = a.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if a[mid] < x { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    private static func upperBound(_ a: [Double], _ x: Double) -> Int {
        var lo = 0, hi = a.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if a[mid] <= x { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}

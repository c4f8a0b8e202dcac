/// leak@k: the chance that at least one of k samples leaks the answer (REFERENCE §2, probe 2).
///
/// The unbiased pass@k estimator of Chen et al. 2021, for n samples of which c leak:
///
/// ```
/// leak@k = 1 − C(n−c, k) / C(n, k) = 1 − ∏_{i = n−c+1}^{n} (1 − k/i)
/// ```
///
/// The product form never builds a binomial coefficient, so it is stable for any n.
public enum LeakAtK {
    /// Estimates leak@k for one item.
    /// - Parameters:
    ///   - samples: n, the number of samples drawn (≥ 1).
    ///   - leaks: c, how many of them leaked (0 ≤ c ≤ n).
    ///   - k: The number of tries (1 ≤ k ≤ n).
    /// - Returns: The estimate in [0, 1]; exactly 1 when n − c < k.
    /// - Throws: ``MetricError/outOfRange(name:value:expected:)`` for inconsistent counts.
    public static func estimate(samples n: Int, leaks c: Int, k: Int) throws(MetricError) -> Double {
        guard n >= 1 else { throw .outOfRange(name: "n", value: "\(n)", expected: "n >= 1") }
        guard c >= 0, c <= n else { throw .outOfRange(name: "c", value: "\(c)", expected: "0 <= c <= \(n)") }
        guard k >= 1, k <= n else { throw .outOfRange(name: "k", value: "\(k)", expected: "1 <= k <= \(n)") }
        if n - c < k { return 1 }
        var miss = 1.0
        for i in (n - c + 1)..<(n + 1) {
            miss *= 1 - Double(k) / Double(i)
        }
        return 1 - miss
    }

    /// Mean leak@k over items, each given as (n, c).
    /// - Returns: The mean estimate; `nil` for no items.
    /// - Throws: ``MetricError`` when any item's counts are inconsistent with k.
    public static func mean(_ items: [(samples: Int, leaks: Int)], k: Int) throws(MetricError) -> Double? {
        if items.isEmpty { return nil }
        var total = 0.0
        for item in items { total += try estimate(samples: item.samples, leaks: item.leaks, k: k) }
        return total / Double(items.count)
    }
}

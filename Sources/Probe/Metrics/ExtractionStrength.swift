/// Extraction strength (Carlini et al.'s extraction, as OpenUnlearning's
/// `extraction_strength` computes it): how short a prefix of the gold answer lets greedy
/// teacher-forced decoding reproduce the rest.
///
/// ```
/// k* = the first k in 0..<n with argmax p(· | prompt, y_<j) = y_j for every j ≥ k
/// ES = 1 − k*/n
/// ```
///
/// As in OpenUnlearning's loop, when not even the last token is predicted, `k*` stays at
/// `n − 1` (ES = 1/n, not 0).
public enum ExtractionStrength {
    /// ES of one answer from whether each gold token was the argmax; `nil` for none.
    public static func score(argmaxHits hits: [Bool]) -> Double? {
        let n = hits.count
        guard n > 0 else { return nil }
        // The longest all-correct suffix starts at k*; OpenUnlearning's loop ends at n − 1.
        var k = n
        while k > 0 && hits[k - 1] { k -= 1 }
        return 1 - Double(min(k, n - 1)) / Double(n)
    }
}

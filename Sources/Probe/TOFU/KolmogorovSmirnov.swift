import Foundation

/// The two-sample Kolmogorov–Smirnov test, two-sided, as `scipy.stats.ks_2samp` computes it
/// with its default `method='auto'`.
///
/// ```
/// D = max_x |F1(x) − F2(x)|           (empirical CDFs, right-continuous)
/// h = round(D · lcm(n1, n2)),  D := h / lcm
/// p = P(D_{n1,n2} ≥ D)               exact lattice-path count when max(n1, n2) ≤ 10000:
///     n1 == n2: Horner form of 2·Σ_k (−1)^(k+1) C(2n, n−kh)/C(2n, n)
///     else:     proportion of paths from (0,0) to (n1,n2) leaving |x/n1 − y/n2| < D
/// ```
///
/// For larger samples (or when the exact count fails) scipy uses `kstwo.sf(D, round(n1·n2/(n1+n2)))`;
/// LowBit uses the Kolmogorov limit `Q(√en · D)` there, `Q(t) = 2 Σ_k (−1)^(k−1) e^(−2k²t²)`,
/// which differs from scipy's by O(1/√en). TOFU's splits (≤ 400 items) are always exact.
public enum KolmogorovSmirnov {
    /// The statistic and p-value of one test.
    public struct Result: Equatable, Sendable, Codable {
        /// The KS statistic D (rounded to the lattice, as scipy reports it).
        public var statistic: Double
        /// The two-sided p-value.
        public var pValue: Double
        /// `true` when the exact distribution was used.
        public var exact: Bool
    }

    /// scipy's `MAX_AUTO_N`: the largest sample for which `auto` tries the exact distribution.
    public static let maxExactN = 10_000

    /// Tests whether two samples come from the same distribution.
    /// - Parameters:
    ///   - a: The first sample (TOFU: the unlearned model's truth ratios).
    ///   - b: The second sample (TOFU: the retrain model's).
    /// - Returns: D and the two-sided p-value.
    /// - Throws: ``MetricError/outOfRange(name:value:expected:)`` when a sample is empty or
    ///   holds a NaN or infinite value.
    public static func twoSample(_ a: [Double], _ b: [Double]) throws(MetricError) -> Result {
        guard !a.isEmpty, !b.isEmpty else {
            throw .outOfRange(name: "KS sample size", value: "\(a.count), \(b.count)", expected: "two non-empty samples")
        }
        for (i, v) in (a + b).enumerated() where !v.isFinite {
            throw .outOfRange(name: "KS sample value \(i)", value: "\(v)", expected: "a finite number")
        }
        let x = a.sorted(), y = b.sorted()
        let n1 = x.count, n2 = y.count
        // max |F1 − F2| over all sample points (right-continuous CDFs, ties handled by stepping
        // both samples past a value before comparing).
        var i = 0, j = 0, d = 0.0
        while i < n1 || j < n2 {
            let v = Swift.min(i < n1 ? x[i] : .infinity, j < n2 ? y[j] : .infinity)
            while i < n1 && x[i] <= v { i += 1 }
            while j < n2 && y[j] <= v { j += 1 }
            d = Swift.max(d, abs(Double(i) / Double(n1) - Double(j) / Double(n2)))
        }
        if Swift.max(n1, n2) <= maxExactN, let exact = exactPValue(n1: n1, n2: n2, d: d) {
            return Result(statistic: exact.d, pValue: Swift.min(1, Swift.max(0, exact.p)), exact: true)
        }
        let (m, n) = (Double(Swift.max(n1, n2)), Double(Swift.min(n1, n2)))
        let en = (m * n / (m + n)).rounded()
        return Result(statistic: d, pValue: Swift.min(1, Swift.max(0, kolmogorovSurvival(en.squareRoot() * d))), exact: false)
    }

    /// scipy's `_attempt_exact_2kssamp` for the two-sided case; `nil` when it would fail.
    static func exactPValue(n1: Int, n2: Int, d: Double) -> (d: Double, p: Double)? {
        let g = gcd(n1, n2)
        let (lcm, overflow) = (n1 / g).multipliedReportingOverflow(by: n2)
        guard !overflow, lcm < Int(Int32.max) else { return nil }
        let h = Int((d * Double(lcm)).rounded(.toNearestOrEven))
        let dd = Double(h) / Double(lcm)
        if h == 0 { return (dd, 1) }
        let p = n1 == n2 ? probOutsideSquare(n: n1, h: h) : outerProbInside(m: n1, n: n2, g: g, h: h)
        guard p.isFinite, (0...1).contains(p) else { return nil }
        return (dd, p)
    }

    /// scipy's `_compute_prob_outside_square(n, h)`: P(D_{n,n} ≥ h/n).
    static func probOutsideSquare(n: Int, h: Int) -> Double {
        var p = 0.0
        var k = n / h
        while k >= 0 {
            var p1 = 1.0
            for j in 0..<h {
                p1 = Double(n - k * h - j) * p1 / Double(n + k * h + j + 1)
            }
            p = p1 * (1 - p)
            k -= 1
        }
        return 2 * p
    }

    /// scipy's `_compute_outer_prob_inside_method(m, n, g, h)`: the proportion of monotone
    /// lattice paths from (0,0) to (m,n) that do not stay strictly inside
    /// |x·n/g − y·m/g| < h, computed one column at a time as running proportions.
    static func outerProbInside(m m0: Int, n n0: Int, g: Int, h: Int) -> Double {
        let (m, n) = m0 >= n0 ? (m0, n0) : (n0, m0)
        let mg = m / g, ng = n / g
        var minj = 0
        var maxj = Swift.min(Int((Double(h) / Double(mg)).rounded(.up)), n + 1)
        var curlen = maxj - minj
        let lenA = Swift.min(2 * maxj + 2, n + 1)
        var a = [Double](repeating: 1, count: lenA)
        for k in minj..<maxj { a[k] = 0 }
        for i in 1...m {
            let lastminj = minj, lastlen = curlen
            minj = Swift.max(Int((Double(ng * i - h) / Double(mg)).rounded(.down)) + 1, 0)
            minj = Swift.min(minj, n)
            maxj = Swift.min(Int((Double(ng * i + h) / Double(mg)).rounded(.up)), n + 1)
            if maxj <= minj { return 1 }
            var val = minj == 0 ? 0.0 : 1.0
            for jj in 0..<(maxj - minj) {
                let j = jj + minj
                val = (a[jj + minj - lastminj] * Double(i) + val * Double(j)) / Double(i + j)
                a[jj] = val
            }
            curlen = maxj - minj
            if lastlen > curlen {
                for k in (maxj - minj)..<(maxj - minj + lastlen - curlen) { a[k] = 1 }
            }
        }
        return a[maxj - minj - 1]
    }

    /// The Kolmogorov distribution's survival function Q(t) = 2 Σ_{k≥1} (−1)^(k−1) e^(−2k²t²).
    static func kolmogorovSurvival(_ t: Double) -> Double {
        if t <= 0 { return 1 }
        if t < 0.2 { return 1 } // the series' value there is 1 to double precision
        var s = 0.0
        for k in 1...100 {
            let term = exp(-2 * Double(k * k) * t * t)
            s += (k % 2 == 1 ? term : -term)
            if term < 1e-18 { break }
        }
        return 2 * s
    }

    static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
}

/// How far unlearning moved the weights, measured against round-to-nearest quantization
/// grids (REFERENCE §1): a change `δ` flips an RTN code with probability about `|δ|/Δ`.
///
/// Over every 2-D weight tensor (norm vectors stay f32 in quantized files), in blocks of
/// 32 along each row (the last block of a row may be shorter):
/// ```
/// Δ_N  = max|w_original| / 2^(N−1)            per block, N = 4 or 8
/// code = clamp(round(w / Δ_N(w's own model)), −2^(N−1), 2^(N−1))
/// ```
/// Blocks whose original scale is 0 are left out of the relative means.
public struct WeightChangeStats: Sendable, Hashable, Codable {
    /// Weights compared.
    public var count: Int
    /// Mean `|δ|`.
    public var meanAbsDelta: Double
    /// Largest `|δ|`.
    public var maxAbsDelta: Double
    /// Mean `|δ|/Δ₄`, the 4-bit step of the original block.
    public var meanRelativeDelta4: Double
    /// Mean `|δ|/Δ₈`, the 8-bit step of the original block.
    public var meanRelativeDelta8: Double
    /// Fraction of weights whose 4-bit RTN code differs between the two models.
    public var changedCodes4: Double
    /// Fraction of weights whose 8-bit RTN code differs between the two models.
    public var changedCodes8: Double
    /// Fraction of weights that changed at all (`δ ≠ 0`).
    public var changedFraction: Double
    /// Of the changed weights, the fraction with `|δ|` below half their block's 4-bit step
    /// (changes round-to-nearest 4-bit usually erases).
    public var changedBelowHalfStep4: Double
    /// Histogram of `|δ|/Δ₄` over the changed weights, bins bounded by ``histogramEdges``
    /// (the last bin is everything from 1 up).
    public var relativeDelta4Histogram: [Int]
    /// Upper edges of the histogram bins but the last.
    public static let histogramEdges: [Double] = [1.0 / 64, 1.0 / 32, 1.0 / 16, 1.0 / 8, 1.0 / 4, 1.0 / 2, 1]

    /// Compares `updated` with `original` (same shape) over every 2-D weight tensor.
    public init(original: LlamaParameters, updated: LlamaParameters) {
        self.init(original: original, updated: updated) { _ in true }
    }

    /// One record per transformer block (`blk.N.*` matrices), in block order: where in the
    /// depth unlearning moved the weights, relative to the 4- and 8-bit grids.
    public static func perBlock(original: LlamaParameters, updated: LlamaParameters) -> [WeightChangeStats] {
        (0..<original.shape.layers).map { l in
            WeightChangeStats(original: original, updated: updated) { $0.name.hasPrefix("blk.\(l).") }
        }
    }

    /// Compares `updated` with `original` (same shape) over the 2-D weight tensors `include`
    /// accepts.
    public init(original: LlamaParameters, updated: LlamaParameters, including include: (ParameterLayout.Entry) -> Bool) {
        precondition(original.layout == updated.layout, "WeightChangeStats: shapes differ")
        var n = 0, nRel = 0
        var sumAbs = 0.0, maxAbs = 0.0, sumRel4 = 0.0, sumRel8 = 0.0
        var changed4 = 0, changed8 = 0, changedAny = 0, belowHalf = 0
        var histogram = [Int](repeating: 0, count: Self.histogramEdges.count + 1)
        let a = original.values, b = updated.values
        for e in original.layout.entries where e.isMatrix && include(e) {
            for r in 0..<e.rows {
                var c0 = 0
                while c0 < e.cols {
                    let c1 = min(e.cols, c0 + 32)
                    let lo = e.offset + r * e.cols + c0, hi = e.offset + r * e.cols + c1
                    var amaxA: Float = 0, amaxB: Float = 0
                    for i in lo..<hi {
                        amaxA = max(amaxA, abs(a[i]))
                        amaxB = max(amaxB, abs(b[i]))
                    }
                    let d4a = amaxA / 8, d8a = amaxA / 128, d4b = amaxB / 8, d8b = amaxB / 128
                    for i in lo..<hi {
                        let delta = Double(abs(b[i] - a[i]))
                        n += 1
                        sumAbs += delta
                        maxAbs = max(maxAbs, delta)
                        if amaxA > 0 {
                            nRel += 1
                            sumRel4 += delta / Double(d4a)
                            sumRel8 += delta / Double(d8a)
                        }
                        if delta != 0 {
                            changedAny += 1
                            let rel = amaxA > 0 ? delta / Double(d4a) : .infinity
                            if rel < 0.5 { belowHalf += 1 }
                            histogram[Self.histogramEdges.firstIndex { rel < $0 } ?? Self.histogramEdges.count] += 1
                        }
                        if Self.code(a[i], d4a, 8) != Self.code(b[i], d4b, 8) { changed4 += 1 }
                        if Self.code(a[i], d8a, 128) != Self.code(b[i], d8b, 128) { changed8 += 1 }
                    }
                    c0 = c1
                }
            }
        }
        count = n
        meanAbsDelta = n > 0 ? sumAbs / Double(n) : 0
        maxAbsDelta = maxAbs
        meanRelativeDelta4 = nRel > 0 ? sumRel4 / Double(nRel) : 0
        meanRelativeDelta8 = nRel > 0 ? sumRel8 / Double(nRel) : 0
        changedCodes4 = n > 0 ? Double(changed4) / Double(n) : 0
        changedCodes8 = n > 0 ? Double(changed8) / Double(n) : 0
        changedFraction = n > 0 ? Double(changedAny) / Double(n) : 0
        changedBelowHalfStep4 = changedAny > 0 ? Double(belowHalf) / Double(changedAny) : 0
        relativeDelta4Histogram = histogram
    }

    @inline(__always)
    static func code(_ w: Float, _ step: Float, _ limit: Float) -> Int32 {
        guard step > 0 else { return 0 }
        return Int32(min(limit, max(-limit, (w / step).rounded())))
    }
}

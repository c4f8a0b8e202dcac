import Foundation

/// How one gold answer token fares under teacher forcing.
public struct GoldTokenScore: Codable, Equatable, Sendable {
    /// log p(gold) under the position's softmax (natural log).
    public var logProb: Double
    /// 1 + the number of vocabulary entries with a strictly larger logit (1 = top; ties favour gold).
    public var rank: Int
    /// Whether the first-index argmax of the row is the gold token (greedy decoding's choice).
    public var isArgmax: Bool

    /// Creates a score from its parts.
    public init(logProb: Double, rank: Int, isArgmax: Bool) {
        self.logProb = logProb
        self.rank = rank
        self.isArgmax = isArgmax
    }

    /// Scores the gold token against one logits row.
    /// - Parameters:
    ///   - logits: Raw logits or log-softmax of one position (softmax is shift-invariant).
    ///   - gold: The gold token id.
    ///   - position: The answer position, for error messages.
    /// - Throws: ``MetricError/tokenOutOfRange(position:tokenID:vocabularySize:)`` or
    ///   ``MetricError/nonFiniteLogits(position:)``.
    public init(logits: some Collection<Float>, gold: Int, position: Int = 0) throws(MetricError) {
        guard gold >= 0, gold < logits.count else {
            throw .tokenOutOfRange(position: position, tokenID: gold, vocabularySize: logits.count)
        }
        var maxLogit = -Float.infinity
        var argmax = 0
        var goldLogit: Float = 0
        for (i, x) in logits.enumerated() {
            guard x.isFinite else { throw .nonFiniteLogits(position: position) }
            if x > maxLogit { maxLogit = x; argmax = i }
            if i == gold { goldLogit = x }
        }
        var sumExp = 0.0
        var above = 0
        for x in logits {
            sumExp += Foundation.exp(Double(x - maxLogit))
            if x > goldLogit { above += 1 }
        }
        self.logProb = Double(goldLogit - maxLogit) - Foundation.log(sumExp)
        self.rank = above + 1
        self.isArgmax = argmax == gold
    }
}

/// Teacher-forced statistics of a gold answer (REFERENCE §2, probe 1): one forward pass over
/// prompt + gold answer, scored at each answer token. Catches "suppressed but still ranked second".
///
/// ```
/// goldProbability     = mean_t p(gold_t)
/// goldRank            = mean_t rank_t            (1 = top)
/// topKHitRate         = mean_t [rank_t ≤ K]       for K = 1, 5, 10
/// exactMemorization   = mean_t [argmax_t = gold_t]
/// ```
///
/// `top1HitRate` and `exactMemorization` differ only when another token ties the gold logit
/// at an earlier index.
public struct TeacherForcedStats: Codable, Equatable, Sendable {
    /// The number of answer tokens scored.
    public var tokenCount: Int
    /// Mean gold-token probability.
    public var meanGoldProbability: Double
    /// Mean gold-token log-probability (natural log).
    public var meanGoldLogProb: Double
    /// Mean gold-token rank, 1 = top.
    public var meanGoldRank: Double
    /// Fraction of tokens whose gold rank is 1.
    public var top1HitRate: Double
    /// Fraction of tokens whose gold rank is ≤ 5.
    public var top5HitRate: Double
    /// Fraction of tokens whose gold rank is ≤ 10.
    public var top10HitRate: Double
    /// Fraction of tokens where the argmax equals gold.
    public var exactMemorization: Double

    /// Aggregates per-token scores (one answer, or all answers of a split pooled).
    /// - Parameter scores: The per-token scores.
    /// - Returns: The statistics; `nil` for no tokens.
    public init?(scores: [GoldTokenScore]) {
        guard !scores.isEmpty else { return nil }
        let n = Double(scores.count)
        func rate(_ hit: (GoldTokenScore) -> Bool) -> Double { Double(scores.filter(hit).count) / n }
        tokenCount = scores.count
        meanGoldProbability = scores.reduce(0) { $0 + Foundation.exp($1.logProb) } / n
        meanGoldLogProb = scores.reduce(0) { $0 + $1.logProb } / n
        meanGoldRank = scores.reduce(0) { $0 + Double($1.rank) } / n
        top1HitRate = rate { $0.rank <= 1 }
        top5HitRate = rate { $0.rank <= 5 }
        top10HitRate = rate { $0.rank <= 10 }
        exactMemorization = rate(\.isArgmax)
    }

    /// Scores every answer token and aggregates.
    /// - Parameters:
    ///   - rows: For each answer token, the logits row that predicts it.
    ///   - gold: The gold answer token ids, one per row.
    /// - Returns: The statistics; `nil` for an empty answer.
    /// - Throws: ``MetricError`` for mismatched counts, an out-of-range token or non-finite logits.
    public static func compute(rows: [[Float]], gold: [Int]) throws(MetricError) -> TeacherForcedStats? {
        guard rows.count == gold.count else {
            throw .outOfRange(name: "gold.count", value: "\(gold.count)", expected: "== rows.count (\(rows.count))")
        }
        var scores: [GoldTokenScore] = []
        scores.reserveCapacity(rows.count)
        for (t, (row, g)) in zip(rows, gold).enumerated() {
            scores.append(try GoldTokenScore(logits: row, gold: g, position: t))
        }
        return TeacherForcedStats(scores: scores)
    }
}

/// Precision, recall and F1 of one ROUGE comparison.
public struct RougeScore: Codable, Equatable, Hashable, Sendable {
    /// LCS / |prediction tokens|.
    public var precision: Double
    /// LCS / |reference tokens|.
    public var recall: Double
    /// 2PR / (P + R), or 0 when P + R = 0.
    public var f1: Double

    /// Creates a score from its three parts.
    public init(precision: Double, recall: Double, f1: Double) {
        self.precision = precision
        self.recall = recall
        self.f1 = f1
    }

    /// The all-zero score, what `rouge_score` returns when either side has no tokens.
    public static let zero = RougeScore(precision: 0, recall: 0, f1: 0)
}

/// ROUGE-L as Google's `rouge_score` computes it with `use_stemmer=False`, the variant MUSE
/// uses for VerbMem and KnowMem (REFERENCE §2).
///
/// Tokenization follows `rouge_score.tokenize`: lowercase the text (full Unicode lowercase,
/// like Python's `str.lower`), replace every run of characters outside `[a-z0-9]` with a
/// space, split on spaces. Non-ASCII letters are therefore separators. No stemming.
///
/// ```
/// P  = LCS(pred, ref) / |pred|
/// R  = LCS(pred, ref) / |ref|
/// F1 = 2PR / (P + R)          (0 when either side has no tokens)
/// ```
///
/// TOFU reports recall *with* Porter stemming: ``stemmedScore(prediction:reference:)``.
/// ``variant`` and ``stemmedVariant`` name them so reports can record which was used.
public enum RougeL {
    /// The name of the variant reported, for recording in reports.
    public static let variant = "rougeL-f1-nostem (google rouge_score, MUSE)"

    /// Splits text into `rouge_score` tokens: lowercase runs of ASCII `[a-z0-9]`.
    /// - Parameter text: Any text.
    /// - Returns: The tokens in order; empty for text with no ASCII letters or digits.
    public static func tokenize(_ text: String) -> [String] {
        var tokens: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in text.lowercased().unicodeScalars {
            let v = scalar.value
            if (v >= 0x61 && v <= 0x7A) || (v >= 0x30 && v <= 0x39) {
                current.append(scalar)
            } else if !current.isEmpty {
                tokens.append(String(current))
                current = String.UnicodeScalarView()
            }
        }
        if !current.isEmpty { tokens.append(String(current)) }
        return tokens
    }

    /// Length of the longest common subsequence of two token sequences.
    ///
    /// O(|a|·|b|) time, O(min(|a|,|b|)) memory.
    /// - Returns: The LCS length, 0 when either side is empty.
    public static func lcsLength<T: Equatable>(_ a: [T], _ b: [T]) -> Int {
        let (long, short) = a.count >= b.count ? (a, b) : (b, a)
        if short.isEmpty { return 0 }
        var previous = [Int](repeating: 0, count: short.count + 1)
        var current = previous
        for x in long {
            for j in 1...short.count {
                current[j] = x == short[j - 1] ? previous[j - 1] + 1 : max(previous[j], current[j - 1])
            }
            swap(&previous, &current)
        }
        return previous[short.count]
    }

    /// Scores a prediction against a reference, `rouge_score`'s `score(target, prediction)`.
    /// - Parameters:
    ///   - prediction: The model's output (generation or cut answer).
    ///   - reference: The gold text.
    /// - Returns: Precision over the prediction's tokens, recall over the reference's, and F1.
    public static func score(prediction: String, reference: String) -> RougeScore {
        score(predictionTokens: tokenize(prediction), referenceTokens: tokenize(reference))
    }

    /// `rouge_score` with `use_stemmer=True` (TOFU's variant): tokens longer than 3
    /// characters are replaced by their ``PorterStemmer`` stem before the LCS.
    public static func stemmedScore(prediction: String, reference: String) -> RougeScore {
        func stemmed(_ t: [String]) -> [String] { t.map { $0.count > 3 ? PorterStemmer.stem($0) : $0 } }
        return score(predictionTokens: stemmed(tokenize(prediction)), referenceTokens: stemmed(tokenize(reference)))
    }

    /// The name of the stemmed variant, for reports.
    public static let stemmedVariant = "rougeL-recall-porter (google rouge_score use_stemmer=True, TOFU)"

    /// Scores already-tokenized sequences (see ``tokenize(_:)``).
    public static func score(predictionTokens: [String], referenceTokens: [String]) -> RougeScore {
        if predictionTokens.isEmpty || referenceTokens.isEmpty { return .zero }
        let lcs = Double(lcsLength(predictionTokens, referenceTokens))
        let p = lcs / Double(predictionTokens.count)
        let r = lcs / Double(referenceTokens.count)
        let f = p + r > 0 ? 2 * p * r / (p + r) : 0
        return RougeScore(precision: p, recall: r, f1: f)
    }
}

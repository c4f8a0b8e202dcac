/// A metric was asked for with arguments that make it undefined.
///
/// Metrics that are merely undefined on empty data (an AUC with no negatives, the mean of
/// nothing) return `nil` instead; this error is for parameters that are wrong, usually
/// because they came from a user or a config file.
public enum MetricError: Error, Equatable, CustomStringConvertible, Sendable {
    /// A parameter is outside its allowed range.
    /// - Parameters:
    ///   - name: The parameter's name, e.g. `"k"`.
    ///   - value: The offending value, rendered as text.
    ///   - expected: The allowed range in words, e.g. `"0 < k <= 1"`.
    case outOfRange(name: String, value: String, expected: String)
    /// A gold token id does not index into the logits row it is scored against.
    /// - Parameters:
    ///   - position: The answer-token position.
    ///   - tokenID: The gold token id.
    ///   - vocabularySize: The row's length.
    case tokenOutOfRange(position: Int, tokenID: Int, vocabularySize: Int)
    /// A logits row holds a NaN or an infinity.
    /// - Parameter position: The answer-token position of the bad row.
    case nonFiniteLogits(position: Int)

    /// A sentence a user understands.
    public var description: String {
        switch self {
        case let .outOfRange(name, value, expected):
            return "metric parameter \(name) = \(value) is out of range (expected \(expected))"
        case let .tokenOutOfRange(position, tokenID, vocabularySize):
            return "gold token id \(tokenID) at answer position \(position) is outside the vocabulary of \(vocabularySize)"
        case let .nonFiniteLogits(position):
            return "the logits row at answer position \(position) holds NaN or infinity"
        }
    }
}

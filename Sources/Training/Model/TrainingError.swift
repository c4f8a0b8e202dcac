/// Errors from building, loading, training and unlearning models.
public enum TrainingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The model shape cannot be built.
    case invalidShape(reason: String)
    /// A tensor the shape requires is absent from the source.
    case missingTensor(name: String)
    /// A tensor has the wrong number of elements.
    case tensorSizeMismatch(name: String, expected: Int, actual: Int)
    /// A sequence is longer than the model's context (after dropping the last token).
    case sequenceTooLong(index: Int, length: Int, contextLength: Int)
    /// A sequence has fewer than two tokens, so it predicts nothing.
    case sequenceTooShort(index: Int, length: Int)
    /// A sequence's loss mask is not as long as its tokens.
    case maskLengthMismatch(index: Int, tokens: Int, mask: Int)
    /// A token id lies outside the vocabulary.
    case tokenOutOfRange(index: Int, token: Int32, vocabSize: Int)
    /// A data set that must not be empty is empty.
    case emptyDataSet(name: String)
    /// A hyper-parameter is outside its valid range.
    case invalidConfiguration(reason: String)

    /// A sentence a user can act on.
    public var description: String {
        switch self {
        case .invalidShape(let reason):
            return "invalid model shape: \(reason)"
        case .missingTensor(let name):
            return "tensor '\(name)' is missing"
        case .tensorSizeMismatch(let name, let expected, let actual):
            return "tensor '\(name)' has \(actual) elements, expected \(expected)"
        case .sequenceTooLong(let index, let length, let contextLength):
            return "sequence \(index) has \(length) tokens, more than context length \(contextLength) + 1"
        case .sequenceTooShort(let index, let length):
            return "sequence \(index) has \(length) tokens; at least 2 are needed"
        case .maskLengthMismatch(let index, let tokens, let mask):
            return "sequence \(index) has \(tokens) tokens but a loss mask of \(mask)"
        case .tokenOutOfRange(let index, let token, let vocabSize):
            return "sequence \(index) holds token \(token), outside vocabulary of \(vocabSize)"
        case .emptyDataSet(let name):
            return "the \(name) set is empty"
        case .invalidConfiguration(let reason):
            return "invalid configuration: \(reason)"
        }
    }
}

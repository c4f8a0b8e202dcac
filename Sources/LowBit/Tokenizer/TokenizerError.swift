/// Why a ``TokenizerConfig`` cannot be turned into a ``Tokenizer``.
public enum TokenizerError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The configuration lists no tokens at all.
    case emptyVocabulary
    /// `scores` is neither empty nor one entry per token.
    case scoresCountMismatch(tokens: Int, scores: Int)
    /// `tokenTypes` is neither empty nor one entry per token.
    case tokenTypesCountMismatch(tokens: Int, tokenTypes: Int)
    /// A special-token id (`field` is e.g. `"bosID"`) does not index the vocabulary.
    case specialIDOutOfRange(field: String, id: Int32, vocabularySize: Int)
    /// Merge number `index` is not two tokens separated by one space.
    case malformedMerge(index: Int, merge: String)
    /// Merge number `index` names a `token` that is not in the vocabulary.
    case mergeReferencesUnknownToken(index: Int, merge: String, token: String)
    /// Merge number `index` produces a token (`result`) that is not in the vocabulary.
    case mergeResultNotInVocabulary(index: Int, merge: String, result: String)
    /// The vocabulary has more tokens than an `Int32` id can address.
    case vocabularyTooLarge(count: Int)
    /// `tokenizer.ggml.pre` names a pre-tokenizer LowBit does not know (llama.cpp rejects unknown
    /// names too, with "unknown pre-tokenizer type").
    case unknownPreTokenizer(name: String)

    public var description: String {
        switch self {
        case .emptyVocabulary:
            return "tokenizer vocabulary is empty"
        case let .scoresCountMismatch(tokens, scores):
            return "tokenizer has \(tokens) tokens but \(scores) scores"
        case let .tokenTypesCountMismatch(tokens, tokenTypes):
            return "tokenizer has \(tokens) tokens but \(tokenTypes) token types"
        case let .specialIDOutOfRange(field, id, vocabularySize):
            return "tokenizer \(field) = \(id) is outside the vocabulary of \(vocabularySize) tokens"
        case let .malformedMerge(index, merge):
            return "tokenizer merge #\(index) \"\(merge.abbreviatedForMessage())\" is not two tokens separated by a space"
        case let .mergeReferencesUnknownToken(index, merge, token):
            return "tokenizer merge #\(index) \"\(merge.abbreviatedForMessage())\" uses \"\(token.abbreviatedForMessage())\", which is not in the vocabulary"
        case let .mergeResultNotInVocabulary(index, merge, result):
            return "tokenizer merge #\(index) \"\(merge.abbreviatedForMessage())\" produces \"\(result.abbreviatedForMessage())\", which is not in the vocabulary"
        case let .vocabularyTooLarge(count):
            return "tokenizer vocabulary of \(count) tokens does not fit 32-bit ids"
        case let .unknownPreTokenizer(name):
            return "tokenizer.ggml.pre = \"\(name.abbreviatedForMessage())\" is not a pre-tokenizer LowBit knows; it reads "
                + PreTokenizer.supportedNames.joined(separator: ", ")
        }
    }
}

/// What can go wrong when generating or writing a fact corpus.
public enum FactCorpusError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A configuration field is out of range.
    case invalidConfig(field: String, value: String, requirement: String)
    /// The splits leave too few retain entities for `retain_qa` plus the in-context examples.
    case tooFewRetainEntities(needed: Int, available: Int)
    /// The surname grammar could not produce enough unique, prefix-free surnames.
    case surnamePoolExhausted(needed: Int, generated: Int, attempts: Int)
    /// A directory of the output layout could not be created.
    case cannotCreateDirectory(path: String, reason: String)
    /// An output file could not be written or moved into place.
    case cannotWrite(path: String, reason: String)

    /// A sentence a user understands.
    public var description: String {
        switch self {
        case let .invalidConfig(field, value, requirement):
            "invalid fact-corpus setting \(field) = \(value): \(requirement)"
        case let .tooFewRetainEntities(needed, available):
            "the corpus has \(available) retain entities but needs at least \(needed) "
                + "(retain_qa entities plus two disjoint sets of in-context examples); "
                + "raise the entity count or lower the forget/holdout fractions"
        case let .surnamePoolExhausted(needed, generated, attempts):
            "could only invent \(generated) of \(needed) unique surnames in \(attempts) attempts; "
                + "lower the entity count"
        case let .cannotCreateDirectory(path, reason):
            "cannot create directory \(path): \(reason)"
        case let .cannotWrite(path, reason):
            "cannot write \(path): \(reason)"
        }
    }
}

/// Why a sweep could not run.
public enum SweepError: Error, Equatable, CustomStringConvertible {
    /// A grid field is empty or out of range.
    case invalidGrid(field: String, value: String, expected: String)
    /// A target file is not a subject made by `lowbit train` (it has no `lowbit.recipe`).
    case notASubject(path: String)
    /// A file could not be read, or a step failed on it.
    case failed(path: String, message: String)
    /// `--resume` was given a report of another grid.
    case resumeMismatch(path: String)

    public var description: String {
        switch self {
        case let .invalidGrid(field, value, expected): "sweep: invalid \(field) '\(value)' (expected \(expected))"
        case let .notASubject(path): "\(path): no lowbit.recipe metadata; the sweep unlearns subjects made by 'lowbit train'"
        case let .failed(path, message): "\(path): \(message)"
        case let .resumeMismatch(path): "\(path): this report is of another grid (targets, methods, rates, epochs, weights, precisions, items or seed differ)"
        }
    }
}

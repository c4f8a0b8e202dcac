/// Why a probe data set could not be loaded. Every case names the file; item-level cases also
/// name the item's index (0-based, as in the JSON array) and the field.
public enum ProbeDataError: Error, Equatable, CustomStringConvertible, Sendable {
    /// A required file does not exist.
    /// - Parameter path: The path that was looked for.
    case missingFile(path: String)
    /// The file exists but could not be read.
    /// - Parameters:
    ///   - path: The file.
    ///   - message: The underlying error's text.
    case unreadable(path: String, message: String)
    /// The file is not valid JSON (or not valid UTF-8 text).
    /// - Parameters:
    ///   - path: The file.
    ///   - message: The parser's own message.
    case malformedJSON(path: String, message: String)
    /// The file's top level is not what the layout requires.
    /// - Parameters:
    ///   - path: The file.
    ///   - expected: What was expected, e.g. `"an array of objects"`.
    case wrongTopLevel(path: String, expected: String)
    /// Item `index` is not an object, or lacks a field.
    /// - Parameters:
    ///   - path: The file.
    ///   - index: The 0-based index in the JSON array.
    ///   - field: The missing field, e.g. `"question"`; empty when the item is not an object.
    case missingField(path: String, index: Int, field: String)
    /// Item `index` has a field of the wrong type.
    /// - Parameters:
    ///   - path: The file.
    ///   - index: The 0-based index in the JSON array.
    ///   - field: The field (empty for an array of plain strings).
    ///   - expected: The expected JSON type, e.g. `"string"`.
    case wrongType(path: String, index: Int, field: String, expected: String)
    /// A split has no items, so every metric over it would be undefined.
    /// - Parameter path: The file.
    case emptySplit(path: String)

    /// A sentence a user understands.
    public var description: String {
        switch self {
        case let .missingFile(path):
            return "\(path): file not found"
        case let .unreadable(path, message):
            return "\(path): cannot read file (\(message))"
        case let .malformedJSON(path, message):
            return "\(path): malformed JSON (\(message))"
        case let .wrongTopLevel(path, expected):
            return "\(path): expected \(expected) at the top level"
        case let .missingField(path, index, field):
            return field.isEmpty
                ? "\(path): item \(index) is not a JSON object"
                : "\(path): item \(index) has no \"\(field)\" field"
        case let .wrongType(path, index, field, expected):
            return field.isEmpty
                ? "\(path): item \(index) is not a \(expected)"
                : "\(path): item \(index) field \"\(field)\" is not a \(expected)"
        case let .emptySplit(path):
            return "\(path): the split is empty"
        }
    }
}

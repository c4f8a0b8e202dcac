/// What is wrong with a Hugging Face checkpoint folder: its files, `config.json`,
/// `tokenizer.json` / `tokenizer_config.json`, or a case LowBit does not convert.
public enum HFError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A file the folder needs is absent.
    case missingFile(folder: String, file: String, hint: String)
    /// A file could not be read.
    case cannotRead(file: String, reason: String)
    /// A JSON file is larger than LowBit reads.
    case fileTooLarge(file: String, bytes: Int, limit: Int)
    /// A JSON file does not parse, or its top level is not an object.
    case invalidJSON(file: String, reason: String)
    /// A field of a JSON file is missing or malformed (`field` is a dotted path).
    case invalidField(file: String, field: String, reason: String)
    /// `config.json` names no architecture LowBit converts.
    case unsupportedArchitecture(file: String, architectures: [String], supported: [String])
    /// A checkpoint tensor the architecture has no GGUF name for.
    case unmappedTensor(file: String, tensor: String)
    /// A tensor the architecture needs is absent.
    case missingTensor(folder: String, tensor: String)
    /// A tensor's shape is not what `config.json` implies.
    case shapeMismatch(file: String, tensor: String, expected: [Int], found: [Int])
    /// A feature of the checkpoint or tokenizer LowBit does not convert, named.
    case unsupported(file: String, feature: String)

    public var description: String {
        switch self {
        case .missingFile(let folder, let file, let hint): "\(folder): no \(file)\(hint.isEmpty ? "" : " (\(hint))")"
        case .cannotRead(let file, let reason): "\(file): cannot read: \(reason)"
        case .fileTooLarge(let file, let bytes, let limit): "\(file): \(bytes) bytes, more than the \(limit) LowBit reads"
        case .invalidJSON(let file, let reason): "\(file): invalid JSON: \(reason)"
        case .invalidField(let file, let field, let reason): "\(file): field '\(field)' \(reason)"
        case .unsupportedArchitecture(let file, let architectures, let supported):
            "\(file): architecture \(architectures.isEmpty ? "(none)" : architectures.joined(separator: ", ")) is not supported (LowBit converts \(supported.joined(separator: ", ")))"
        case .unmappedTensor(let file, let tensor): "\(file): tensor '\(tensor.abbreviatedForMessage())' has no GGUF counterpart"
        case .missingTensor(let folder, let tensor): "\(folder): tensor '\(tensor)' is missing"
        case .shapeMismatch(let file, let tensor, let expected, let found):
            "\(file): tensor '\(tensor)' has shape \(found), config.json implies \(expected)"
        case .unsupported(let file, let feature): "\(file): \(feature) is not supported"
        }
    }
}

/// What is wrong with a model's metadata, tensors or inputs.
public enum ModelError: Error, Equatable, CustomStringConvertible {
    case unsupportedArchitecture(file: String, architecture: String)
    case missingMetadata(file: String, key: String)
    case invalidMetadata(file: String, key: String, reason: String)
    case missingTensor(file: String, name: String)
    case shapeMismatch(file: String, name: String, expected: [Int], found: [Int])
    case invalidTensor(file: String, name: String, reason: String)
    case unsupportedTensorType(file: String, name: String, type: GGMLType)
    case tokenOutOfRange(token: Int32, vocabularySize: Int)
    case contextOverflow(needed: Int, capacity: Int)
    /// Two sequences of one batched forward pass were given the same cache.
    case cacheSharedInBatch

    public var description: String {
        switch self {
        case let .unsupportedArchitecture(file, arch):
            "\(file): architecture '\(arch.abbreviatedForMessage())' is not supported (LowBit runs \(Architecture.all.map { "'\($0.name)'" }.joined(separator: ", ")))"
        case let .missingMetadata(file, key):
            "\(file): required metadata '\(key.abbreviatedForMessage())' is missing"
        case let .invalidMetadata(file, key, reason):
            "\(file): metadata '\(key.abbreviatedForMessage())': \(reason)"
        case let .missingTensor(file, name):
            "\(file): required tensor '\(name.abbreviatedForMessage())' is missing"
        case let .shapeMismatch(file, name, expected, found):
            "\(file): tensor '\(name.abbreviatedForMessage())' has shape \(found), expected \(expected)"
        case let .unsupportedTensorType(file, name, type):
            "\(file): tensor '\(name.abbreviatedForMessage())' has ggml type \(type) (id \(type.rawValue)), which LowBit cannot compute with (supported: \(GGMLType.supported.map(\.name).joined(separator: ", ")))"
        case let .invalidTensor(file, name, reason):
            "\(file): tensor '\(name.abbreviatedForMessage())': \(reason)"
        case let .tokenOutOfRange(token, n):
            "token id \(token) is outside the vocabulary of \(n)"
        case let .contextOverflow(needed, capacity):
            "\(needed) positions needed but the context holds \(capacity)"
        case .cacheSharedInBatch:
            "two sequences of one batch share a KV cache; each needs its own"
        }
    }
}

import Foundation

/// What went wrong reading or writing a GGUF file. Every case names the file and, where it
/// applies, the byte offset, key or tensor.
public enum GGUFError: Error, Equatable, CustomStringConvertible {
    case cannotOpen(file: String, reason: String)
    case truncated(file: String, offset: Int, needed: Int)
    case badMagic(file: String, found: [UInt8])
    case unsupportedVersion(file: String, version: UInt32)
    case invalidValueType(file: String, offset: Int, key: String, rawValue: UInt32)
    case invalidUTF8(file: String, offset: Int)
    case countTooLarge(file: String, offset: Int, field: String, count: UInt64)
    case nestingTooDeep(file: String, offset: Int, key: String)
    case duplicateKey(file: String, key: String)
    case duplicateTensor(file: String, name: String)
    case invalidShape(file: String, name: String, shape: [UInt64], reason: String)
    case misalignedOffset(file: String, name: String, offset: UInt64, alignment: Int)
    case tensorOutOfBounds(file: String, name: String, offset: UInt64, bytes: UInt64, fileSize: Int)
    case overlappingTensors(file: String, first: String, second: String)
    case invalidMetadata(file: String, key: String, reason: String)
    case missingTensor(file: String, name: String)
    case writeFailed(file: String, reason: String)

    public var description: String {
        switch self {
        case let .cannotOpen(file, reason):
            "\(file): cannot open: \(reason)"
        case let .truncated(file, offset, needed):
            "\(file): truncated at byte offset \(offset): \(needed) more bytes needed"
        case let .badMagic(file, found):
            "\(file): not a GGUF file (magic bytes \(found.map { String(format: "%02x", $0) }.joined(separator: " ")), expected 47 47 55 46 \"GGUF\")"
        case let .unsupportedVersion(file, version):
            "\(file): unsupported GGUF version \(version) (LowBit reads versions 2 and 3)"
        case let .invalidValueType(file, offset, key, rawValue):
            "\(file): metadata key '\(key.abbreviatedForMessage())' at offset \(offset) has unknown value type \(rawValue)"
        case let .invalidUTF8(file, offset):
            "\(file): string at offset \(offset) is not valid UTF-8"
        case let .countTooLarge(file, offset, field, count):
            "\(file): \(field.abbreviatedForMessage()) at offset \(offset) is \(count), more than the file can hold"
        case let .nestingTooDeep(file, offset, key):
            "\(file): metadata key '\(key.abbreviatedForMessage())' at offset \(offset) nests arrays too deeply"
        case let .duplicateKey(file, key):
            "\(file): metadata key '\(key.abbreviatedForMessage())' appears twice"
        case let .duplicateTensor(file, name):
            "\(file): tensor '\(name.abbreviatedForMessage())' appears twice"
        case let .invalidShape(file, name, shape, reason):
            "\(file): tensor '\(name.abbreviatedForMessage())' has invalid shape \(shape): \(reason)"
        case let .misalignedOffset(file, name, offset, alignment):
            "\(file): tensor '\(name.abbreviatedForMessage())' data offset \(offset) is not a multiple of the alignment \(alignment)"
        case let .tensorOutOfBounds(file, name, offset, bytes, fileSize):
            "\(file): tensor '\(name.abbreviatedForMessage())' spans \(bytes) bytes at data offset \(offset), past the end of the \(fileSize)-byte file"
        case let .overlappingTensors(file, first, second):
            "\(file): tensors '\(first.abbreviatedForMessage())' and '\(second.abbreviatedForMessage())' overlap"
        case let .invalidMetadata(file, key, reason):
            "\(file): metadata '\(key.abbreviatedForMessage())': \(reason)"
        case let .missingTensor(file, name):
            "\(file): required tensor '\(name.abbreviatedForMessage())' is missing"
        case let .writeFailed(file, reason):
            "\(file): write failed: \(reason)"
        }
    }
}

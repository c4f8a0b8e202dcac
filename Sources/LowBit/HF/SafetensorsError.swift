/// What is wrong with a safetensors file or a sharded checkpoint's index, with the file,
/// the tensor and the field or offset named.
public enum SafetensorsError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be opened or mapped.
    case cannotOpen(file: String, reason: String)
    /// The file ends before the 8-byte header length or before the header it announces.
    case truncated(file: String, offset: Int, needed: Int)
    /// The announced header is longer than ``SafetensorsFile/maxHeaderBytes``.
    case headerTooLarge(file: String, length: UInt64, limit: Int)
    /// The header is not a JSON object.
    case invalidHeader(file: String, reason: String)
    /// One field of one tensor's entry (or of `__metadata__`) is missing or malformed.
    case invalidField(file: String, tensor: String, field: String, reason: String)
    /// A tensor's `data_offsets` lie outside the data section.
    case tensorOutOfBounds(file: String, tensor: String, begin: UInt64, end: UInt64, dataSize: Int)
    /// A tensor's byte range does not match its shape and dtype.
    case sizeMismatch(file: String, tensor: String, shape: [Int], dtype: String, expectedBytes: Int, foundBytes: Int)
    /// Two tensors' byte ranges overlap.
    case overlappingTensors(file: String, first: String, second: String)
    /// A tensor has a dtype LowBit does not read (it reads F32, F16 and BF16).
    case unsupportedDType(file: String, tensor: String, dtype: String)
    /// `model.safetensors.index.json` is malformed.
    case invalidIndex(file: String, reason: String)
    /// The index names a shard file that is not a plain file name in the checkpoint folder.
    case invalidShardName(file: String, shard: String)
    /// The index maps a tensor to a shard that does not hold it.
    case tensorMissingFromShard(file: String, tensor: String, shard: String)
    /// Two shards hold a tensor of the same name.
    case duplicateTensor(file: String, tensor: String, otherFile: String)

    public var description: String {
        switch self {
        case .cannotOpen(let file, let reason): "\(file): cannot open safetensors file: \(reason)"
        case .truncated(let file, let offset, let needed): "\(file): truncated at byte \(offset), \(needed) more bytes needed"
        case .headerTooLarge(let file, let length, let limit): "\(file): header of \(length) bytes exceeds the limit of \(limit)"
        case .invalidHeader(let file, let reason): "\(file): invalid safetensors header: \(reason)"
        case .invalidField(let file, let tensor, let field, let reason):
            "\(file): tensor '\(tensor.abbreviatedForMessage())': field '\(field)' \(reason)"
        case .tensorOutOfBounds(let file, let tensor, let begin, let end, let dataSize):
            "\(file): tensor '\(tensor.abbreviatedForMessage())': data_offsets [\(begin), \(end)] outside the \(dataSize)-byte data section"
        case .sizeMismatch(let file, let tensor, let shape, let dtype, let expected, let found):
            "\(file): tensor '\(tensor.abbreviatedForMessage())': shape \(shape) of \(dtype) needs \(expected) bytes, data_offsets give \(found)"
        case .overlappingTensors(let file, let first, let second):
            "\(file): tensors '\(first.abbreviatedForMessage())' and '\(second.abbreviatedForMessage())' overlap"
        case .unsupportedDType(let file, let tensor, let dtype):
            "\(file): tensor '\(tensor.abbreviatedForMessage())' has dtype \(dtype); LowBit reads F32, F16 and BF16"
        case .invalidIndex(let file, let reason): "\(file): invalid checkpoint index: \(reason)"
        case .invalidShardName(let file, let shard):
            "\(file): shard '\(shard.abbreviatedForMessage())' is not a file name inside the checkpoint folder"
        case .tensorMissingFromShard(let file, let tensor, let shard):
            "\(file): the index puts tensor '\(tensor.abbreviatedForMessage())' in \(shard), which does not hold it"
        case .duplicateTensor(let file, let tensor, let otherFile):
            "\(file): tensor '\(tensor.abbreviatedForMessage())' is also in \(otherFile)"
        }
    }
}

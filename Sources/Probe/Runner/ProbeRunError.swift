/// Why a probe run could not start or finish. Every case names what a user has to fix: the
/// file, the item, the model, or the setting.
public enum ProbeRunError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The data set could not be loaded.
    /// - Parameter error: The loader's error, which names the file and item.
    case data(ProbeDataError)
    /// A model file could not be loaded, quantized or built.
    /// - Parameters:
    ///   - path: The model file.
    ///   - message: The underlying error's text.
    case model(path: String, message: String)
    /// A prompt (plus the tokens the probe must generate or score after it) does not fit the
    /// model's context. Caught before any cell runs.
    /// - Parameters:
    ///   - model: The model's display name.
    ///   - file: The data file the item comes from.
    ///   - index: The item's 0-based index in that file; `nil` for the shared few-shot prefix.
    ///   - needed: Positions the item needs (prompt tokens + new or scored tokens).
    ///   - context: The model's context length.
    case promptTooLong(model: String, file: String, index: Int?, needed: Int, context: Int)
    /// A setting is outside its allowed range.
    /// - Parameters:
    ///   - name: The setting, e.g. `"leak k"`.
    ///   - value: Its value as text.
    ///   - expected: The allowed range in words.
    case invalidSetting(name: String, value: String, expected: String)
    /// The default subjects are missing.
    /// - Parameters:
    ///   - directory: The `Models` folder looked in.
    ///   - missing: The files or folders that are not there.
    case missingSubjects(directory: String, missing: [String])
    /// Two subjects share a display name, so their rows could not be told apart.
    /// - Parameter name: The name.
    case duplicateModelName(String)
    /// The model failed while evaluating an item (a forward pass or a metric).
    /// - Parameters:
    ///   - model: The model's display name.
    ///   - precision: The precision label.
    ///   - split: The split being evaluated.
    ///   - index: The item's index.
    ///   - message: The underlying error's text.
    case evaluation(model: String, precision: String, split: ItemSplit, index: Int, message: String)

    /// A sentence a user understands.
    public var description: String {
        switch self {
        case let .data(error):
            return error.description
        case let .model(path, message):
            return "\(path): \(message)"
        case let .promptTooLong(model, file, index, needed, context):
            let what = index.map { "item \($0)" } ?? "the few-shot prefix"
            return "\(file): \(what) needs \(needed) positions (prompt plus generated or scored tokens), "
                + "but the context of model \(model) holds \(context)"
        case let .invalidSetting(name, value, expected):
            return "\(name) = \(value) is out of range (expected \(expected))"
        case let .missingSubjects(directory, missing):
            return "the default probe subjects are missing from \(directory): \(missing.joined(separator: ", ")). "
                + "Generate them with 'lowbit train' (see Models/README.md), or name models with "
                + "--target, --retrain and --unlearned NAME=FILE and data with --data DIR."
        case let .duplicateModelName(name):
            return "two models are named \(name); give each --unlearned a distinct NAME"
        case let .evaluation(model, precision, split, index, message):
            return "model \(model) at \(precision), \(split.rawValue) item \(index): \(message)"
        }
    }
}

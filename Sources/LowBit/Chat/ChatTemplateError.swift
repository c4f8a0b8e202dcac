/// Why a chat template could not be chosen.
public enum ChatTemplateError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The model has no chat template under `key` and no override was given.
    case missing(key: String)
    /// The template text under `key` matches none of the families LowBit renders.
    /// `detected` names the llama.cpp family it does match when LowBit knows that family but
    /// does not render it (`"phi4"`, `"mistral-v7"`, ...), else `nil`.
    case unrecognised(key: String, detected: String?, excerpt: String)
    /// `--chat-template NAME` names no built-in family.
    case unknownName(String, known: [String])

    public var description: String {
        let hint = "pass --chat-template NAME (one of \(ChatTemplate.builtIn.map(\.name).joined(separator: ", ")))"
        switch self {
        case .missing(let key):
            return "the model has no chat template (metadata key \(key) is absent); \(hint)"
        case .unrecognised(let key, let detected, let excerpt):
            let what = detected.map { "llama.cpp's \"\($0)\" family, which LowBit does not render" }
                ?? "no chat template family LowBit knows"
            return "the chat template in \(key) is \(what) (it begins \"\(excerpt)\"); \(hint)"
        case .unknownName(let name, let known):
            return "unknown chat template \"\(name)\"; known: \(known.joined(separator: ", "))"
        }
    }
}

import LowBit

/// How a TOFU question becomes a prompt and where its answer starts.
///
/// ```
/// plain   "Question: {q}\nAnswer:"  + " {answer}"         (MUSE's QA format, no few-shot)
/// chat    template([user: q], add-generation-prompt) + "{answer}"
/// ```
///
/// TOFU itself formats with the model family's chat markers (`[INST] q [/INST]` for
/// Llama-2-chat); `chat` does the same from the model's own template.
public enum TOFUPromptFormat: Sendable {
    /// The plain QA format.
    case plain
    /// A chat template; `system` is an optional system message before the question.
    case chat(ChatTemplate, system: String?)

    /// The prompt for a question.
    public func prompt(for question: String) -> String {
        switch self {
        case .plain:
            return "Question: \(question)\nAnswer:"
        case .chat(let template, let system):
            return template.apply((system.map { [ChatMessage.system($0)] } ?? []) + [.user(question)], addGenerationPrompt: true)
        }
    }

    /// The text appended to the prompt when an answer is scored.
    public func answerText(_ answer: String) -> String {
        switch self {
        case .plain: " " + answer
        case .chat: answer
        }
    }

    /// Where a plain greedy answer is cut (MUSE's markers); chat answers end at EOS.
    public var stopStrings: [String] {
        switch self {
        case .plain: KnowMemPrompt.stopMarkers
        case .chat: []
        }
    }

    /// A label for the report.
    public var label: String {
        switch self {
        case .plain: "plain \"Question: …\\nAnswer:\""
        case .chat(let t, let system): "chat template \(t.name)" + (system == nil ? "" : " with a system message")
        }
    }
}

import LowBit

/// MUSE's few-shot KnowMem prompt in chat form (`lowbit probe --chat`).
///
/// The in-context examples become earlier turns of the conversation, each question a user
/// message and its answer the assistant's reply; the question asked is the last user message,
/// followed by the generation prompt:
///
/// ```
/// [system]  user: q1  assistant: a1  …  user: q10  assistant: a10  user: q  → assistant
/// ```
///
/// This is how an instruction-tuned model sees few-shot examples in practice, and it keeps the
/// examples' answer format in the assistant's voice (putting all ten pairs into one user
/// message in MUSE's "Question:/Answer:" form instead would ask the chat model to continue a
/// document, which is not what its template was trained for). The shared prefix is the
/// rendering of the example turns; the built-in families render message by message, so the
/// full prompt starts with it and its KV cache is reused as for plain prompts. For a family
/// where it does not (none today), ``prefix`` is empty and every prompt is prefilled whole.
public struct ChatKnowMemPrompt: Sendable {
    /// The template.
    public let template: ChatTemplate
    /// The example turns (and the system message, when given).
    public let history: [ChatMessage]
    /// The rendering of ``history`` shared by every question's prompt ("" when not a prefix).
    public let prefix: String

    /// Builds the prompt's shared part.
    /// - Parameters:
    ///   - examples: The ICL pairs.
    ///   - template: The model's chat template.
    ///   - system: An optional system message before the examples.
    public init(examples: [QAPair], template: ChatTemplate, system: String? = nil) {
        self.template = template
        history = (system.map { [ChatMessage.system($0)] } ?? [])
            + examples.flatMap { [ChatMessage.user($0.question), .assistant($0.answer)] }
        let shared = template.apply(history, addGenerationPrompt: false)
        let probe = template.apply(history + [.user("?")], addGenerationPrompt: true)
        prefix = probe.hasPrefix(shared) ? shared : ""
    }

    /// The whole prompt for a question: the history, the question, the generation prompt.
    public func prompt(for question: String) -> String {
        template.apply(history + [.user(question)], addGenerationPrompt: true)
    }

    /// The per-question part: ``prompt(for:)`` after ``prefix``.
    public func suffix(for question: String) -> String {
        String(prompt(for: question).dropFirst(prefix.count))
    }

    /// A VerbMem prompt in chat form: the text to continue as the user message, then the
    /// generation prompt (the assistant's reply is compared with the ground truth).
    public static func verbMem(_ text: String, template: ChatTemplate, system: String? = nil) -> String {
        template.apply((system.map { [ChatMessage.system($0)] } ?? []) + [.user(text)], addGenerationPrompt: true)
    }
}

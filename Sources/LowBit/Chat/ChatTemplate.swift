/// A chat template family: how a conversation becomes the prompt text an instruction-tuned
/// model was trained on.
///
/// LowBit does not run Jinja. Like llama.cpp (`llm_chat_apply_template` in
/// `src/llama-chat.cpp`), it recognises the family of a model's `tokenizer.chat_template` from
/// its markers (``ChatTemplateDetection``) and renders with a small hand-written description
/// of that family, byte for byte as llama.cpp does. A family is one row of ``builtIn``, written
/// in its own `ChatTemplate+Family.swift` file.
///
/// ```
/// let template = try ChatTemplate.resolve(metadata: weights.metadata, override: nil)
/// let prompt = template.apply([.system("Be brief."), .user("Hi")], addGenerationPrompt: true)
/// ```
///
/// The rendered text holds no BOS token (llama.cpp's does not either); the tokenizer adds it.
public struct ChatTemplate: Sendable {
    /// llama.cpp's name of the family (`"chatml"`, `"llama3"`, ...), accepted by
    /// `--chat-template`.
    public let name: String
    /// Renders a conversation; the second argument is add-generation-prompt (llama.cpp's
    /// `add_ass`).
    let render: @Sendable ([ChatMessage], Bool) -> String

    /// Creates a family description.
    /// - Parameters:
    ///   - name: llama.cpp's name for it.
    ///   - render: The conversation → text function.
    public init(name: String, render: @escaping @Sendable ([ChatMessage], Bool) -> String) {
        self.name = name
        self.render = render
    }

    /// Renders a conversation.
    /// - Parameters:
    ///   - messages: The conversation, in order.
    ///   - addGenerationPrompt: Append the opening of an assistant turn so the model answers
    ///     next (llama.cpp's `add_ass`). Some families (Llama 2) have no such opening and
    ///     ignore it, as llama.cpp does.
    /// - Returns: The prompt text, special-token markers written out.
    public func apply(_ messages: [ChatMessage], addGenerationPrompt: Bool) -> String {
        render(messages, addGenerationPrompt)
    }

    /// The families LowBit renders, one row each.
    public static let builtIn: [ChatTemplate] = [
        .chatML, .llama2, .llama2Sys, .llama2SysBOS, .llama2SysStrip, .llama3, .gemma, .phi3,
    ]

    /// The built-in family called `name` (llama.cpp's names).
    /// - Parameter name: `"llama2"`, `"llama3"`, `"chatml"`, `"gemma"`, `"phi3"`, ...
    /// - Throws: ``ChatTemplateError/unknownName(_:known:)``.
    public static func named(_ name: String) throws(ChatTemplateError) -> ChatTemplate {
        guard let t = builtIn.first(where: { $0.name == name }) else {
            throw .unknownName(name, known: builtIn.map(\.name))
        }
        return t
    }
}

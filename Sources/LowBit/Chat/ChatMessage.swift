/// One message of a conversation, as llama.cpp's `llama_chat_message` holds it.
///
/// The role is free text; the built-in templates know `"system"`, `"user"` and `"assistant"`
/// and pass any other role through the way llama.cpp does.
public struct ChatMessage: Equatable, Sendable, Codable {
    /// `"system"`, `"user"`, `"assistant"` (or another role the template passes through).
    public var role: String
    /// The message text, verbatim.
    public var content: String

    /// Creates a message.
    /// - Parameters:
    ///   - role: The speaker.
    ///   - content: The text.
    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }

    /// A `"system"` message.
    public static func system(_ content: String) -> ChatMessage { ChatMessage(role: "system", content: content) }
    /// A `"user"` message.
    public static func user(_ content: String) -> ChatMessage { ChatMessage(role: "user", content: content) }
    /// An `"assistant"` message.
    public static func assistant(_ content: String) -> ChatMessage { ChatMessage(role: "assistant", content: content) }
}

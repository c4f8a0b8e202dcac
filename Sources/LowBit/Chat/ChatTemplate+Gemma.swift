extension ChatTemplate {
    /// Gemma's turns, llama.cpp's `gemma`. Gemma has no system role: system messages are
    /// trimmed, concatenated and put at the top of the next non-model turn; `assistant` is
    /// called `model`; contents are trimmed.
    ///
    /// ```
    /// <start_of_turn>{user|model}\n[{system}\n\n]{trim(content)}<end_of_turn>\n ...
    /// then <start_of_turn>model\n
    /// ```
    public static let gemma = ChatTemplate(name: "gemma") { messages, addAssistant in
        var s = ""
        var system = ""
        for m in messages {
            if m.role == "system" {
                system += m.content.cTrimmed
                continue
            }
            let role = m.role == "assistant" ? "model" : m.role
            s += "<start_of_turn>\(role)\n"
            if !system.isEmpty && role != "model" {
                s += system + "\n\n"
                system = ""
            }
            s += m.content.cTrimmed + "<end_of_turn>\n"
        }
        if addAssistant { s += "<start_of_turn>model\n" }
        return s
    }
}

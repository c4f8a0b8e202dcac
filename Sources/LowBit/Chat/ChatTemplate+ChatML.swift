extension ChatTemplate {
    /// ChatML (Qwen, many fine-tunes), llama.cpp's `chatml`:
    ///
    /// ```
    /// <|im_start|>{role}\n{content}<|im_end|>\n ...   then <|im_start|>assistant\n
    /// ```
    public static let chatML = ChatTemplate(name: "chatml") { messages, addAssistant in
        var s = ""
        for m in messages { s += "<|im_start|>\(m.role)\n\(m.content)<|im_end|>\n" }
        if addAssistant { s += "<|im_start|>assistant\n" }
        return s
    }
}

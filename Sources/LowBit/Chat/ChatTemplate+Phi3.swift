extension ChatTemplate {
    /// Phi-3, llama.cpp's `phi3`:
    ///
    /// ```
    /// <|{role}|>\n{content}<|end|>\n ...   then <|assistant|>\n
    /// ```
    public static let phi3 = ChatTemplate(name: "phi3") { messages, addAssistant in
        var s = ""
        for m in messages { s += "<|\(m.role)|>\n\(m.content)<|end|>\n" }
        if addAssistant { s += "<|assistant|>\n" }
        return s
    }
}

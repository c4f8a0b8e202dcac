extension ChatTemplate {
    /// Llama 3 header tokens, llama.cpp's `llama3` (contents trimmed):
    ///
    /// ```
    /// <|start_header_id|>{role}<|end_header_id|>\n\n{trim(content)}<|eot_id|> ...
    /// then <|start_header_id|>assistant<|end_header_id|>\n\n
    /// ```
    public static let llama3 = ChatTemplate(name: "llama3") { messages, addAssistant in
        var s = ""
        for m in messages { s += "<|start_header_id|>\(m.role)<|end_header_id|>\n\n\(m.content.cTrimmed)<|eot_id|>" }
        if addAssistant { s += "<|start_header_id|>assistant<|end_header_id|>\n\n" }
        return s
    }
}

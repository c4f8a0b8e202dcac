extension ChatTemplate {
    /// Llama 2 `[INST]` turns without a system block, llama.cpp's `llama2`: a system message
    /// is written as plain text plus `\n` inside the first turn.
    public static let llama2 = llama2Variant(name: "llama2", systemBlock: false, bosInHistory: false, strip: false)
    /// Llama 2 with `<<SYS>>` system blocks, llama.cpp's `llama2-sys`.
    public static let llama2Sys = llama2Variant(name: "llama2-sys", systemBlock: true, bosInHistory: false, strip: false)
    /// `llama2-sys` with `<s>` before every later `[INST]`, llama.cpp's `llama2-sys-bos`.
    public static let llama2SysBOS = llama2Variant(name: "llama2-sys-bos", systemBlock: true, bosInHistory: true, strip: false)
    /// `llama2-sys` with every content trimmed, llama.cpp's `llama2-sys-strip` (the template
    /// Meta's Llama-2-chat checkpoints ship, with `content.strip()`).
    public static let llama2SysStrip = llama2Variant(name: "llama2-sys-strip", systemBlock: true, bosInHistory: false, strip: true)

    /// The Llama 2 family as llama.cpp writes it:
    ///
    /// ```
    /// [INST] [<<SYS>>\n{system}\n<</SYS>>\n\n]{user} [/INST]{assistant}</s>[<s>][INST] {user} [/INST]
    /// ```
    ///
    /// There is no generation prompt: the text after `[/INST]` is the assistant's.
    static func llama2Variant(name: String, systemBlock: Bool, bosInHistory: Bool, strip: Bool) -> ChatTemplate {
        ChatTemplate(name: name) { messages, _ in
            var s = "[INST] "
            var insideTurn = true
            for m in messages {
                let content = strip ? m.content.cTrimmed : m.content
                if !insideTurn {
                    insideTurn = true
                    s += bosInHistory ? "<s>[INST] " : "[INST] "
                }
                switch m.role {
                case "system":
                    s += systemBlock ? "<<SYS>>\n\(content)\n<</SYS>>\n\n" : "\(content)\n"
                case "user":
                    s += "\(content) [/INST]"
                default:
                    s += "\(content)</s>"
                    insideTurn = false
                }
            }
            return s
        }
    }
}

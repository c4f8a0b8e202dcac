/// Picks a chat template family from the text of a model's `tokenizer.chat_template`, by
/// markers, in the order llama.cpp's `llm_chat_detect_template` (`src/llama-chat.cpp`) tests
/// them.
///
/// The rules run top to bottom and the first match wins, so a marker shared by two families is
/// resolved the way llama.cpp resolves it. Rules for llama.cpp families that LowBit does not
/// render (Phi-4, Mistral v1/v3/v7, Zephyr, ...) stay in the list where they stand in llama.cpp's
/// chain, so that a Phi-4 template is reported as Phi-4 and never rendered as ChatML. The chain
/// is copied up to Llama 3, the last supported family in llama.cpp's order; later rules cannot
/// select a supported family.
public enum ChatTemplateDetection {
    /// The GGUF metadata key that holds the template text.
    public static let metadataKey = "tokenizer.chat_template"

    /// One step of the chain: when `matches` holds, the template is family `name`.
    struct Rule: Sendable {
        let name: String
        let matches: @Sendable (String) -> Bool
    }

    static func has(_ markers: String...) -> @Sendable (String) -> Bool {
        { t in markers.allSatisfy { t.contains($0) } }
    }

    /// llama.cpp's detection chain, in its order, up to `llama3`.
    static let rules: [Rule] = [
        Rule(name: "phi4") { $0.contains("<|im_start|>") && $0.contains("<|im_sep|>") },
        Rule(name: "smolvlm") { $0.contains("<|im_start|>") && $0.contains("<end_of_utterance>") },
        Rule(name: "chatml", matches: has("<|im_start|>")),
        Rule(name: "mistral-v7") { isMistralOrInst($0) && $0.contains("[SYSTEM_PROMPT]") },
        Rule(name: "mistral-v1/v3") {
            isMistralOrInst($0) && ($0.contains("' [INST] ' + system_message") || $0.contains("[AVAILABLE_TOOLS]"))
        },
        Rule(name: "llama2-sys-strip") { isMistralOrInst($0) && $0.contains("content.strip()") },
        Rule(name: "llama2-sys-bos") { isMistralOrInst($0) && $0.contains("bos_token + '[INST]") },
        Rule(name: "llama2-sys") { isMistralOrInst($0) && $0.contains("<<SYS>>") },
        Rule(name: "llama2", matches: isMistralOrInst),
        Rule(name: "phi3", matches: has("<|assistant|>", "<|end|>")),
        Rule(name: "chatglm4", matches: has("[gMASK]<sop>")),
        Rule(name: "exaone-moe/falcon3/glmedge", matches: has("<|assistant|>", "<|user|>")),
        Rule(name: "glmedge", matches: has("<|{{ item['role'] }}|>", "<|begin_of_image|>")),
        Rule(name: "zephyr", matches: has("<|user|>", "<|endoftext|>")),
        Rule(name: "monarch", matches: has("bos_token + message['role']")),
        Rule(name: "gemma", matches: has("<start_of_turn>")),
        Rule(name: "orion", matches: has("'\\n\\nAssistant: ' + eos_token")),
        Rule(name: "openchat", matches: has("GPT4 Correct ")),
        Rule(name: "vicuna", matches: has("USER: ", "ASSISTANT: ")),
        Rule(name: "deepseek", matches: has("### Instruction:", "<|EOT|>")),
        Rule(name: "command-r", matches: has("<|START_OF_TURN_TOKEN|>", "<|USER_TOKEN|>")),
        Rule(name: "llama3", matches: has("<|start_header_id|>", "<|end_header_id|>")),
    ]

    @Sendable static func isMistralOrInst(_ t: String) -> Bool {
        t.hasPrefix("mistral") || t.contains("[INST]")
    }

    /// The family of a template text (or of a llama.cpp template name, which llama.cpp also
    /// accepts in place of the text).
    /// - Parameters:
    ///   - template: The Jinja text from `tokenizer.chat_template`, or a family name.
    ///   - key: Where the text came from, for the error.
    /// - Returns: The built-in family.
    /// - Throws: ``ChatTemplateError/unrecognised(key:detected:excerpt:)``.
    public static func detect(_ template: String, key: String = metadataKey) throws(ChatTemplateError) -> ChatTemplate {
        if let named = try? ChatTemplate.named(template) { return named }
        let excerpt = String(template.prefix(60))
        guard let rule = rules.first(where: { $0.matches(template) }) else {
            throw .unrecognised(key: key, detected: nil, excerpt: excerpt)
        }
        guard let family = try? ChatTemplate.named(rule.name) else {
            throw .unrecognised(key: key, detected: rule.name, excerpt: excerpt)
        }
        return family
    }

    /// The template to use for a model: the override when given, else the family detected
    /// from its metadata.
    /// - Parameters:
    ///   - metadata: The model's GGUF metadata (HF folders carry `tokenizer.chat_template` too).
    ///   - override: A `--chat-template` name, or `nil`.
    /// - Throws: ``ChatTemplateError``.
    public static func resolve(metadata: GGUFMetadata, override: String?) throws(ChatTemplateError) -> ChatTemplate {
        if let override { return try ChatTemplate.named(override) }
        guard let text = metadata[metadataKey]?.stringValue else { throw .missing(key: metadataKey) }
        return try detect(text)
    }
}

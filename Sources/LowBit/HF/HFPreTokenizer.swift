/// What a `tokenizer.json`'s normalizer and pre-tokenizer amount to in GGUF terms: a byte-level
/// BPE with a `tokenizer.ggml.pre` name, or a SentencePiece-style BPE with or without a
/// space prefix. Anything else is refused by name.
enum HFPreTokenizer: Equatable {
    /// Byte-level BPE split as llama.cpp's pre-tokenizer `name` splits.
    case byteLevel(pre: String)
    /// SentencePiece-style BPE over `▁`-joined text (`tokenizer.ggml.model` `llama`).
    case sentencePiece(addSpacePrefix: Bool)

    /// Llama 3's `Split` regular expression.
    static let llama3Regex =
        #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
    /// Qwen 2's: Llama 3's with single digits.
    static let qwen2Regex =
        #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#

    /// Classifies `tokenizer.json`'s `normalizer` and `pre_tokenizer`.
    ///
    /// - Throws: ``HFError/unsupported(file:feature:)`` naming the component LowBit lacks.
    static func classify(_ tj: HFJSON) throws(HFError) -> HFPreTokenizer {
        let normalizer = try tj.object("normalizer")
        let pre = try tj.object("pre_tokenizer")
        let preSteps = try steps(pre, "pretokenizers")
        let normSteps = try steps(normalizer, "normalizers")
        let normTypes = try normSteps.map { (s: HFJSON) throws(HFError) in try s.string("type") ?? "?" }
        let preTypes = try preSteps.map { (s: HFJSON) throws(HFError) in try s.string("type") ?? "?" }

        if preTypes.last == "ByteLevel" {
            let byteLevel = preSteps.last!
            if try byteLevel.bool("add_prefix_space") == true {
                throw .unsupported(file: tj.file, feature: "ByteLevel pre-tokenizer with add_prefix_space")
            }
            let usesRegex = try byteLevel.bool("use_regex") ?? true
            var name: String?
            switch preTypes.count {
            case 1 where usesRegex: name = "gpt-2"
            case 2 where preTypes[0] == "Split" && !usesRegex:
                let split = preSteps[0]
                let pattern = try split.object("pattern")
                let regex = try pattern?.string("Regex")
                let behavior = try split.string("behavior")?.lowercased()
                if behavior == "isolated", try split.bool("invert") != true {
                    if regex == llama3Regex { name = "llama-bpe" } else if regex == qwen2Regex { name = "qwen2" }
                }
            case 2 where preTypes[0] == "Digits" && usesRegex:
                if try preSteps[0].bool("individual_digits") == true { name = "smollm" }
            default: break
            }
            guard let name else {
                throw .unsupported(file: tj.file, feature: "byte-level pre-tokenizer [\(preTypes.joined(separator: ", "))] (LowBit maps GPT-2's ByteLevel, Llama 3's and Qwen 2's Split regexes, and SmolLM's Digits)")
            }
            // llama.cpp ignores Qwen 2's NFC normalizer too; any other normalizer changes ids.
            guard normTypes.isEmpty || (name == "qwen2" && normTypes == ["NFC"]) else {
                throw .unsupported(file: tj.file, feature: "normalizer [\(normTypes.joined(separator: ", "))] with a byte-level tokenizer")
            }
            return .byteLevel(pre: name)
        }
        if preTypes.isEmpty {
            // Llama 2 / Mistral: Prepend("▁") then Replace(" " → "▁"); Gemma: Replace alone.
            var prepend = false, replace = false
            for (step, type) in zip(normSteps, normTypes) {
                switch type {
                case "Prepend" where try step.string("prepend") == "▁" && !replace: prepend = true
                case "Replace" where try isSpaceToMetaspace(step): replace = true
                default: throw .unsupported(file: tj.file, feature: "normalizer [\(normTypes.joined(separator: ", "))] (LowBit maps Prepend('▁') and Replace(' ', '▁'))")
                }
            }
            guard replace else {
                throw .unsupported(file: tj.file, feature: "a tokenizer without a pre-tokenizer and without Replace(' ', '▁')")
            }
            return .sentencePiece(addSpacePrefix: prepend)
        }
        if preTypes == ["Metaspace"], normTypes.isEmpty {
            let m = preSteps[0]
            guard try m.string("replacement") ?? "▁" == "▁" else {
                throw .unsupported(file: tj.file, feature: "Metaspace with a replacement other than '▁'")
            }
            let scheme = try m.string("prepend_scheme")
            let legacy = try m.bool("add_prefix_space")
            switch scheme ?? (legacy == false ? "never" : "always") {
            case "always", "first": return .sentencePiece(addSpacePrefix: true)
            case "never": return .sentencePiece(addSpacePrefix: false)
            case let other: throw .unsupported(file: tj.file, feature: "Metaspace prepend_scheme '\(other)'")
            }
        }
        throw .unsupported(file: tj.file, feature: "pre-tokenizer [\(preTypes.joined(separator: ", "))] with normalizer [\(normTypes.joined(separator: ", "))]")
    }

    /// A component's steps: the members of a `Sequence`, the component itself, or none.
    private static func steps(_ component: HFJSON?, _ key: String) throws(HFError) -> [HFJSON] {
        guard let component else { return [] }
        if try component.string("type") == "Sequence" { return try component.objects(key) ?? [] }
        return [component]
    }

    private static func isSpaceToMetaspace(_ step: HFJSON) throws(HFError) -> Bool {
        let pattern = try step.object("pattern")?.string("String"), content = try step.string("content")
        return pattern == " " && content == "▁"
    }
}

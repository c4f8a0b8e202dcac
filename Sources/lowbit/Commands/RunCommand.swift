import Foundation
import Kernels
import LowBit

/// `lowbit run -m FILE|DIR -p PROMPT [--chat [--system TEXT] [--chat-template NAME]] [-n N] [--temp T] ...`.
enum RunCommand: Command {
    static let name = "run"
    static let summary = "generate text from a prompt, streaming to stdout"
    static let help = """
    USAGE: lowbit run -m FILE|DIR -p PROMPT [-n N] [--temp T] [--top-k K] [--top-p P] [--min-p P]
                      [--repeat-penalty R] [--seed S] [--stop STRING ...] [--threads N] [--no-bos]
                      [--no-special] [--token-healing] [--chat [--system TEXT] [--chat-template NAME]]

    Streams the completion of PROMPT to stdout and prints prefill and decode tokens/s to
    stderr. Defaults: -n 128, --temp 0.8, --top-k 40, --top-p 0.95, --min-p 0.05, seed 0.
    --temp 0 decodes greedily. The same seed gives the same output. Special tokens written in
    PROMPT (<s>, <|im_start|>, ...) become their ids unless --no-special is given, which
    tokenizes their text like any other (llama.cpp's parse_special = false). --token-healing
    backs a prompt that ends part-way into a token (a trailing space, half a word) up to the
    last token boundary and makes the first token start with the removed text (guidance's
    token healing); the removed text is not printed again.

    --chat renders PROMPT as the user message (after --system TEXT, when given) with the model's
    chat template and the generation prompt, as llama.cpp's llama_chat_apply_template does. The
    family is detected from tokenizer.chat_template (llama2, llama3, chatml, gemma, phi3 and the
    llama2-sys variants); --chat-template NAME overrides it, e.g. for a model without a template.

    EXAMPLES:
      lowbit run -m Models/target.gguf -p "Question: Where was Orla Venn born?\\nAnswer:" --temp 0 -n 8
      lowbit run -m model.gguf -p "Once upon a time" -n 64 --seed 42 --threads 2
      lowbit run -m Llama-3.2-1B-Instruct/ --chat --system "Answer briefly." -p "Who wrote Dune?" --temp 0
    """
    static let options = [
        OptionSpec(names: ["-m", "--model"], takesValue: true),
        OptionSpec(names: ["-p", "--prompt"], takesValue: true),
        OptionSpec(names: ["-n", "--n-predict"], takesValue: true),
        OptionSpec(names: ["--temp"], takesValue: true),
        OptionSpec(names: ["--top-k"], takesValue: true),
        OptionSpec(names: ["--top-p"], takesValue: true),
        OptionSpec(names: ["--min-p"], takesValue: true),
        OptionSpec(names: ["--repeat-penalty"], takesValue: true),
        OptionSpec(names: ["--seed"], takesValue: true),
        OptionSpec(names: ["--token-healing"], takesValue: false),
        OptionSpec(names: ["--stop"], takesValue: true, repeatable: true),
        OptionSpec(names: ["-t", "--threads"], takesValue: true),
        OptionSpec(names: ["--no-bos"], takesValue: false),
        OptionSpec(names: ["--no-special"], takesValue: false),
        OptionSpec(names: ["--chat"], takesValue: false),
        OptionSpec(names: ["--system"], takesValue: true),
        OptionSpec(names: ["--chat-template"], takesValue: true),
    ]

    static func run(_ args: Arguments) throws -> Int32 {
        let path = try args.required("--model")
        let userPrompt = try args.required("--prompt")
        let chat = args.flag("--chat")
        if !chat, args.string("--system") != nil || args.string("--chat-template") != nil {
            throw UsageError("--system and --chat-template need --chat")
        }
        if let name = args.string("--chat-template"), (try? ChatTemplate.named(name)) == nil {
            throw UsageError("\(ChatTemplateError.unknownName(name, known: ChatTemplate.builtIn.map(\.name)))")
        }
        var options = GenerationOptions(maxTokens: try args.int("--n-predict", default: 128, range: 0...1_000_000)!)
        options.sampler.temperature = Float(try args.double("--temp", default: 0.8, range: 0...100)!)
        options.sampler.topK = try args.int("--top-k", default: 40, range: 0...1_000_000)!
        options.sampler.topP = Float(try args.double("--top-p", default: 0.95, range: 0...1)!)
        options.sampler.minP = Float(try args.double("--min-p", default: 0.05, range: 0...1)!)
        options.sampler.repetitionPenalty = Float(try args.double("--repeat-penalty", default: 1, range: 0.01...100)!)
        options.sampler.seed = UInt64(try args.int("--seed", default: 0, range: 0...Int.max)!)
        options.stopStrings = args.all("--stop")
        if args.flag("--no-bos") { options.addBOS = false }
        options.tokenHealing = args.flag("--token-healing")
        let threads = try args.int("--threads", default: 1, range: 1...256)!

        let model = try loadModel(ModelWeights.load(path: path))
        var tokenizer = try Tokenizer(config: TokenizerConfig(metadata: model.weights.metadata, file: model.weights.source))
        tokenizer.parsesSpecialByDefault = !args.flag("--no-special")
        var prompt = userPrompt
        if chat {
            let template = try ChatTemplateDetection.resolve(metadata: model.weights.metadata, override: args.string("--chat-template"))
            let messages = (args.string("--system").map { [ChatMessage.system($0)] } ?? []) + [.user(userPrompt)]
            prompt = template.apply(messages, addGenerationPrompt: true)
            Console.err("chat template: \(template.name)")
        }
        let generator = Generator(model: model, tokenizer: tokenizer, pool: ThreadPool(threads: threads))
        let g = try generator.generate(prompt: prompt, options: options) { text in
            FileHandle.standardOutput.write(Data(text.utf8))
        }
        Console.out("")
        let s = g.stats
        Console.err(String(format: "prefill: %d tokens in %.3f s (%.2f tok/s) | decode: %d tokens in %.3f s (%.2f tok/s) | stop: %@",
                           s.promptTokens, s.prefillSeconds, s.prefillTokensPerSecond, s.generatedTokens, s.decodeSeconds,
                           s.decodeTokensPerSecond, s.stopReason.rawValue))
        return 0
    }
}

import Foundation
import LowBit

/// `lowbit tokenize -m FILE|DIR [--no-bos] [--no-special] [--json] TEXT`.
enum TokenizeCommand: Command {
    static let name = "tokenize"
    static let summary = "print the token ids of a text"
    static let help = """
    USAGE: lowbit tokenize -m FILE|DIR [--no-bos] [--no-special] [--json] [--pieces] TEXT

    Encodes TEXT with the model's tokenizer (from its GGUF metadata) and prints the ids, one
    per line, or as a JSON array with --json. --pieces prints each id with its text piece.
    --no-bos leaves out BOS. Special tokens written in TEXT (<s>, <|im_start|>, ...) become
    their ids unless --no-special is given, which tokenizes their text like any other text
    (llama.cpp's parse_special = false); user-defined tokens are matched either way.

    EXAMPLES:
      lowbit tokenize -m Models/target.gguf "Where was Orla Venn born?"
      lowbit tokenize -m model.gguf --no-bos --json "Hello world"
      lowbit tokenize -m model.gguf --no-special --pieces "<|im_start|>user"
    """
    static let options = [
        OptionSpec(names: ["-m", "--model"], takesValue: true),
        OptionSpec(names: ["--no-bos"], takesValue: false),
        OptionSpec(names: ["--no-special"], takesValue: false),
        OptionSpec(names: ["--json"], takesValue: false),
        OptionSpec(names: ["--pieces"], takesValue: false),
    ]

    static func run(_ args: Arguments) throws -> Int32 {
        let path = try args.required("--model")
        guard args.positionals.count == 1 else { throw UsageError("expected exactly one TEXT argument") }
        let tokenizer = try Tokenizer(config: TokenizerConfig(metadata: GGUFMetadata.load(modelPath: path), file: path))
        let ids = tokenizer.encode(
            args.positionals[0], addBOS: args.flag("--no-bos") ? false : nil, parseSpecial: !args.flag("--no-special"))
        if args.flag("--json") {
            Console.out(try Console.json(ids.map(Int.init), pretty: false))
        } else if args.flag("--pieces") {
            for id in ids { Console.out("\(id)\t\(String(decoding: tokenizer.pieceBytes(id), as: UTF8.self).debugDescription)") }
        } else {
            Console.out(ids.map(String.init).joined(separator: "\n"))
        }
        return 0
    }
}

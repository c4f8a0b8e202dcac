import Foundation
import LowBit

/// `lowbit tokenize -m FILE [--no-bos] [--json] TEXT`.
enum TokenizeCommand: Command {
    static let name = "tokenize"
    static let summary = "print the token ids of a text"
    static let help = """
    USAGE: lowbit tokenize -m FILE [--no-bos] [--json] [--pieces] TEXT

    Encodes TEXT with the model's tokenizer (from its GGUF metadata) and prints the ids, one
    per line, or as a JSON array with --json. --pieces prints each id with its text piece.

    EXAMPLES:
      lowbit tokenize -m Models/target.gguf "Where was Orla Venn born?"
      lowbit tokenize -m model.gguf --no-bos --json "Hello world"
    """
    static let options = [
        OptionSpec(names: ["-m", "--model"], takesValue: true),
        OptionSpec(names: ["--no-bos"], takesValue: false),
        OptionSpec(names: ["--json"], takesValue: false),
        OptionSpec(names: ["--pieces"], takesValue: false),
    ]

    static func run(_ args: Arguments) throws -> Int32 {
        let path = try args.required("--model")
        guard args.positionals.count == 1 else { throw UsageError("expected exactly one TEXT argument") }
        let file = try GGUFFile(path: path)
        let tokenizer = try Tokenizer(config: TokenizerConfig(metadata: file.metadata, file: path))
        let ids = tokenizer.encode(args.positionals[0], addBOS: args.flag("--no-bos") ? false : nil)
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

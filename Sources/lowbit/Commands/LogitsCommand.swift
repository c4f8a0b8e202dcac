import Foundation
import LowBit

/// `lowbit logits -m FILE|DIR --tokens 1,2,3 [--json]`: full-vocabulary logits at the last position.
enum LogitsCommand: Command {
    static let name = "logits"
    static let summary = "print the logits for exact token ids (compare runtimes)"
    static let help = """
    USAGE: lowbit logits -m FILE|DIR --tokens ID,ID,... [--json] [--threads N]

    Runs the model on exactly these token ids (no BOS is added) and prints the logits over the
    whole vocabulary at the last position: one per line, or with --json as
    {"tokens": [...], "logits": [...]}.

    EXAMPLES:
      lowbit logits -m model.gguf --tokens 1,450,4996 --json > ours.json
    """
    static let options = [
        OptionSpec(names: ["-m", "--model"], takesValue: true),
        OptionSpec(names: ["--tokens"], takesValue: true),
        OptionSpec(names: ["-t", "--threads"], takesValue: true),
        OptionSpec(names: ["--json"], takesValue: false),
    ]

    static func run(_ args: Arguments) throws -> Int32 {
        let path = try args.required("--model")
        guard let ids = try args.intList("--tokens"), !ids.isEmpty else { throw UsageError("--tokens needs at least one id") }
        let threads = try args.int("--threads", default: 1, range: 1...256)!
        let model = try loadModel(ModelWeights.load(path: path))
        let tokens = ids.map { Int32(clamping: $0) }
        let logits = try model.forward(tokens, cache: model.makeCache(capacity: tokens.count), pool: ThreadPool(threads: threads))
        if args.flag("--json") {
            Console.out(try Console.json(["tokens": ids, "logits": logits.map(Double.init)], pretty: false))
        } else {
            Console.out(logits.map { String($0) }.joined(separator: "\n"))
        }
        return 0
    }
}

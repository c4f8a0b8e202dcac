import Foundation
import LowBit

/// `lowbit synth --shape 15m|110m|1b|7b --type T OUT`.
enum SynthCommand: Command {
    static let name = "synth"
    static let summary = "write a random-weight Llama GGUF with a real model's shapes"
    static let help = """
    USAGE: lowbit synth --shape 15m|110m|1b|7b [--type f32|f16|bf16|q8_0|q4_0|q4_1] [--seed S] [--tied] OUT

    Writes a random-weight Llama model with the exact shapes of stories15M, stories110M,
    TinyLlama-1.1B (GQA 32/4) or Llama-2-7B, a 32000-token SentencePiece-style vocabulary with
    byte fallback, and a valid tokenizer, so anyone can benchmark without downloading weights.
    Default type f32. The file loads in llama.cpp.

    EXAMPLES:
      lowbit synth --shape 1b --type q4_0 /tmp/tinyllama-q4_0.gguf
      lowbit bench -m /tmp/tinyllama-q4_0.gguf -t 1,2
    """
    static let options = [
        OptionSpec(names: ["--shape"], takesValue: true),
        OptionSpec(names: ["--type"], takesValue: true),
        OptionSpec(names: ["--seed"], takesValue: true),
        OptionSpec(names: ["--tied"], takesValue: false),
    ]

    static func run(_ args: Arguments) throws -> Int32 {
        guard args.positionals.count == 1 else { throw UsageError("expected exactly one OUT path") }
        let shapeName = try args.required("--shape")
        guard let shape = SyntheticModel.Shape(rawValue: shapeName.lowercased()) else {
            throw UsageError("unknown --shape '\(shapeName)' (use \(SyntheticModel.Shape.allCases.map(\.rawValue).joined(separator: "|")))")
        }
        let type = try args.type("--type", default: .f32)!
        let seed = UInt64(try args.int("--seed", default: 1, range: 0...Int.max)!)
        let start = Date()
        let w = try SyntheticModel.make(config: shape.config, type: type, seed: seed, tied: args.flag("--tied"),
                                        name: "synthetic-\(shape.rawValue)-\(type)")
        try GGUFWriter.write(w, to: args.positionals[0])
        Console.err(String(format: "wrote %@ (%@, %@, %.1f MiB) in %.1f s", args.positionals[0], shape.rawValue, type.name,
                           Double(w.byteCount) / 1_048_576, Date().timeIntervalSince(start)))
        return 0
    }
}

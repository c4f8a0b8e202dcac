import Foundation
import LowBit

/// `lowbit quantize IN OUT --type T [--keep NAME=TYPE ...]`.
enum QuantizeCommand: Command {
    static let name = "quantize"
    static let summary = "convert a GGUF model's weights to q8_0, q4_0, q4_1, f16, bf16 or f32"
    static let help = """
    USAGE: lowbit quantize IN OUT --type q8_0|q4_0|q4_1|f16|bf16|f32 [--keep NAME=TYPE ...] [--json]

    Converts every 2-D weight matrix to --type with ggml's reference round-to-nearest
    quantizers (byte-identical to llama.cpp's). 1-D norm weights stay f32, as llama.cpp keeps
    them; a matrix whose rows are not a whole number of 32-element blocks falls back to f16.
    Unlike llama-quantize, output.weight and token_embd.weight take --type too (LowBit has no
    k-quants); hold them elsewhere with --keep. Prints each tensor's RMSE and the total size.
    OUT appears atomically (temporary file, then rename).

    EXAMPLES:
      lowbit quantize model-f32.gguf model-q4_0.gguf --type q4_0
      lowbit quantize model-f32.gguf model-q4_0.gguf --type q4_0 --keep output.weight=q8_0
    """
    static let options = [
        OptionSpec(names: ["--type"], takesValue: true),
        OptionSpec(names: ["--keep"], takesValue: true, repeatable: true),
        OptionSpec(names: ["--json"], takesValue: false),
    ]

    static func run(_ args: Arguments) throws -> Int32 {
        guard args.positionals.count == 2 else { throw UsageError("expected IN and OUT paths") }
        guard let type = try args.type("--type") else { throw UsageError("missing required option '--type'") }
        var keep: [String: GGMLType] = [:]
        for k in args.all("--keep") {
            let parts = k.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let t = GGMLType(name: parts[1]) else {
                throw UsageError("--keep expects NAME=TYPE, got '\(k)'")
            }
            keep[parts[0]] = t
        }
        let source = try GGUFFile.loadWeights(path: args.positionals[0])
        for name in keep.keys where source[name] == nil {
            throw UsageError("--keep names tensor '\(name)', which \(args.positionals[0]) does not have")
        }
        let start = Date()
        let (weights, report) = try Quantizer.quantize(source, to: type, keep: keep)
        try GGUFWriter.write(weights, to: args.positionals[1])
        let seconds = Date().timeIntervalSince(start)
        if args.flag("--json") {
            Console.out(try Console.json([
                "input": args.positionals[0], "output": args.positionals[1], "type": type.name,
                "bytes_in": source.byteCount, "bytes_out": weights.byteCount, "seconds": seconds,
                "tensors": report.map { ["name": $0.name, "from": $0.from.name, "to": $0.to.name, "rmse": $0.rmse, "bytes": $0.bytes] },
            ]))
        } else {
            let w = max(4, report.map(\.name.count).max() ?? 4)
            Console.out("name".leftAligned(w) + "  from   to     rmse")
            for r in report {
                Console.out(r.name.leftAligned(w) + "  " + r.from.name.leftAligned(5) + "  " + r.to.name.leftAligned(5) + "  "
                    + String(format: "%.3e", r.rmse))
            }
            Console.out(String(format: "\n%@ → %@: %.2f MiB → %.2f MiB in %.1f s", args.positionals[0], args.positionals[1],
                               Double(source.byteCount) / 1_048_576, Double(weights.byteCount) / 1_048_576, seconds))
        }
        return 0
    }
}

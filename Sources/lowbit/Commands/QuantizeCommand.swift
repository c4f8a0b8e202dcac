import Foundation
import LowBit

/// `lowbit quantize IN OUT --type PRESET [--pure] [--keep NAME=TYPE ...]`.
enum QuantizeCommand: Command {
    static let name = "quantize"
    static let summary = "quantize a GGUF model as llama-quantize does (q4_k_m, q8_0, q2_k, …)"
    static var presetNames: String { QuantizationPreset.all.map(\.name).joined(separator: "|") }
    static var schemeNames: String {
        Precision.names.filter { QuantizationPreset.named($0) == nil && GGMLType(name: $0) == nil }.joined(separator: "|")
    }
    static let help = """
    USAGE: lowbit quantize IN OUT --type PRESET [--pure] [--keep NAME=TYPE ...] [--threads N] [--json]
           lowbit quantize IN OUT --type SCHEME [--double-quant] [--quantize-head] [--calibration FILE]

    PRESET: \(presetNames)
            (aliases q3_k = q3_k_m, q4_k = q4_k_m, q5_k = q5_k_m, as in llama-quantize)
    SCHEME: \(schemeNames)
            the paper's quantizers, written as "fake-quant" f16 weights equal to the scheme's
            dequantized values, with the scheme and its settings in lowbit.quantization.*
            metadata (shown by inspect). nf4/fp4 are bitsandbytes' 4-bit codes with an absmax
            per block of 64 (--double-quant quantizes the absmax values, 8-bit in blocks of
            256); the token embeddings and, unless --quantize-head, the output head stay as
            they are, as in load_in_4bit.

    Quantizes with ggml's reference quantizers (the bytes llama-quantize writes without an
    importance matrix) and llama-quantize's per-tensor choices: the mixtures promote
    attn_v and ffn_down in some layers (q4_k_m gives them q6_K where llama.cpp's
    use_more_bits says so), the output head and tied token embeddings get q6_K (q8_0 stays
    q8_0), and a matrix whose rows are not a whole number of blocks falls back (q4_K → q5_0,
    q5_K → q5_1, q6_K → q8_0, q2_K/q3_K → q4_0, then f16). 1-D tensors and norms keep their
    type. --pure gives every matrix the preset's type (llama-quantize --pure). --keep holds
    a tensor at another type. --threads (default: all cores) quantizes rows in parallel; the
    bytes do not depend on it. Prints each tensor's type and RMSE and the total size. OUT
    appears atomically (temporary file, then rename).

    EXAMPLES:
      lowbit quantize model-f32.gguf model-q4_k_m.gguf --type q4_k_m
      lowbit quantize model-f32.gguf model-q4_0.gguf --type q4_0 --pure
      lowbit quantize model-f32.gguf model-q4_0.gguf --type q4_0 --keep output.weight=q8_0
    """
    static let options = [
        OptionSpec(names: ["--type"], takesValue: true),
        OptionSpec(names: ["--pure"], takesValue: false),
        OptionSpec(names: ["--keep"], takesValue: true, repeatable: true),
        OptionSpec(names: ["--threads"], takesValue: true),
        OptionSpec(names: ["--json"], takesValue: false),
        OptionSpec(names: ["--double-quant"], takesValue: false),
        OptionSpec(names: ["--quantize-head"], takesValue: false),
        OptionSpec(names: ["--act-order"], takesValue: false),
        OptionSpec(names: ["--calibration"], takesValue: true),
    ]

    static func run(_ args: Arguments) throws -> Int32 {
        guard args.positionals.count == 2 else { throw UsageError("expected IN and OUT paths") }
        guard let name = args.string("--type") else { throw UsageError("missing required option '--type'") }
        guard let preset = QuantizationPreset.named(name) else {
            let options = Precision.Options(doubleQuant: args.flag("--double-quant"), quantizeHead: args.flag("--quantize-head"),
                                            actOrder: args.flag("--act-order"))
            guard let precision = Precision.named(name, options: options) else {
                throw UsageError("option '--type': unknown preset or scheme '\(name)' (use \(presetNames)|\(schemeNames))")
            }
            return try runScheme(precision.scheme, args)
        }
        var keep: [String: GGMLType] = [:]
        for k in args.all("--keep") {
            let parts = k.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let t = GGMLType(name: parts[1]), t.isSupported else {
                throw UsageError("--keep expects NAME=TYPE with a type LowBit computes with, got '\(k)'")
            }
            keep[parts[0]] = t
        }
        let source = try ModelWeights.load(path: args.positionals[0])
        for name in keep.keys where source[name] == nil {
            throw UsageError("--keep names tensor '\(name)', which \(args.positionals[0]) does not have")
        }
        let start = Date()
        let threads = try args.int("--threads", default: ProcessInfo.processInfo.activeProcessorCount, range: 1...256)!
        let (weights, report) = try Quantizer.quantize(source, preset: preset, pure: args.flag("--pure"), keep: keep,
                                                       pool: ThreadPool(threads: threads))
        try GGUFWriter.write(weights, to: args.positionals[1])
        let seconds = Date().timeIntervalSince(start)
        if args.flag("--json") {
            Console.out(try Console.json([
                "input": args.positionals[0], "output": args.positionals[1], "preset": preset.name, "pure": args.flag("--pure"),
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
            var counts: [String: Int] = [:]
            for r in report { counts[r.to.name, default: 0] += 1 }
            let mix = counts.sorted { $0.value > $1.value }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            Console.out(String(format: "\n%@ → %@ (%@%@: %@): %.2f MiB → %.2f MiB in %.1f s", args.positionals[0], args.positionals[1],
                               preset.name, args.flag("--pure") ? ", pure" : "", mix,
                               Double(source.byteCount) / 1_048_576, Double(weights.byteCount) / 1_048_576, seconds))
        }
        return 0
    }

    /// Applies one of the paper's schemes and writes the fake-quant file.
    static func runScheme(_ scheme: any WeightScheme, _ args: Arguments) throws -> Int32 {
        let (input, output) = (args.positionals[0], args.positionals[1])
        let source = try ModelWeights.load(path: input)
        let threads = try args.int("--threads", default: ProcessInfo.processInfo.activeProcessorCount, range: 1...256)!
        var context = QuantizationContext(pool: ThreadPool(threads: threads))
        if scheme.needsCalibration {
            guard let path = args.string("--calibration") else {
                throw UsageError("--type \(scheme.name) needs --calibration FILE (text whose activations calibrate it)")
            }
            let text = try CalibrationText.read(path)
            let tokenizer = try Tokenizer(config: TokenizerConfig(metadata: source.metadata, file: input))
            let length = min(try ModelConfig(weights: source).contextLength, 256)
            context.calibration = CalibrationText.windows(tokenizer.encode(text), length: length, count: 32)
            context.calibrationSource = path
            guard context.calibration.first.map({ $0.count > 1 }) ?? false else {
                throw UsageError("--calibration \(path): the text tokenizes to fewer than 2 tokens")
            }
        }
        let start = Date()
        let weights = try scheme.apply(to: source, context: context)
        try GGUFWriter.write(weights, to: output)
        let seconds = Date().timeIntervalSince(start)
        let changed = zip(source.tensors, weights.tensors).filter { $0.0.type != $0.1.type || $0.0.storage !== $0.1.storage }.count
        if args.flag("--json") {
            Console.out(try Console.json([
                "input": input, "output": output, "scheme": scheme.name, "bits": scheme.bits, "group_size": scheme.groupSize ?? 0,
                "settings": scheme.settings, "tensors_quantized": changed, "bytes_out": weights.byteCount, "seconds": seconds,
            ]))
        } else {
            let settings = scheme.settings.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            Console.out(String(format: "%@ → %@ (%@, %d-bit, group %d, %@): %d of %d tensors quantized, %.2f MiB in %.1f s", input, output,
                               scheme.name, scheme.bits, scheme.groupSize ?? 0, settings, changed, weights.tensors.count,
                               Double(weights.byteCount) / 1_048_576, seconds))
        }
        return 0
    }
}

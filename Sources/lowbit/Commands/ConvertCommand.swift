import Foundation
import LowBit

/// `lowbit convert HF_DIR OUT.gguf [--type PRESET] [--threads N] [--json]`.
enum ConvertCommand: Command {
    static let name = "convert"
    static let summary = "convert a Hugging Face checkpoint folder to GGUF (as convert_hf_to_gguf.py does)"
    static let help = """
    USAGE: lowbit convert HF_DIR OUT.gguf [--type PRESET] [--threads N] [--json]

    PRESET: \(QuantizeCommand.presetNames)   (default: keep the checkpoint's f32/f16/bf16)

    Reads HF_DIR (config.json, tokenizer.json [+ tokenizer_config.json], model.safetensors or
    model-0000x-of-0000y.safetensors with model.safetensors.index.json) and writes the GGUF
    file llama.cpp's convert_hf_to_gguf.py would write: the same tensor names, Llama's Q/K row
    permutation, Gemma's norm +1, 1-D tensors in f32, the {arch}.* hyper-parameters (rope
    scaling, Llama 3's rope_freqs, soft-caps, sliding window) and the tokenizer.ggml.* keys
    with tokenizer.chat_template. Architectures: \(HFArchitecture.supportedNames.joined(separator: ", ")).
    --type then quantizes as `lowbit quantize --type` does (llama-quantize's per-tensor
    choices). OUT appears atomically (temporary file, then rename).

    Every command that takes -m FILE also takes HF_DIR and converts in memory, so converting
    is only needed to keep a quantized file.

    EXAMPLES:
      lowbit convert ~/models/Llama-3.2-1B-Instruct llama-1b-f16.gguf --type f16
      lowbit convert ~/models/Qwen2.5-0.5B qwen-q4_k_m.gguf --type q4_k_m
      lowbit inspect ~/models/Llama-3.2-1B-Instruct      # what the conversion gives, without writing
    """
    static let options = [
        OptionSpec(names: ["--type"], takesValue: true),
        OptionSpec(names: ["--threads"], takesValue: true),
        OptionSpec(names: ["--json"], takesValue: false),
    ]

    static func run(_ args: Arguments) throws -> Int32 {
        guard args.positionals.count == 2 else { throw UsageError("expected HF_DIR and OUT.gguf") }
        let (input, output) = (args.positionals[0], args.positionals[1])
        guard HFCheckpoint.isCheckpoint(input) else {
            throw UsageError("'\(input)' is not a Hugging Face checkpoint folder (a folder with config.json)")
        }
        var preset: QuantizationPreset?
        if let name = args.string("--type") {
            guard let p = QuantizationPreset.named(name) else {
                throw UsageError("option '--type': unknown preset '\(name)' (use \(QuantizeCommand.presetNames))")
            }
            preset = p
        }
        let threads = try args.int("--threads", default: ProcessInfo.processInfo.activeProcessorCount, range: 1...256)!
        let start = Date()
        let source = try ModelWeights.load(huggingFace: input)
        let loaded = Date().timeIntervalSince(start)
        var weights = source
        if let preset {
            weights = try Quantizer.quantize(source, preset: preset, computeRMSE: false, pool: ThreadPool(threads: threads)).weights
        }
        try GGUFWriter.write(weights, to: output)
        let seconds = Date().timeIntervalSince(start)
        var counts: [String: Int] = [:]
        for t in weights.tensors { counts[t.type.name, default: 0] += 1 }
        if args.flag("--json") {
            Console.out(try Console.json([
                "input": input, "output": output, "architecture": weights.metadata["general.architecture"]?.stringValue ?? "",
                "preset": preset?.name ?? "source", "tensors": weights.tensors.count, "bytes_out": weights.byteCount,
                "load_seconds": loaded, "seconds": seconds, "types": counts,
            ]))
        } else {
            let mix = counts.sorted { $0.value > $1.value }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
            Console.out(String(format: "%@ → %@ (%@, %d tensors: %@): %.2f MiB in %.1f s (conversion %.2f s)", input, output,
                               weights.metadata["general.architecture"]?.stringValue ?? "?", weights.tensors.count, mix,
                               Double(weights.byteCount) / 1_048_576, seconds, loaded))
        }
        return 0
    }
}

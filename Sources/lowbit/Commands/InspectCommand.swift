import Foundation
import LowBit

/// `lowbit inspect FILE|DIR [--json]`: metadata and tensor table of a GGUF file, or of a
/// Hugging Face checkpoint folder as LowBit converts it.
enum InspectCommand: Command {
    static let name = "inspect"
    static let summary = "show a GGUF file's (or HF folder's converted) metadata and tensors"
    static let help = """
    USAGE: lowbit inspect FILE|DIR [--json]

    Shows every metadata key and every tensor (name, type, shape innermost-first, data offset,
    bytes). Any well-formed GGUF opens, including tensors of types LowBit cannot compute with
    (marked "no kernels") and type ids ggml does not define (shown as unknown(ID), size "?").
    Long arrays and strings are abbreviated in the text form; --json prints them whole (each
    array on one line, keys in file order), streaming, as
    {"metadata": {key: value}, "tensors": [{"name","type","type_id","supported","shape",
    "offset","bytes"}]} ("bytes" is null for an unknown type).

    DIR, a Hugging Face checkpoint folder (config.json, tokenizer.json, *.safetensors), shows
    the GGUF metadata and tensors LowBit converts it to in memory (as `lowbit convert` would
    write them at the source precision); "view" marks tensors read in place from the mapped
    safetensors, "copy" the ones the conversion changed (permuted, shifted, widened to f32).

    EXAMPLES:
      lowbit inspect Models/target.gguf
      lowbit inspect model.gguf --json | jq '.tensors[0]'
      lowbit inspect ~/models/Llama-3.2-1B-Instruct
    """
    static let options = [OptionSpec(names: ["--json"], takesValue: false)]

    static func run(_ args: Arguments) throws -> Int32 {
        guard args.positionals.count == 1 else { throw UsageError("expected exactly one FILE") }
        if HFCheckpoint.isCheckpoint(args.positionals[0]) {
            let path = args.positionals[0]
            let weights = try ModelWeights.load(path: path)
            if args.flag("--json") {
                var w = JSONStreamWriter { chunk in FileHandle.standardOutput.write(Data(chunk)) }
                weights.writeJSON(to: &w)
                w.flush()
                return 0
            }
            var out = Console.BufferedOut()
            out.line("\(path): Hugging Face checkpoint, converted in memory: \(weights.metadata.entries.count) metadata keys, \(weights.tensors.count) tensors")
            out.line("\nMETADATA")
            for (k, v) in weights.metadata.entries { out.line("  \(k) = \(v.abbreviated())") }
            out.line("\nTENSORS")
            let w = min(64, max(4, weights.tensors.map(\.name.count).max() ?? 4))
            out.line("  " + "name".leftAligned(w) + "  type   shape                 bytes         source")
            for t in weights.tensors {
                let shape = "[" + t.shape.map(String.init).joined(separator: ", ") + "]"
                out.line("  " + t.name.leftAligned(w) + "  " + t.type.name.leftAligned(5) + "  " + shape.leftAligned(20) + "  "
                    + String(t.storage.bytes.count).leftAligned(12) + "  " + (t.storage.isView ? "view" : "copy"))
            }
            out.line("\n  total tensor data: \(weights.byteCount) bytes (\(String(format: "%.2f", Double(weights.byteCount) / 1_048_576)) MiB)")
            out.flush()
            return 0
        }
        let file = try GGUFFile(path: args.positionals[0])
        if args.flag("--json") {
            var w = JSONStreamWriter { chunk in FileHandle.standardOutput.write(Data(chunk)) }
            file.writeJSON(to: &w)
            w.flush()
            return 0
        }
        // Buffered: a tensor table of millions of entries is millions of lines.
        var out = Console.BufferedOut()
        out.line("\(file.path): GGUF v\(file.version), \(file.metadata.entries.count) metadata keys, \(file.tensors.count) tensors, alignment \(file.alignment), data at \(file.dataOffset)")
        out.line("\nMETADATA")
        for (k, v) in file.metadata.entries { out.line("  \(k) = \(v.abbreviated())") }
        out.line("\nTENSORS")
        // Columns fit the longest name up to 64 characters; longer names overflow their line
        // rather than widening every line (a single huge name would make the table quadratic).
        let w = min(64, max(4, file.tensors.map(\.name.count).max() ?? 4))
        let tw = min(24, max(5, file.tensors.map(\.type.name.count).max() ?? 5))
        out.line("  " + "name".leftAligned(w) + "  " + "type".leftAligned(tw) + "  shape                 offset         bytes")
        var total = 0
        for t in file.tensors {
            total += t.byteCount ?? 0
            let shape = "[" + t.shape.map(String.init).joined(separator: ", ") + "]"
            let bytes = t.byteCount.map(String.init) ?? "?"
            let note = t.type.isSupported ? "" : (t.type.isKnown ? "  (no kernels)" : "  (type unknown to ggml)")
            out.line("  " + t.name.leftAligned(w) + "  " + t.type.name.leftAligned(tw) + "  " + shape.leftAligned(20) + "  "
                + String(t.offset).leftAligned(12) + "  " + bytes + note)
        }
        out.line("\n  total tensor data: \(total) bytes (\(String(format: "%.2f", Double(total) / 1_048_576)) MiB)")
        out.flush()
        return 0
    }
}

extension String {
    /// The string padded with spaces to `n` characters; never cut.
    func leftAligned(_ n: Int) -> String {
        let c = count
        return c >= n ? self : self + String(repeating: " ", count: n - c)
    }
}

import Foundation
import LowBit

/// `lowbit inspect FILE [--json]`: metadata and tensor table of a GGUF file.
enum InspectCommand: Command {
    static let name = "inspect"
    static let summary = "show a GGUF file's metadata and tensors"
    static let help = """
    USAGE: lowbit inspect FILE [--json]

    Shows every metadata key and every tensor (name, type, shape innermost-first, data offset,
    bytes). Any well-formed GGUF opens, including tensors of types LowBit cannot compute with
    (marked "no kernels") and type ids ggml does not define (shown as unknown(ID), size "?").
    Long arrays are abbreviated in the text form; --json prints them whole as
    {"metadata": {key: value}, "tensors": [{"name","type","type_id","supported","shape",
    "offset","bytes"}]} ("bytes" is null for an unknown type).

    EXAMPLES:
      lowbit inspect Models/target.gguf
      lowbit inspect model.gguf --json | jq '.tensors[0]'
    """
    static let options = [OptionSpec(names: ["--json"], takesValue: false)]

    static func run(_ args: Arguments) throws -> Int32 {
        guard args.positionals.count == 1 else { throw UsageError("expected exactly one FILE") }
        let file = try GGUFFile(path: args.positionals[0])
        if args.flag("--json") {
            var md: [String: Any] = [:]
            for (k, v) in file.metadata.entries { md[k] = v.jsonObject }
            let tensors: [[String: Any]] = file.tensors.map { t in
                [
                    "name": t.name, "type": t.type.name, "type_id": t.type.rawValue, "supported": t.type.isSupported,
                    "shape": t.shape, "offset": t.offset, "bytes": t.byteCount.map { $0 as Any } ?? NSNull(),
                ]
            }
            Console.out(try Console.json(["metadata": md, "tensors": tensors]))
            return 0
        }
        Console.out("\(file.path): GGUF v\(file.version), \(file.metadata.entries.count) metadata keys, \(file.tensors.count) tensors, alignment \(file.alignment), data at \(file.dataOffset)")
        Console.out("\nMETADATA")
        for (k, v) in file.metadata.entries { Console.out("  \(k) = \(v.abbreviated())") }
        Console.out("\nTENSORS")
        let w = max(4, file.tensors.map(\.name.count).max() ?? 4)
        let tw = max(5, file.tensors.map(\.type.name.count).max() ?? 5)
        Console.out("  " + "name".padding(toLength: w, withPad: " ", startingAt: 0) + "  "
            + "type".padding(toLength: tw, withPad: " ", startingAt: 0) + "  shape                 offset         bytes")
        var total = 0
        for t in file.tensors {
            total += t.byteCount ?? 0
            let shape = "[" + t.shape.map(String.init).joined(separator: ", ") + "]"
            let bytes = t.byteCount.map(String.init) ?? "?"
            let note = t.type.isSupported ? "" : (t.type.isKnown ? "  (no kernels)" : "  (type unknown to ggml)")
            Console.out("  " + t.name.padding(toLength: w, withPad: " ", startingAt: 0) + "  "
                + t.type.name.padding(toLength: tw, withPad: " ", startingAt: 0) + "  "
                + shape.padding(toLength: 20, withPad: " ", startingAt: 0) + "  "
                + String(t.offset).leftAligned(12) + "  " + bytes + note)
        }
        Console.out("\n  total tensor data: \(total) bytes (\(String(format: "%.2f", Double(total) / 1_048_576)) MiB)")
        return 0
    }
}

extension String {
    func leftAligned(_ n: Int) -> String { padding(toLength: max(n, count), withPad: " ", startingAt: 0) }
}

import Foundation
import LowBit

/// `lowbit bench -m FILE|DIR [-p 64] [-n 32] [-r 5] [-t 1,2] [--batch 1,4,16,64] [--json|--md]`.
enum BenchCommand: Command {
    static let name = "bench"
    static let summary = "measure prefill and decode tokens/s, like llama-bench"
    static let help = """
    USAGE: lowbit bench -m FILE|DIR [-p 64] [-n 32] [-r 5] [-t 1,2] [--batch 1,4,16,64] [--json | --md]

    Measures prompt processing (pp: -p tokens in one batch) and text generation (tg: -n
    single-token steps) for each thread count in -t, repeated -r times after a warm-up, and
    reports tokens/s as mean ± sd. --batch adds batched decoding, as llama-batched-bench
    measures it: B independent sequences decoded together, one forward pass per step over
    all B, each after the same -p prompt (prefilled, not timed), reported as aggregate
    tokens/s ("tg32 b16"). Tokenization and sampling are
    excluded. The report names the model, its size and weight type, the threads, the LowBit
    commit and the peak RSS. Build in release first: swift build -c release.

    EXAMPLES:
      lowbit synth --shape 1b --type q4_0 /tmp/1b-q4_0.gguf
      lowbit bench -m /tmp/1b-q4_0.gguf -p 64 -n 32 -r 5 -t 1,2 --md
      lowbit bench -m /tmp/1b-q4_0.gguf -p 64 -n 16 -r 2 --batch 1,4,16,64
    """
    static let options = [
        OptionSpec(names: ["-m", "--model"], takesValue: true),
        OptionSpec(names: ["-p", "--n-prompt"], takesValue: true),
        OptionSpec(names: ["-n", "--n-gen"], takesValue: true),
        OptionSpec(names: ["-r", "--repetitions"], takesValue: true),
        OptionSpec(names: ["-t", "--threads"], takesValue: true),
        OptionSpec(names: ["--batch"], takesValue: true),
        OptionSpec(names: ["--json"], takesValue: false),
        OptionSpec(names: ["--md"], takesValue: false),
    ]

    static func run(_ args: Arguments) throws -> Int32 {
        let path = try args.required("--model")
        let bench = ModelBenchmark(
            promptTokens: try args.int("--n-prompt", default: 64, range: 0...100_000)!,
            genTokens: try args.int("--n-gen", default: 32, range: 0...100_000)!,
            repetitions: try args.int("--repetitions", default: 5, range: 1...1000)!,
            batchSizes: try args.intList("--batch") ?? [])
        guard bench.batchSizes.allSatisfy({ (1...4096).contains($0) }) else { throw UsageError("--batch values must be in 1...4096") }
        let threads = try args.intList("--threads") ?? [1]
        guard threads.allSatisfy({ (1...256).contains($0) }) else { throw UsageError("--threads values must be in 1...256") }
        let weights = try ModelWeights.load(path: path)
        let model = try loadModel(weights)
        let types = Dictionary(grouping: weights.tensors.filter { $0.shape.count == 2 }, by: \.type).mapValues(\.count)
        let mainType = types.max { $0.value < $1.value }?.key.name ?? "?"
        var results: [ModelBenchmark.Result] = []
        for t in threads {
            let r = try bench.run(model, threads: t)
            results += r
            for x in r { Console.err(String(format: "%@ t=%d: %.2f ± %.2f tok/s", x.test, x.threads, x.mean, x.stddev)) }
        }
        let name = weights.metadata["general.name"]?.stringValue ?? URL(fileURLWithPath: path).lastPathComponent
        let sizeMiB = Double(weights.byteCount) / 1_048_576
        let params = weights.tensors.reduce(0) { $0 + $1.elementCount }
        let commit = gitCommit()
        let rss = ModelBenchmark.peakRSS()
        if args.flag("--json") {
            Console.out(try Console.json([
                "model": name, "path": path, "type": mainType, "size_bytes": weights.byteCount, "params": params,
                "commit": commit, "peak_rss_bytes": rss, "lowbit_version": LowBit.version,
                "instruction_set": InstructionSet.current.description,
                "results": results.map { ["test": $0.test, "threads": $0.threads, "batch": $0.batch, "n_tokens": $0.tokens,
                                          "samples_ts": $0.samples, "avg_ts": $0.mean, "stddev_ts": $0.stddev] },
            ]))
        } else {
            let md = args.flag("--md")
            let header = ["model", "size", "params", "type", "threads", "test", "t/s"]
            var rows: [[String]] = []
            for r in results {
                rows.append([name, String(format: "%.2f MiB", sizeMiB), String(format: "%.2f M", Double(params) / 1e6), mainType,
                             String(r.threads), r.test, String(format: "%.2f ± %.2f", r.mean, r.stddev)])
            }
            Console.out(table(header, rows, markdown: md))
            Console.out("\ncommit \(commit), kernels \(InstructionSet.current), peak RSS \(String(format: "%.1f MiB", Double(rss) / 1_048_576))")
        }
        return 0
    }

    static func table(_ header: [String], _ rows: [[String]], markdown: Bool) -> String {
        let widths = header.indices.map { i in max(header[i].count, rows.map { $0[i].count }.max() ?? 0) }
        func line(_ cells: [String]) -> String {
            let padded = cells.indices.map { cells[$0].leftAligned(widths[$0]) }
            return markdown ? "| " + padded.joined(separator: " | ") + " |" : padded.joined(separator: "  ")
        }
        var out = [line(header)]
        out.append(markdown ? "| " + widths.map { String(repeating: "-", count: $0) }.joined(separator: " | ") + " |"
                            : widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
        out += rows.map(line)
        return out.joined(separator: "\n")
    }

    /// The LowBit commit, from `git rev-parse` in the working directory, or "unknown".
    static func gitCommit() -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["git", "rev-parse", "--short", "HEAD"]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = FileHandle.nullDevice
        guard (try? p.run()) != nil else { return "unknown" }
        p.waitUntilExit()
        let s = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        return p.terminationStatus == 0 && !s.isEmpty ? s : "unknown"
    }
}

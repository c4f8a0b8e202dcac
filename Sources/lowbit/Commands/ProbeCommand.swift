import Foundation
import LowBit
import Probe

/// `lowbit probe [--target FILE|DIR] [--retrain FILE|DIR] [--unlearned NAME=FILE|DIR ...] [--data DIR] ...`.
enum ProbeCommand: Command {
    static let name = "probe"
    static let summary = "measure what unlearned models still know, at every precision (MUSE metrics)"
    static let help = """
    USAGE: lowbit probe [--target FILE|DIR] [--retrain FILE|DIR] [--unlearned NAME=FILE|DIR ...] [--data DIR]
                        [--precisions f32,f16,bf16,q8_0,q4_0,q4_1,q4_K,int8,nf4,fp4,gptq4,awq4,…]
                        [--double-quant] [--quantize-head] [--act-order] [--calibration FILE]
                        [--items N] [--threads N] [--seed S]
                        [--leak-samples N] [--leak-k K] [--leak-temp T] [--no-leak] [--no-verbmem] [--no-logit-lens]
                        [--quick] [--parallel items|matmul] [--batch N|auto] [--full-prompts] [--no-trailing-space] [--no-token-healing]
                        [--shard i/n] [--resume PARTIAL.json] [--json FILE] [--html FILE]
           lowbit probe --benchmark tofu [--data DIR] [--forget-split forget01|forget05|forget10]
                        [--chat [--chat-template NAME] [--system TEXT]] [--max-new-tokens N] [model, precision,
                        --items, --threads, --json, --html options as above]
           lowbit probe merge PART.json ... [--json ALL.json] [--html ALL.html]

    Quantizes every model to every precision in memory (as 'lowbit quantize' would; norms stay
    f32) and measures MUSE's metrics on each cell: VerbMem (greedy, 128 new tokens, ROUGE-L F1),
    KnowMem on the forget and retain questions (10-shot, greedy, at most 32 new tokens),
    PrivLeak (Min-40% AUC against the retrain model at the same precision), Min-K%++ AUC,
    teacher-forced gold-answer statistics, leak@k under sampling, and recovery relative to the
    full-precision cells. Items the retrain model also answers are flagged as guessable.

    With no model options it probes the shipped subjects: Models/target.gguf, Models/retrain.gguf,
    every Models/unlearned/*.gguf (named by the upper-cased file stem) and the data in
    Models/data, looking for Models/ in the current folder and then in the package root. Make
    them with 'lowbit train' (see Models/README.md).

    --shard i/n runs only every n-th cell (model × precision; cell k when k % n = i), for
    running one probe as n jobs (deploy/ has Slurm and Kubernetes files); 'lowbit probe merge'
    combines their --json reports into the single run's report (identical apart from timing)
    and checks that they are parts of one configuration with every cell exactly once.
    --resume PARTIAL.json keeps the cells of an interrupted run's report and runs the rest.
    Both work for --benchmark tofu too ('probe merge' recognises TOFU reports and recomputes
    Forget Quality against the retrain cells).

    The table goes to stdout, progress to stderr. --json writes the full report with per-item
    records (identical for identical runs apart from its "timing" object); --html writes a
    self-contained page with charts. Both appear atomically.

    Precisions: every ggml type LowBit computes with (llama.cpp's round to nearest: f32, f16,
    bf16, q8_0, q6_K, q5_K, q5_0, q5_1, q4_K, q4_0, q4_1, q3_K, q2_K) and the paper's schemes:
    int8 (LLM.int8(): row-wise int8 weights, int8 activations with f16 outlier columns),
    nf4 and fp4 (bitsandbytes 4-bit, absmax blocks of 64; --double-quant quantizes the scales,
    --quantize-head the output head, which load_in_4bit keeps), gptq2, gptq3, gptq4 (GPTQ,
    groups of 128, --act-order) and awq4 (AWQ), calibrated on --calibration FILE or the data
    set's retain texts. The paper's schemes are applied as fake-quant f16 weights; each cell
    records scheme, bits, group size and calibration.

    Defaults: --precisions f32,f16,q8_0,q4_0,q4_1 (the first is the reference for recovery),
    all items, --threads = the number of cores (at most 8; results do not depend on it),
    --seed 0, --leak-samples 10 --leak-k 5 --leak-temp 1.0 (a sample
    leaks when its ROUGE-L recall against the gold answer is at least 0.5).
    --quick caps every split at 10 items and skips leak@k. --parallel items (default) runs
    items concurrently, one KV cache per thread; matmul splits each matmul instead.
    --batch N generates N sequences at once per worker (VerbMem continuations, KnowMem
    answers, leak@k samples) with batched decoding; every result is the same for any N.
    The default, auto, is 8 for models over 256 MiB, where weight reads dominate (TinyLlama
    Q4_0 decodes 16 sequences 2x faster than one), else 1: on the small shipped subjects,
    whose weights fit in cache, N separate KV caches make it slower (full q4_0 probe: 9.9 s
    at N=1, 16.2 s at N=8).
    KnowMem prompts are MUSE's exactly ("...Answer: ", with the trailing space) and are
    generated with token healing: the trailing space is backed up and the first answer token
    must start with it, as the guidance library does, so byte-level BPE models answer " Paris"
    rather than nothing. --no-token-healing turns healing off; --no-trailing-space ends the
    prompt at "Answer:" instead (the protocol LowBit used before healing).
    --no-logit-lens skips the logit lens (the gold answer's first token read after every block,
    on the forget questions; in --json and --html).
    --chat puts the prompts in each model's chat template (detected from tokenizer.chat_template:
    llama2, llama3, chatml, gemma, phi3; --chat-template NAME overrides, --system TEXT adds a system
    message): the ten KnowMem examples become earlier user/assistant turns and the question the last
    user message, the VerbMem prompt is the user message; the examples' turns are the shared prefix
    whose KV cache is reused. Chat prompts get no trailing space and no token healing.
    --full-prompts prefills every KnowMem prompt whole instead of reusing the few-shot prefix's
    KV cache (same results, slower; for checking).

    --benchmark tofu reads TOFU's layout (locuslab/TOFU: forgetNN[_perturbed].json, retain_perturbed.json
    or retainNN.json, real_authors[_perturbed].json, world_facts[_perturbed].json; JSON arrays or JSON
    Lines) and measures TOFU's metrics on every model x precision: Probability, ROUGE-L recall and
    Truth Ratio on forget, retain, real authors and world facts, Model Utility (their harmonic mean
    without forget) and Forget Quality (KS p-value of the forget truth ratios against the retrain
    model at the same precision). Without --data it reads Models/data-tofu ('lowbit train
    --tofu-data DIR' writes it). --chat asks each question as a user message in the model's chat
    template (--chat-template NAME overrides it); otherwise "Question: {q}\nAnswer:" is used.
    --max-new-tokens caps the greedy answers (default 64).

    EXAMPLES:
      lowbit probe
      lowbit probe --benchmark tofu --data ~/TOFU --target tofu_ft/ --retrain tofu_retain90/ \
                   --unlearned NPO=tofu_npo/ --chat --precisions bf16,q8_0,q4_0
      lowbit probe --quick --precisions f32,q4_0 --threads 2
      lowbit probe --target t.gguf --retrain r.gguf --unlearned NPO_KLR=npo.gguf --data muse/news \\
                   --json report.json --html report.html
      lowbit probe --target ~/hf/muse-target --retrain ~/hf/muse-retrain --unlearned NPO=~/hf/muse-npo \\
                   --data muse/news      # Hugging Face checkpoint folders, converted in memory
    """
    static let options = [
        OptionSpec(names: ["--target"], takesValue: true),
        OptionSpec(names: ["--retrain"], takesValue: true),
        OptionSpec(names: ["--unlearned"], takesValue: true, repeatable: true),
        OptionSpec(names: ["--data"], takesValue: true),
        OptionSpec(names: ["--precisions"], takesValue: true),
        OptionSpec(names: ["--double-quant"], takesValue: false),
        OptionSpec(names: ["--quantize-head"], takesValue: false),
        OptionSpec(names: ["--act-order"], takesValue: false),
        OptionSpec(names: ["--calibration"], takesValue: true),
        OptionSpec(names: ["--items"], takesValue: true),
        OptionSpec(names: ["-t", "--threads"], takesValue: true),
        OptionSpec(names: ["--seed"], takesValue: true),
        OptionSpec(names: ["--batch"], takesValue: true),
        OptionSpec(names: ["--leak-samples"], takesValue: true),
        OptionSpec(names: ["--leak-k"], takesValue: true),
        OptionSpec(names: ["--leak-temp"], takesValue: true),
        OptionSpec(names: ["--no-leak"], takesValue: false),
        OptionSpec(names: ["--no-logit-lens"], takesValue: false),
        OptionSpec(names: ["--no-verbmem"], takesValue: false),
        OptionSpec(names: ["--quick"], takesValue: false),
        OptionSpec(names: ["--parallel"], takesValue: true),
        OptionSpec(names: ["--full-prompts"], takesValue: false),
        OptionSpec(names: ["--muse-trailing-space"], takesValue: false),
        OptionSpec(names: ["--no-trailing-space"], takesValue: false),
        OptionSpec(names: ["--no-token-healing"], takesValue: false),
        OptionSpec(names: ["--shard"], takesValue: true),
        OptionSpec(names: ["--resume"], takesValue: true),
        OptionSpec(names: ["--json"], takesValue: true),
        OptionSpec(names: ["--html"], takesValue: true),
        OptionSpec(names: ["--benchmark"], takesValue: true),
        OptionSpec(names: ["--forget-split"], takesValue: true),
        OptionSpec(names: ["--chat"], takesValue: false),
        OptionSpec(names: ["--chat-template"], takesValue: true),
        OptionSpec(names: ["--system"], takesValue: true),
        OptionSpec(names: ["--max-new-tokens"], takesValue: true),
    ]

    /// The package root, found from this file's location (Sources/lowbit/Commands/…).
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func run(_ args: Arguments) throws -> Int32 {
        if args.positionals.first == "merge" { return try merge(Array(args.positionals.dropFirst()), args) }
        guard args.positionals.isEmpty else { throw UsageError("unexpected argument '\(args.positionals[0])'") }
        let benchmark = args.string("--benchmark") ?? "muse"
        guard ["muse", "tofu"].contains(benchmark) else { throw UsageError("--benchmark expects muse or tofu, got '\(benchmark)'") }
        if benchmark == "muse" {
            for option in ["--forget-split", "--max-new-tokens"] where args.string(option) != nil {
                throw UsageError("\(option) is for --benchmark tofu")
            }
        }
        if !args.flag("--chat"), args.string("--chat-template") != nil || args.string("--system") != nil {
            throw UsageError("--chat-template and --system need --chat")
        }
        if let name = args.string("--chat-template"), (try? ChatTemplate.named(name)) == nil {
            throw UsageError("\(ChatTemplateError.unknownName(name, known: ChatTemplate.builtIn.map(\.name)))")
        }
        var (models, dataDirectory) = try subjects(args)
        if benchmark == "tofu" {
            dataDirectory = dataDirectory.map { URL(fileURLWithPath: $0).deletingLastPathComponent().appendingPathComponent("data-tofu").path }
        }
        if let data = args.string("--data") { dataDirectory = data }
        guard let dataDirectory else { throw UsageError("missing --data DIR (no Models/data folder was found)") }

        let schemeOptions = Precision.Options(doubleQuant: args.flag("--double-quant"), quantizeHead: args.flag("--quantize-head"),
                                              actOrder: args.flag("--act-order"))
        let precisions = try args.precisions("--precisions", options: schemeOptions) ?? ProbeRunConfiguration.defaultPrecisions
        let quick = args.flag("--quick")
        var leak: ProbeRunConfiguration.LeakSettings? = .init(
            samples: try args.int("--leak-samples", default: 10, range: 1...10_000)!,
            k: try args.int("--leak-k", default: 5, range: 1...10_000)!,
            temperature: try args.double("--leak-temp", default: 1.0, range: 0.01...100)!)
        if let l = leak, l.k > l.samples {
            throw UsageError("--leak-k (\(l.k)) must not exceed --leak-samples (\(l.samples))")
        }
        if args.flag("--no-leak") || quick { leak = nil }
        let parallelism: ProbeRunConfiguration.Parallelism
        switch args.string("--parallel") ?? "items" {
        case "items": parallelism = .items
        case "matmul": parallelism = .matmul
        case let other: throw UsageError("--parallel expects items or matmul, got '\(other)'")
        }
        // Fail now, not after an hour of probing, when an output folder is missing.
        for path in [args.string("--json"), args.string("--html")].compactMap({ $0 }) {
            var isDirectory: ObjCBool = false
            let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw UsageError("the folder of '\(path)' does not exist")
            }
        }

        if benchmark == "tofu" {
            return try runTOFU(args, models: models, dataDirectory: dataDirectory, precisions: precisions)
        }

        var configuration = ProbeRunConfiguration(
            models: models, dataDirectory: dataDirectory, precisions: precisions,
            itemLimit: try args.int("--items", range: 1...1_000_000) ?? (quick ? 10 : nil),
            threads: try args.int("--threads", default: min(8, ProcessInfo.processInfo.activeProcessorCount), range: 1...256)!,
            parallelism: parallelism,
            seed: UInt64(try args.int("--seed", default: 0, range: 0...Int.max)!),
            verbMem: !args.flag("--no-verbmem"), leak: leak, reusePrefixCache: !args.flag("--full-prompts"))
        configuration.knowMemTrailingSpace = !args.flag("--no-trailing-space")  // --muse-trailing-space: the default, kept
        configuration.tokenHealing = !args.flag("--no-token-healing")
        if args.string("--batch") != "auto" { configuration.batch = try args.int("--batch", range: 1...1024) }
        configuration.shard = try shard(args)
        if let path = args.string("--resume") { configuration.resume = try readReport(path) }
        if let path = args.string("--calibration") {
            configuration.calibrationText = try CalibrationText.read(path)
            configuration.calibrationSource = path
        }
        configuration.logitLens = !args.flag("--no-logit-lens")
        configuration.chat = args.flag("--chat")
        configuration.chatTemplate = args.string("--chat-template")
        configuration.chatSystem = args.string("--system")

        let printer = ProgressPrinter(terminal: Console.stderrIsTerminal)
        let report = try ProbeRunner(configuration: configuration).run(progress: { printer.update($0) },
                                                                       plan: { Console.err($0.summary) })
        printer.finish()
        try emit(args, table: TableRenderer.render(report), json: { try JSONReportRenderer.render(report) },
                 html: { HTMLRenderer.render(report) }, announce: true)
        return 0
    }

    /// Prints a report's table and writes its `--json` and `--html` files atomically
    /// (naming each on stderr when `announce`).
    static func emit(_ args: Arguments, table: String, json: () throws -> Data, html: () -> String, announce: Bool) throws {
        Console.out(table, terminator: "")
        if let path = args.string("--json") {
            try AtomicFile.write(try json(), to: path)
            if announce { Console.err("wrote \(path)") }
        }
        if let path = args.string("--html") {
            try AtomicFile.write(html(), to: path)
            if announce { Console.err("wrote \(path)") }
        }
    }

    /// The shipped `Models/` folder: in the current folder, else in the package root.
    static func shippedModelsDirectory() -> URL? {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        return ProbeSubjects.locateModelsDirectory(candidates: [cwd, packageRoot].map { $0.appendingPathComponent(ProbeSubjects.folderName) })
    }

    /// The explicit subjects, or the shipped defaults when none are named.
    private static func subjects(_ args: Arguments) throws -> (models: [ModelSpec], data: String?) {
        var models: [ModelSpec] = []
        if let p = args.string("--target") { models.append(ModelSpec(name: "Target", path: p, role: .target)) }
        if let p = args.string("--retrain") { models.append(ModelSpec(name: "Retrain", path: p, role: .retrain)) }
        for u in args.all("--unlearned") {
            let parts = u.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw UsageError("--unlearned expects NAME=FILE, got '\(u)'")
            }
            models.append(ModelSpec(name: parts[0], path: parts[1], role: .unlearned, method: parts[0]))
        }
        let found = shippedModelsDirectory()
        if !models.isEmpty {
            if !models.contains(where: { $0.role == .target }) {
                Console.err("lowbit probe: note: no --target, so recovery scores and the retained-knowledge aggregate are left out")
            }
            if !models.contains(where: { $0.role == .retrain }) {
                Console.err("lowbit probe: note: no --retrain, so PrivLeak and the guessable flags are left out")
            }
            return (models, found.map { $0.appendingPathComponent("data").path }
                .flatMap { FileManager.default.fileExists(atPath: $0) ? $0 : nil })
        }
        guard let found else {
            throw ProbeRunError.missingSubjects(directory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
                                                    .appendingPathComponent(ProbeSubjects.folderName).path,
                                                missing: ["target.gguf", "retrain.gguf", "unlearned/*.gguf", "data/"])
        }
        let d = try ProbeSubjects.defaults(in: found)
        return (d.models, d.dataDirectory)
    }
}

/// Progress on stderr: one line updated in place on a terminal, otherwise a line per cell and
/// at most one every 15 seconds.
final class ProgressPrinter: @unchecked Sendable {
    private let lock = NSLock()
    private let terminal: Bool
    private var lastPrint = 0.0
    private var lastCell = -1
    private var last: ProbeProgress?

    init(terminal: Bool) { self.terminal = terminal }

    func update(_ p: ProbeProgress) {
        lock.lock(); defer { lock.unlock() }
        last = p
        let newCell = p.cellIndex != lastCell
        let interval = terminal ? 0.1 : 15
        guard newCell || p.elapsedSeconds - lastPrint >= interval || p.done == p.total else { return }
        lastCell = p.cellIndex
        lastPrint = p.elapsedSeconds
        if terminal {
            Console.err("\r\u{1B}[K" + p.line, terminator: "")
        } else {
            Console.err(p.line)
        }
    }

    func finish() {
        lock.lock(); defer { lock.unlock() }
        if terminal { Console.err("\r\u{1B}[K", terminator: "") }
        if let p = last {
            Console.err(String(format: "probe: %d items in %@ (%.2f items/s)", p.done,
                               ProbeProgress.duration(p.elapsedSeconds), p.itemsPerSecond))
        }
    }
}

extension ProbeCommand {
    /// `--shard i/n`, checked.
    static func shard(_ args: Arguments) throws -> (index: Int, count: Int)? {
        guard let shard = args.string("--shard") else { return nil }
        let parts = shard.split(separator: "/").map { Int($0) }
        guard parts.count == 2, let i = parts[0], let n = parts[1], n >= 1, (0..<n).contains(i) else {
            throw UsageError("--shard expects i/n with 0 <= i < n (e.g. 0/4), got '\(shard)'")
        }
        return (i, n)
    }

    /// Reads a TOFU report written by --json, naming the file when it is not one.
    static func readTOFUReport(_ path: String) throws -> TOFUReport {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw UsageError("\(path): cannot read the report: \(error.localizedDescription)")
        }
        do { return try JSONDecoder().decode(TOFUReport.self, from: data) } catch {
            throw UsageError("\(path): not a TOFU report written by --benchmark tofu --json (\(error))")
        }
    }

    /// Whether the report at `path` is a TOFU report (it has a `forgetSplit` field).
    static func isTOFUReport(_ path: String) -> Bool {
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: path)),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return false }
        return object["forgetSplit"] != nil
    }

    /// Reads a report written by --json, naming the file when it is not one.
    static func readReport(_ path: String) throws -> ProbeReport {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw UsageError("\(path): cannot read the report: \(error.localizedDescription)")
        }
        do { return try JSONReportRenderer.decode(data) } catch {
            throw UsageError("\(path): not a probe report written by --json (\(error))")
        }
    }

    /// `lowbit probe merge PART.json… [--json ALL.json] [--html ALL.html]`.
    static func merge(_ paths: [String], _ args: Arguments) throws -> Int32 {
        guard !paths.isEmpty else { throw UsageError("probe merge expects the parts' --json reports") }
        if isTOFUReport(paths[0]) {
            let report = try TOFURunner.merge(try paths.map(readTOFUReport))
            try emit(args, table: TOFUReportRenderer.table(report), json: { try TOFUReportRenderer.json(report) },
                     html: { TOFUReportRenderer.html(report) }, announce: false)
            return 0
        }
        let report = try ProbeRunner.merge(try paths.map(readReport))
        try emit(args, table: TableRenderer.render(report), json: { try JSONReportRenderer.render(report) },
                 html: { HTMLRenderer.render(report) }, announce: false)
        return 0
    }
}

import Foundation
import LowBit
import Sweep

/// `lowbit sweep --targets A.gguf,B.gguf --out DIR ...`: the unlearning × quantization map.
enum SweepCommand: Command {
    static let name = "sweep"
    static let summary = "map where quantization brings unlearned facts back: unlearn over a grid, probe every cell"
    static let help = """
    USAGE: lowbit sweep --out DIR [--targets FILE,FILE,...] [--methods ga_gdr,npo_klr] [--lrs 1e-5,3e-5,1e-4,3e-4,1e-3]
                        [--epochs 5] [--weights f32,f16,bf16,bf16-sr] [--precisions f32,q8_0,q4_0,nf4,fp4,gptq4]
                        [--items N] [--no-verbmem] [--no-g-effect] [--alpha A] [--beta B] [--batch B] [--seed S]
                        [--locks none,q4_0] [--threads T] [--resume]
           lowbit sweep merge --out DIR A/sweep.json B/sweep.json ...

    For every target (subjects made by 'lowbit train', usually one per width) and every
    combination of method × learning rate × epochs × weight precision, unlearns the target's
    forget set (as 'lowbit unlearn'), writes the model to DIR/models/, and probes it at every
    precision (as 'lowbit probe' with VerbMem and KnowMem, no leak@k). Each target is probed too.
    Per cell it records retained forget knowledge, (VerbMem + KnowMem-forget) / the target's at
    the same precision (the paper's 21%/83% measure), retain utility (KnowMem-retain / the
    target's at the first precision), the weight change per block (|δ|/Δ4, 4-bit codes changed)
    and the G-effect per block at the target and after the last epoch.

    Writes DIR/sweep.json (identical for identical grids apart from "timing") and DIR/sweep.html
    (the recovery heat maps over lr × width per method and quantizer, forget/retain at the first
    precision, per-block |δ|/Δ4 beside the G-effect), atomically after every cell. A cell showing
    the paper's pattern (retained at f32 <= 30%, at 4 bits >= 2× that, utility >= 80%) is starred.
    --locks none,q4_0 adds runs with every weight locked in its q4_0 cell ('lowbit unlearn
    --lock-codes q4_0'): constructed positive controls, whose q4_0 model is the target's, so the
    map shows what recovery looks like when it is there.
    --resume continues an interrupted sweep in DIR (same grid), skipping finished cells.
    'lowbit sweep merge' combines sweeps run separately (say one per width, each with its own
    learning rates) into one map in DIR: subjects in order, grids united (cells a part did not
    run show as "not run"); the parts must share precisions, items, VerbMem, α, β, batch and
    seed.

    Defaults: --targets Models/target.gguf --methods ga_gdr,npo_klr --lrs 1e-5,3e-5,1e-4,3e-4,1e-3
    --epochs 5 --weights f32 --precisions f32,q8_0,q4_0,nf4,fp4,gptq4, all items, --alpha 1 --beta 0.1
    --batch 8 --seed 0, --threads = the number of cores (at most 8; results do not depend on it).

    EXAMPLES:
      lowbit sweep --out /tmp/sweep --threads 2
      lowbit sweep --targets Models/target.gguf,/tmp/w256/target.gguf --methods npo_klr --lrs 1e-4,1e-3 --out /tmp/sweep
      lowbit sweep --out /tmp/sweep --resume
      lowbit sweep merge --out /tmp/map /tmp/sweep128/sweep.json /tmp/sweep256/sweep.json
    """
    static let options = [
        OptionSpec(names: ["--out"], takesValue: true), OptionSpec(names: ["--targets"], takesValue: true),
        OptionSpec(names: ["--methods"], takesValue: true), OptionSpec(names: ["--lrs"], takesValue: true),
        OptionSpec(names: ["--epochs"], takesValue: true), OptionSpec(names: ["--weights"], takesValue: true),
        OptionSpec(names: ["--precisions"], takesValue: true), OptionSpec(names: ["--items"], takesValue: true),
        OptionSpec(names: ["--no-verbmem"], takesValue: false), OptionSpec(names: ["--no-g-effect"], takesValue: false),
        OptionSpec(names: ["--alpha"], takesValue: true), OptionSpec(names: ["--beta"], takesValue: true),
        OptionSpec(names: ["--batch"], takesValue: true), OptionSpec(names: ["--seed"], takesValue: true),
        OptionSpec(names: ["-t", "--threads"], takesValue: true), OptionSpec(names: ["--resume"], takesValue: false),
        OptionSpec(names: ["--locks"], takesValue: true),
    ]

    static func run(_ args: Arguments) throws -> Int32 {
        let out = URL(fileURLWithPath: try args.required("--out"))
        if args.positionals.first == "merge" {
            let paths = Array(args.positionals.dropFirst())
            guard !paths.isEmpty else { throw UsageError("sweep merge needs the sweep.json files to merge") }
            let parts = try paths.map { p in
                (report: try SweepRunner.load(path: p), directory: URL(fileURLWithPath: p).deletingLastPathComponent())
            }
            let merged = try SweepReport.merged(parts)
            let runner = SweepRunner(grid: merged.grid, directory: out, threads: 1)
            try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
            try runner.write(merged)
            Console.out("\(merged.cells.count) cells over \(merged.subjects.count) targets → \(runner.jsonPath) and \(runner.htmlPath)")
            return 0
        }
        guard args.positionals.isEmpty else { throw UsageError("unexpected argument '\(args.positionals[0])' (did you mean 'sweep merge'?)") }
        var targets = args.list("--targets")
        if targets == nil {
            guard let models = ProbeCommand.shippedModelsDirectory() else {
                throw UsageError("no --targets given and no Models/ folder was found")
            }
            targets = [models.appendingPathComponent("target.gguf").path]
        }
        var grid = SweepGrid(targets: targets ?? [])
        if let m = args.list("--methods") { grid.methods = m.map { $0.uppercased() } }
        if let lrs = try args.doubleList("--lrs") { grid.learningRates = lrs }
        if let e = try args.intList("--epochs") { grid.epochs = e }
        if let w = args.list("--weights") { grid.weightPrecisions = w }
        if let l = args.list("--locks") { grid.locks = l == ["none"] ? nil : l }
        if let p = try args.precisions("--precisions") { grid.precisions = p.map(\.name) }
        grid.itemLimit = try args.int("--items", range: 1...1_000_000)
        grid.verbMem = !args.flag("--no-verbmem")
        grid.gEffect = !args.flag("--no-g-effect")
        grid.alpha = try args.double("--alpha", default: grid.alpha, range: 0...1e6)!
        grid.beta = try args.double("--beta", default: grid.beta, range: 1e-6...1e6)!
        grid.batchSize = try args.int("--batch", default: grid.batchSize, range: 1...4096)!
        grid.seed = UInt64(try args.int("--seed", default: 0, range: 0...Int.max)!)
        do { _ = try grid.points() } catch { throw UsageError("\(error)") }
        let threads = try args.int("--threads", default: min(8, ProcessInfo.processInfo.activeProcessorCount), range: 1...256)!

        let runner = SweepRunner(grid: grid, directory: out, threads: threads)
        var resume: SweepReport?
        if args.flag("--resume"), FileManager.default.fileExists(atPath: runner.jsonPath) {
            resume = try SweepRunner.load(path: runner.jsonPath)
        }
        let start = Date()
        let report = try runner.run(resume: resume) { Console.err($0) }
        let hits = report.paperPatternCells
        Console.out(String(format: "%d cells over %d targets in %.0f s → %@ and %@", report.cells.count, report.subjects.count,
                           Date().timeIntervalSince(start), runner.jsonPath, runner.htmlPath))
        Console.out(hits.isEmpty ? "paper's pattern: in no cell"
                    : "paper's pattern: " + hits.map { "\($0.cell.key) at \($0.precision)" }.joined(separator: ", "))
        let kHits = report.knowMemPatternCells
        Console.out(kHits.isEmpty ? "paper's pattern on KnowMem-forget alone: in no cell"
                    : "paper's pattern on KnowMem-forget alone: " + kHits.map { "\($0.cell.key) at \($0.precision)" }.joined(separator: ", "))
        return 0
    }
}

import Foundation
import LowBit
import Training

/// `lowbit unlearn --model TARGET --method M --out FILE`.
enum UnlearnCommand: Command {
    static let name = "unlearn"
    static let summary = "unlearn the forget set from a subject (GA, NPO, GDR/KLR, SURE)"
    static let help = """
    USAGE: lowbit unlearn --model TARGET --method ga|ga_gdr|ga_klr|npo|npo_gdr|npo_klr --out FILE
                          [--sure PERCENTILE] [--sure-lr-mult M] [--lr LR] [--epochs E] [--alpha A]
                          [--beta B] [--batch B] [--seed S] [--threads T] [--weights f32|f16|bf16|bf16-sr]
                          [--moments f32|bf16] [--g-effect] [--lock-codes q4_0]

    Unlearns the forget documents of the corpus TARGET was trained on (its recipe is stored in
    the file's lowbit.recipe metadata) with a textbook objective (REFERENCE §3): GA = -CE(forget);
    _GDR adds alpha·CE(retain); _KLR adds alpha·KL(target || model) on retain tokens; NPO uses
    beta. --sure P updates only the modules whose forget-gradient norm is at or above the P-th
    percentile, with --sure-lr-mult × the learning rate (SURE, default 10). AdamW with f32
    master weights. Logs the loss, forget/retain KnowMem accuracy and the weight change: mean |δ|
    and mean |δ|/Δ for 4-bit and 8-bit RTN steps (Δ = absmax/2^(N-1) per block of 32), and the
    fraction of RTN codes that changed, the share of weights that changed at all, the share of
    those below half their block's 4-bit step, and a histogram of |δ|/Δ4 (edges 1/64 … 1).
    --weights bf16 keeps the weights in bf16 between steps (round to nearest even after every
    update, as pure-bf16 PyTorch training; the target, also the KLR/NPO reference, is rounded
    first), bf16-sr with stochastic rounding, f16 to nearest f16; --moments bf16 rounds Adam's
    moments the same way. --lock-codes q4_0 projects every weight back, after every step, into
    the band where llama.cpp's q4_0 quantizer gives it the target's code, freezes each block's
    scale-setting maximum and the norms: the model may forget at full precision while its q4_0
    quantization is byte-for-byte the target's (a constructed positive control for the probe). --g-effect measures Wang et al.'s G-effect per block at the target and after every
    epoch: e_u = <grad R(forget), grad L> and e_r = <grad R(retain), grad L>, with R the NLL risk
    and L the objective (negative e_u: forgetting; negative e_r: collateral damage); it does not
    change the weights the run writes. FILE is GGUF, written atomically: matrices in f32, or in
    the f16/bf16 the run kept them in (exact), norms in f32.
    Defaults: --lr 1e-5 (the paper's) --epochs 5 --alpha 1 --beta 0.1 --batch 8 --seed 0
    --weights f32 --moments f32.

    EXAMPLES:
      lowbit unlearn --model Models/target.gguf --method npo_klr --out /tmp/npo_klr.gguf --threads 2
      lowbit unlearn --model Models/target.gguf --method ga_gdr --sure 90 --out /tmp/ga_gdr_sure.gguf
    """
    static let options = [
        OptionSpec(names: ["-m", "--model"], takesValue: true), OptionSpec(names: ["--method"], takesValue: true),
        OptionSpec(names: ["--out"], takesValue: true), OptionSpec(names: ["--sure"], takesValue: true),
        OptionSpec(names: ["--sure-lr-mult"], takesValue: true), OptionSpec(names: ["--lr"], takesValue: true),
        OptionSpec(names: ["--epochs"], takesValue: true), OptionSpec(names: ["--alpha"], takesValue: true),
        OptionSpec(names: ["--beta"], takesValue: true), OptionSpec(names: ["--batch"], takesValue: true),
        OptionSpec(names: ["--seed"], takesValue: true), OptionSpec(names: ["-t", "--threads"], takesValue: true),
        OptionSpec(names: ["--json"], takesValue: false),
        OptionSpec(names: ["--weights"], takesValue: true), OptionSpec(names: ["--moments"], takesValue: true),
        OptionSpec(names: ["--g-effect"], takesValue: false), OptionSpec(names: ["--lock-codes"], takesValue: true),
    ]

    static func run(_ args: Arguments) throws -> Int32 {
        let path = try args.required("--model")
        let out = try args.required("--out")
        let methodName = try args.required("--method")
        guard let method = UnlearningMethod(rawValue: methodName.uppercased()) else {
            throw UsageError("unknown --method '\(methodName)' (use ga|ga_gdr|ga_klr|npo|npo_gdr|npo_klr)")
        }
        let threads = try args.int("--threads", default: 1, range: 1...256)!
        guard let weightPrecision = WeightPrecision(rawValue: args.string("--weights") ?? "f32") else {
            throw UsageError("--weights expects f32, f16, bf16 or bf16-sr, got '\(args.string("--weights") ?? "")'")
        }
        guard let momentPrecision = WeightPrecision(rawValue: args.string("--moments") ?? "f32"), [.f32, .bf16].contains(momentPrecision) else {
            throw UsageError("--moments expects f32 or bf16, got '\(args.string("--moments") ?? "")'")
        }
        var unlearner = Unlearner(
            method: method, learningRate: Float(try args.double("--lr", default: 1e-5, range: 0...1)!),
            epochs: try args.int("--epochs", default: 5, range: 1...10_000)!,
            alpha: try args.double("--alpha", default: 1, range: 0...1e6)!,
            beta: try args.double("--beta", default: 0.1, range: 1e-6...1e6)!,
            batchSize: try args.int("--batch", default: 8, range: 1...4096)!,
            seed: UInt64(try args.int("--seed", default: 0, range: 0...Int.max)!), threads: threads,
            surePercentile: try args.double("--sure", range: 0...100),
            sureLearningRateMultiplier: Float(try args.double("--sure-lr-mult", default: 10, range: 0...1e6)!))
        unlearner.weightPrecision = weightPrecision
        unlearner.momentPrecision = momentPrecision
        unlearner.measuresGEffect = args.flag("--g-effect")

        let target = try ModelWeights.load(path: path)
        guard let recipe = SubjectLab.recipe(of: target) else {
            throw UsageError("\(path) has no lowbit.recipe metadata: unlearn works on subjects made by 'lowbit train'")
        }
        let corpus = try FactCorpus.generate(recipe.corpus)
        let tokConfig = try TokenizerConfig(metadata: target.metadata, file: path)
        let tokenizer = try Tokenizer(config: tokConfig)
        let sets = SubjectLab.unlearningSets(corpus: corpus, tokenizer: tokenizer, contextLength: recipe.contextLength)
        let params = try SubjectLab.parameters(from: target)
        if let name = args.string("--lock-codes") {
            guard let type = GGMLType(name: name) else { throw UsageError("--lock-codes: unknown type '\(name)' (use q4_0)") }
            do { unlearner.lock = try QuantizationLock(target: params, type: type, storage: weightPrecision) } catch {
                throw UsageError("\(error)")
            }
        }

        let start = Date()
        var accuracyError: Error?
        let result = try unlearner.unlearn(target: params, forget: sets.forget, retain: sets.retain) { log, current in
            let w = log.weightChange
            var accuracy = ""
            do {
                let weights = try SubjectLab.unlearnedWeights(current, target: target, name: "epoch", settings: "")
                let a = try SubjectLab.accuracy(of: weights, corpus: corpus, threads: threads)
                accuracy = String(format: " accuracy forget %.1f%% retain %.1f%%", 100 * a.forget, 100 * a.retain)
            } catch {
                accuracyError = error
            }
            Console.err(String(format: "epoch %d: loss %.4f (forget %.4f, retain %.4f)%@ mean|δ| %.3e |δ|/Δ4 %.4f |δ|/Δ8 %.4f codes changed 4-bit %.2f%% 8-bit %.2f%%",
                               log.epoch + 1, log.loss.total, log.loss.forget, log.loss.retain, accuracy, w.meanAbsDelta,
                               w.meanRelativeDelta4, w.meanRelativeDelta8, 100 * w.changedCodes4, 100 * w.changedCodes8))
            Console.err(String(format: "  weights changed %.2f%%, of them below Δ4/2 %.2f%%; |δ|/Δ4 histogram (<1/64 … ≥1): %@",
                               100 * w.changedFraction, 100 * w.changedBelowHalfStep4,
                               w.relativeDelta4Histogram.map(String.init).joined(separator: " ")))
        }
        if let accuracyError { throw accuracyError }
        let seconds = Date().timeIntervalSince(start)
        let settings = "method=\(method.rawValue) lr=\(unlearner.learningRate) epochs=\(unlearner.epochs) alpha=\(unlearner.alpha) beta=\(unlearner.beta) batch=\(unlearner.batchSize) seed=\(unlearner.seed) weights=\(unlearner.weightPrecision.rawValue) moments=\(unlearner.momentPrecision.rawValue) lock=\(unlearner.lock?.type.name ?? "none") sure=\(unlearner.surePercentile.map { String($0) } ?? "none") sure_lr_mult=\(unlearner.sureLearningRateMultiplier)"
        let weights = try SubjectLab.unlearnedWeights(result.parameters, target: target, name: method.rawValue, settings: settings,
                                                      matrixType: weightPrecision.storageType)
        try GGUFWriter.write(weights, to: out)
        let (forget, retain) = try SubjectLab.accuracy(of: weights, corpus: corpus, threads: threads)
        let w = result.weightChange
        Console.out(String(format: "%@: forget accuracy %.1f%%, retain accuracy %.1f%%, mean|δ| %.3e, |δ|/Δ4 %.4f, |δ|/Δ8 %.4f, 4-bit codes changed %.2f%%, 8-bit %.2f%%, %.1f s → %@",
                           method.rawValue, 100 * forget, 100 * retain, w.meanAbsDelta, w.meanRelativeDelta4, w.meanRelativeDelta8,
                           100 * w.changedCodes4, 100 * w.changedCodes8, seconds, out))
        for g in result.gEffects {
            Console.err(String(format: "G-effect after %d steps (epoch %d): total e_u %.4e e_r %.4e; embedding e_u %.3e e_r %.3e",
                               g.step, g.epoch, g.total.unlearning, g.total.retention, g.embedding.unlearning, g.embedding.retention))
            for (l, e) in g.blocks.enumerated() {
                Console.err(String(format: "  blk.%d e_u %.3e e_r %.3e", l, e.unlearning, e.retention))
            }
        }
        if !result.updatedModules.isEmpty, unlearner.surePercentile != nil {
            Console.err("SURE updated \(result.updatedModules.count) modules: \(result.updatedModules.joined(separator: ", "))")
        }
        return 0
    }
}

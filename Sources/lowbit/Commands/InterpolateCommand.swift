import Foundation
import LowBit

/// `lowbit interpolate --target T --unlearned U --alpha A OUT`.
enum InterpolateCommand: Command {
    static let name = "interpolate"
    static let summary = "scale an unlearning update: θ = θ_target + α·(θ_unlearned − θ_target)"
    static let help = """
    USAGE: lowbit interpolate --target FILE --unlearned FILE --alpha A OUT

    Writes the f32 model (1 − α)·target + α·unlearned. α = 1 is the unlearned model, α = 0 the
    target. Sweeping α shows how large the unlearning update must be before quantization can
    no longer undo it (REFERENCE §2, probe 6). Probe the results like any unlearned model.

    EXAMPLES:
      lowbit interpolate --target Models/target.gguf --unlearned Models/unlearned/npo_klr.gguf --alpha 0.5 /tmp/npo_klr_a05.gguf
      lowbit probe --unlearned NPO_KLR@0.5=/tmp/npo_klr_a05.gguf --precisions f32,q8_0,q4_0
    """
    static let options = [
        OptionSpec(names: ["--target"], takesValue: true),
        OptionSpec(names: ["--unlearned"], takesValue: true),
        OptionSpec(names: ["--alpha"], takesValue: true),
    ]

    static func run(_ args: Arguments) throws -> Int32 {
        guard args.positionals.count == 1 else { throw UsageError("expected exactly one OUT path") }
        let alpha = Float(try args.double("--alpha", range: -10...10) ?? { throw UsageError("missing required option '--alpha'") }())
        let target = try ModelWeights.load(path: try args.required("--target"))
        let unlearned = try ModelWeights.load(path: try args.required("--unlearned"))
        let w = try WeightInterpolation.interpolate(target: target, unlearned: unlearned, alpha: alpha)
        try GGUFWriter.write(w, to: args.positionals[0])
        Console.err("wrote \(args.positionals[0]) (α = \(alpha))")
        return 0
    }
}

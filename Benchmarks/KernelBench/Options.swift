import LowBit
/// Command-line options of `kernel-bench`.
struct Options {
    var threads = [1, 2]
    var shapeKeys = ["1b"]
    var types: [GGMLTypeName] = ["f32", "f16", "bf16", "q8_0", "q4_0", "q4_1"]
    var modes = ["gemv", "gemm"]
    var tokens = 64
    var reps = 5
    var json: String?
    var hot = false
    var rooflinesOnly = false
    /// Instruction sets to time every configuration on, one after another (`--isa`); empty:
    /// only ``InstructionSet/current``.
    var isas: [InstructionSet] = []

    typealias GGMLTypeName = String

    static let usage = """
        usage: kernel-bench [--threads 1,2] [--shapes 1b,110m,15m,7b] [--types q4_0,q8_0,...]
                            [--modes gemv,gemm,attention] [--tokens 64] [--reps N] [--quick] [--hot]
                            [--json FILE] [--rooflines] [--isa avx2,avx512vnni]

        Times LinearWeights GEMV (decode, 1 token) and GEMM (prefill, --tokens rows) per weight
        type over model matmul shapes, against a read-bandwidth and an FMA roofline measured in
        the same run, and against the scalar reference kernels. Weights cycle through ≥ 96 MB of copies so they stream
        from DRAM; --hot times one cache-resident copy instead; --rooflines measures and prints
        only the rooflines. In DRAM runs a 20 ms read pass over another 96 MB runs before and
        after every repetition, and %BW is the median of each repetition's weight GB/s over the
        mean of its two neighbouring reads (this VM's bandwidth drifts within minutes); %BW0 is
        against the roofline measured once at the start. --isa times every configuration on each
        listed instruction set back to back (same weights, same process; LOWBIT_ISA caps a whole
        run instead). --modes attention times one layer's causal prefill attention of --tokens
        tokens (every token and key/value group over the pool, f32 FMA multiply-adds against
        the FMA roofline). Build with -c release.

        examples:
          swift run -c release kernel-bench --quick
          swift run -c release kernel-bench --shapes 110m,1b --threads 1 --json bench.json
        """

    /// Parses `args` (without the program name); returns a message on a usage error.
    static func parse(_ args: [String]) -> Result<Options, UsageError> {
        var o = Options()
        var i = 0
        func value() -> String? {
            i += 1
            return i < args.count ? args[i] : nil
        }
        while i < args.count {
            let a = args[i]
            switch a {
            case "--threads":
                guard let v = value(), let t = intList(v), t.allSatisfy({ $0 >= 1 }) else { return .failure(.init("--threads needs a list like 1,2")) }
                o.threads = t
            case "--shapes":
                guard let v = value() else { return .failure(.init("--shapes needs a list")) }
                let keys = v.split(separator: ",").map(String.init)
                guard keys.allSatisfy({ ModelShapes.keys.contains($0) }) else {
                    return .failure(.init("--shapes takes \(ModelShapes.keys.joined(separator: ","))"))
                }
                o.shapeKeys = keys
            case "--types":
                guard let v = value() else { return .failure(.init("--types needs a list")) }
                o.types = v.split(separator: ",").map { $0.lowercased() }
            case "--modes":
                guard let v = value() else { return .failure(.init("--modes needs gemv, gemm or attention")) }
                let m = v.split(separator: ",").map(String.init)
                guard m.allSatisfy({ ["gemv", "gemm", "attention"].contains($0) }) else {
                    return .failure(.init("--modes takes gemv,gemm,attention"))
                }
                o.modes = m
            case "--tokens":
                guard let v = value(), let t = Int(v), t >= 2 else { return .failure(.init("--tokens needs an integer ≥ 2")) }
                o.tokens = t
            case "--reps":
                guard let v = value(), let r = Int(v), r >= 1 else { return .failure(.init("--reps needs a positive integer")) }
                o.reps = r
            case "--quick":
                o.reps = 2
                o.types = ["f32", "q8_0", "q4_0"]
            case "--hot":
                o.hot = true
            case "--rooflines":
                o.rooflinesOnly = true
            case "--isa":
                guard let v = value() else { return .failure(.init("--isa needs a list like avx2,avx512vnni")) }
                let sets = v.split(separator: ",").map { InstructionSet(name: String($0)) }
                guard !sets.isEmpty, sets.allSatisfy({ $0 != nil }) else {
                    return .failure(.init("--isa takes \(InstructionSet.allCases.map(\.description).joined(separator: ","))"))
                }
                o.isas = sets.map { $0! }
                guard o.isas.allSatisfy({ $0 <= InstructionSet.detected }) else {
                    return .failure(.init("--isa: this CPU runs at most \(InstructionSet.detected)"))
                }
            case "--json":
                guard let v = value() else { return .failure(.init("--json needs a file name")) }
                o.json = v
            case "-h", "--help":
                return .failure(.init(""))
            default:
                return .failure(.init("unknown option \(a)"))
            }
            i += 1
        }
        return .success(o)
    }

    private static func intList(_ s: String) -> [Int]? {
        let parts = s.split(separator: ",").map { Int($0) }
        return parts.contains(where: { $0 == nil }) || parts.isEmpty ? nil : parts.map { $0! }
    }
}

/// A command-line mistake, printed with the usage text.
struct UsageError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

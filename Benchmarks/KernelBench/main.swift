import Foundation
import Kernels

// kernel-bench: LinearWeights GEMV/GEMM per weight type over model shapes, against rooflines
// measured in the same run and against the scalar reference kernels.

let options: Options
switch Options.parse(Array(CommandLine.arguments.dropFirst())) {
case .success(let o): options = o
case .failure(let e):
    if !e.description.isEmpty { FileHandle.standardError.write(Data("error: \(e)\n".utf8)) }
    print(Options.usage)
    exit(e.description.isEmpty ? 0 : 2)
}
var types: [GGMLType] = []
for name in options.types {
    guard let t = GGMLType(name: name), t.isSupported else {
        FileHandle.standardError.write(Data("error: unknown type \(name)\n".utf8))
        exit(2)
    }
    types.append(t)
}
#if DEBUG
FileHandle.standardError.write(Data("warning: debug build; time with -c release\n".utf8))
#endif

func log(_ s: String) { FileHandle.standardError.write(Data((s + "\n").utf8)) }

log("kernels: \(InstructionSet.current) (detected \(InstructionSet.detected); cap with LOWBIT_ISA=avx2)")
var rooflines: [Int: Rooflines] = [:]
var pools: [Int: ThreadPool] = [:]
var forkJoin: [Int: Double] = [:]
for t in options.threads {
    let pool = ThreadPool(threads: t)
    pools[t] = pool
    log("measuring rooflines on \(t) thread(s)…")
    rooflines[t] = Rooflines.measure(pool: pool, reps: options.reps)
    log(String(format: "  read %.1f GB/s, FMA %.1f GFLOP/s", rooflines[t]!.readGBps, rooflines[t]!.fmaGFlops))
    forkJoin[t] = forkJoinMicroseconds(pool: pool, reps: options.reps)
    log(String(format: "  fork/join %.2f µs", forkJoin[t]!))
}

if options.rooflinesOnly {
    for t in options.threads {
        print(String(format: "%d thread(s): read %.1f GB/s, FMA %.1f GFLOP/s", t, rooflines[t]!.readGBps, rooflines[t]!.fmaGFlops))
    }
    exit(0)
}

if options.modes.contains("attention") {
    print("attention prefill, one layer (multiply-adds Σ_t (t+1)·heads·(keyDim+valueDim)):")
    print("model           heads kv  hd tokens T    ms/layer   GFLOP/s  %FMA")
    for key in options.shapeKeys {
        let (model, settings) = AttentionBench.shape(for: key)!
        let bench = AttentionBench(model: model, settings: settings, tokens: options.tokens)
        for t in options.threads {
            let seconds = bench.time(pool: pools[t]!, reps: options.reps)
            let gflops = 2 * Double(bench.multiplyAdds) / seconds / 1e9
            print(String(format: "%-15@ %5d %2d %3d %6d %d %11.3f %9.1f %5.0f", model as NSString, settings.heads,
                         settings.kvHeads, settings.keyDim, options.tokens, t, seconds * 1e3, gflops,
                         100 * gflops / rooflines[t]!.fmaGFlops))
        }
    }
}

var results: [BenchResult] = []
// The adjacent read passes (DRAM runs only): as large as the copies a GEMV cycles through.
let reader = options.hot ? nil : ReadProbe(bytes: MatrixBench.coldBytes)
let matrixModes = options.modes.filter { $0 != "attention" }
for key in options.shapeKeys where !matrixModes.isEmpty {
    for shape in ModelShapes.shapes(for: key)! {
        for type in types {
            log("\(shape.model) \(shape.name) \(shape.rows)x\(shape.cols) \(type)…")
            let bench = MatrixBench(shape: shape, type: type, hot: options.hot)
            let scalarPerRow = bench.scalarGemvSecondsPerRow()
            for mode in matrixModes {
                let tokens = mode == "gemv" ? 1 : options.tokens
                for t in options.threads {
                    for isa in options.isas.isEmpty ? [InstructionSet.current] : options.isas {
                        let previous = InstructionSet.limit(to: isa)
                        let timing = bench.time(tokens: tokens, pool: pools[t]!, reps: options.reps, reader: reader)
                        results.append(BenchResult(
                            shape: shape, type: type, mode: mode, tokens: tokens, threads: t, isa: InstructionSet.current, timing: timing,
                            weightBytes: bench.weightBytes, roofline: rooflines[t]!,
                            scalarSeconds: scalarPerRow * Double(shape.rows * tokens)))
                        InstructionSet.limit(to: previous)
                    }
                }
            }
        }
    }
}

if !results.isEmpty { print(BenchResult.table(results, rooflines: rooflines)) }
print("fork/join: " + options.threads.map { String(format: "%dT %.2f µs", $0, forkJoin[$0]!) }.joined(separator: "; "))
if let path = options.json {
    do {
        try writeJSON(BenchReport(instructionSet: InstructionSet.current.description, rooflines: options.threads.map { RooflineEntry(threads: $0, roofline: rooflines[$0]!, forkJoinMicroseconds: forkJoin[$0]!) }, results: results), to: path)
        log("wrote \(path)")
    } catch {
        log("error: cannot write \(path): \(error)")
        exit(1)
    }
}

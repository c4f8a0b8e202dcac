import LowBit
import Foundation
import Kernels

/// One timed configuration.
struct BenchResult: Codable {
    let model: String
    let matrix: String
    let rows: Int
    let cols: Int
    let type: String
    let mode: String
    let tokens: Int
    let threads: Int
    /// The kernels' instruction set for this row.
    let isa: String
    let seconds: Double
    let gflops: Double
    let weightGBps: Double
    /// Weight GB/s over the run's read roofline (measured once, at the start).
    let fractionOfBandwidth: Double
    /// The median read bandwidth measured beside the repetitions, GB/s (DRAM runs).
    let adjacentReadGBps: Double?
    /// The median of each repetition's weight GB/s over its adjacent read bandwidth (DRAM runs).
    let fractionOfAdjacentRead: Double?
    let fractionOfFMAPeak: Double
    let scalarSecondsEstimate: Double
    let speedupOverScalar: Double

    init(shape: MatrixShape, type: GGMLType, mode: String, tokens: Int, threads: Int, isa: InstructionSet,
         timing: MatrixBench.Timing,
         weightBytes: Int, roofline: Rooflines, scalarSeconds: Double) {
        let seconds = timing.seconds
        model = shape.model
        matrix = shape.name
        rows = shape.rows
        cols = shape.cols
        self.type = type.name
        self.mode = mode
        self.tokens = tokens
        self.threads = threads
        self.isa = isa.description
        self.seconds = seconds
        gflops = 2 * Double(shape.rows * shape.cols * tokens) / seconds / 1e9
        weightGBps = Double(weightBytes) / seconds / 1e9
        fractionOfBandwidth = weightGBps / roofline.readGBps
        adjacentReadGBps = timing.adjacentReadGBps.isNaN ? nil : timing.adjacentReadGBps
        fractionOfAdjacentRead = timing.fractionOfAdjacentRead.isNaN ? nil : timing.fractionOfAdjacentRead
        fractionOfFMAPeak = gflops / roofline.fmaGFlops
        scalarSecondsEstimate = scalarSeconds
        speedupOverScalar = scalarSeconds / seconds
    }

    static func table(_ rs: [BenchResult], rooflines: [Int: Rooflines]) -> String {
        var out = "rooflines: " + rooflines.keys.sorted().map {
            String(format: "%dT read %.1f GB/s, FMA %.1f GFLOP/s", $0, rooflines[$0]!.readGBps, rooflines[$0]!.fmaGFlops)
        }.joined(separator: "; ") + "\n"
        out += "%BW: weight GB/s over the read bandwidth measured beside each repetition (median of the ratios;\n"
        out += "rdGB/s is the median of those reads); %BW0: over the roofline above, measured once at the start\n"
        out += "model           matrix        rows×cols     type  mode  tok T isa          time µs   GFLOP/s   GB/s rdGB/s  %BW %BW0  %FMA  ×scalar\n"
        for r in rs {
            out += String(
                format: "%-15@ %-12@ %6d×%-6d %-5@ %-4@ %4d %d %-10@ %10.1f %9.1f %6.1f %6.1f %4.0f %4.0f %5.0f %8.1f\n",
                r.model as NSString, r.matrix as NSString, r.rows, r.cols, r.type as NSString, r.mode as NSString,
                r.tokens, r.threads, r.isa as NSString, r.seconds * 1e6, r.gflops, r.weightGBps, r.adjacentReadGBps ?? .nan,
                100 * (r.fractionOfAdjacentRead ?? .nan), 100 * r.fractionOfBandwidth, 100 * r.fractionOfFMAPeak,
                r.speedupOverScalar)
        }
        return out
    }
}

/// Rooflines for one thread count.
struct RooflineEntry: Codable {
    let threads: Int
    let roofline: Rooflines
    let forkJoinMicroseconds: Double
}

/// The JSON document `--json` writes.
struct BenchReport: Codable {
    /// The kernels' instruction set in this run (``InstructionSet/current``).
    let instructionSet: String
    let rooflines: [RooflineEntry]
    let results: [BenchResult]
    var note = "scalarSecondsEstimate: scalar reference dot per row (1 thread, up to 256 rows) × rows × tokens"
}

/// Writes `report` as JSON to a temporary file beside `path`, then renames it into place.
func writeJSON(_ report: BenchReport, to path: String) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    let data = try encoder.encode(report)
    try AtomicFile.write(data, to: path)
}

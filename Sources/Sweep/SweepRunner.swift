import Foundation
import LowBit
import Probe
import Training

/// Runs a ``SweepGrid``: for every target, probes it at every precision; for every grid
/// point, unlearns (``Unlearner``), writes the model, probes it (``ProbeRunner``: VerbMem and
/// KnowMem, no sampling attack) and records retained knowledge, weight change per block and
/// the G-effect at the target and at the end. After every cell the report is written (JSON and HTML, atomically), so an
/// interrupted sweep resumes where it stopped.
public struct SweepRunner: Sendable {
    public var grid: SweepGrid
    /// Output folder: `sweep.json`, `sweep.html`, `models/`, `data/`.
    public var directory: URL
    /// Threads for unlearning and probing (results do not depend on it).
    public var threads: Int

    public init(grid: SweepGrid, directory: URL, threads: Int) {
        self.grid = grid
        self.directory = directory
        self.threads = threads
    }

    public var jsonPath: String { directory.appendingPathComponent("sweep.json").path }
    public var htmlPath: String { directory.appendingPathComponent("sweep.html").path }

    /// Runs the grid, skipping the cells and subjects of `resume`.
    ///
    /// - Parameters:
    ///   - resume: an earlier report of the same grid (``SweepError/resumeMismatch(path:)``
    ///     otherwise).
    ///   - log: one line per finished step.
    /// - Returns: the complete report (also on disk).
    public func run(resume: SweepReport? = nil, log: (String) -> Void = { _ in }) throws -> SweepReport {
        let points = try grid.points()
        if let resume, resume.grid != grid { throw SweepError.resumeMismatch(path: jsonPath) }
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("models"), withIntermediateDirectories: true)
        var report = resume ?? SweepReport(grid: grid)

        for (ti, targetPath) in grid.targets.enumerated() {
            let target: ModelWeights
            do { target = try ModelWeights.load(path: targetPath) } catch {
                throw SweepError.failed(path: targetPath, message: "\(error)")
            }
            guard let recipe = SubjectLab.recipe(of: target) else { throw SweepError.notASubject(path: targetPath) }
            let corpus = try FactCorpus.generate(recipe.corpus)
            let data = directory.appendingPathComponent("data/t\(ti)")
            try corpus.write(to: data)
            let tokenizer = try Tokenizer(config: TokenizerConfig(metadata: target.metadata, file: targetPath))
            let sets = SubjectLab.unlearningSets(corpus: corpus, tokenizer: tokenizer, contextLength: recipe.contextLength)
            let params = try SubjectLab.parameters(from: target)

            if report.subjects.count <= ti {
                let start = Date()
                let cells = try probe(ModelSpec(name: "target", path: targetPath, role: .target), data: data)
                let results = Self.measurements(cells, target: nil, precisions: grid.precisions)
                report.subjects.append(SweepSubject(path: targetPath, dim: recipe.dim, layers: recipe.layers,
                                                    parameters: params.count, results: results))
                report.timing["subject-\(ti)"] = Date().timeIntervalSince(start)
                try write(report)
                log("target \(ti) (\(report.subjects[ti].label)): " + Self.summary(results, reference: grid.precisions[0]))
            }
            let subject = report.subjects[ti]

            for point in points where point.target == targetPath {
                let key = point.key(targetIndex: ti)
                if report.cells.contains(where: { $0.key == key }) { continue }
                let start = Date()
                var u = Unlearner(method: point.method, learningRate: Float(point.learningRate), epochs: point.epochs,
                                  alpha: grid.alpha, beta: grid.beta, batchSize: grid.batchSize, seed: grid.seed, threads: threads)
                u.weightPrecision = point.weights
                u.measuresGEffect = grid.gEffect
                u.gEffectInterval = point.epochs  // at the target and after the last epoch
                if let type = point.lock {
                    do { u.lock = try QuantizationLock(target: params, type: type, storage: point.weights) } catch {
                        throw SweepError.failed(path: targetPath, message: "\(error)")
                    }
                }
                let result = try u.unlearn(target: params, forget: sets.forget, retain: sets.retain)
                let settings = "method=\(point.method.rawValue) lr=\(u.learningRate) epochs=\(u.epochs) alpha=\(u.alpha) beta=\(u.beta) batch=\(u.batchSize) seed=\(u.seed) weights=\(u.weightPrecision.rawValue) moments=f32 lock=\(point.lock?.name ?? "none") sure=none"
                let weights = try SubjectLab.unlearnedWeights(result.parameters, target: target, name: key, settings: settings,
                                                              matrixType: point.weights.storageType)
                let modelPath = directory.appendingPathComponent("models/\(key).gguf").path
                try GGUFWriter.write(weights, to: modelPath)
                let cells = try probe(ModelSpec(name: key, path: modelPath, role: .unlearned, method: point.method.rawValue), data: data)
                // The baseline of the weight change is the target in the run's own precision.
                var baseline = params
                var rng = SeededRandom(seed: 0)
                point.weights.nearest.round(&baseline.values, rng: &rng)
                let cell = SweepCell(
                    key: key, subject: ti, method: point.method.rawValue, learningRate: point.learningRate,
                    epochs: point.epochs, weights: point.weights.rawValue, lock: point.lock?.name,
                    modelPath: "models/\(key).gguf",
                    results: Self.measurements(cells, target: subject, precisions: grid.precisions),
                    weightChange: result.weightChange,
                    blockChange: WeightChangeStats.perBlock(original: baseline, updated: result.parameters),
                    gEffects: result.gEffects)
                report.cells.append(cell)
                report.timing[key] = Date().timeIntervalSince(start)
                try write(report)
                log(String(format: "%@ (%.0f s): ", key, report.timing[key] ?? 0) + Self.summary(cell.results, reference: grid.precisions[0]))
            }
        }
        return report
    }

    /// Probes one model at every precision of the grid.
    func probe(_ spec: ModelSpec, data: URL) throws -> [ProbeCell] {
        let precisions = grid.precisions.compactMap { Precision.named($0) }
        var c = ProbeRunConfiguration(models: [spec], dataDirectory: data.path, precisions: precisions,
                                      itemLimit: grid.itemLimit, threads: threads, verbMem: grid.verbMem, leak: nil)
        c.logitLens = false
        return try ProbeRunner(configuration: c).run().cells
    }

    /// Per-precision measurements; retained knowledge against `target` at the same precision
    /// and retain utility against its reference precision (both 1 for the target itself).
    static func measurements(_ cells: [ProbeCell], target: SweepSubject?, precisions: [String]) -> [SweepMeasurement] {
        precisions.compactMap { p in
            guard let c = cells.first(where: { $0.precision == p }) else { return nil }
            var m = SweepMeasurement(precision: p, verbMem: c.verbMem, knowMemForget: c.knowMemForget, knowMemRetain: c.knowMemRetain)
            func knowledge(_ v: Double?, _ k: Double?) -> Recovery.ForgetKnowledge? {
                k.map { Recovery.ForgetKnowledge(verbMem: v ?? 0, knowMemForget: $0) }
            }
            if let target {
                if let t = target.results.first(where: { $0.precision == p }), let tk = knowledge(t.verbMem, t.knowMemForget),
                   let uk = knowledge(c.verbMem, c.knowMemForget) {
                    m.retained = Recovery.retainedFraction([(uk, tk)])
                }
                if let r = c.knowMemRetain, let t = target.results.first?.knowMemRetain, t > 0 { m.retainUtility = r / t }
            } else {
                m.retained = 1
                m.retainUtility = 1
            }
            return m
        }
    }

    static func summary(_ results: [SweepMeasurement], reference: String) -> String {
        results.map { m in
            var s = "\(m.precision) KnowMem-forget " + (m.knowMemForget.map { String(format: "%.1f", $0) } ?? "–")
            if let r = m.retained, m.precision == reference || r != 1 { s += String(format: " retained %.1f%%", 100 * r) }
            if m.precision == reference, let u = m.retainUtility { s += String(format: " utility %.0f%%", 100 * u) }
            return s
        }.joined(separator: "; ")
    }

    /// Writes the report's JSON and HTML atomically.
    public func write(_ report: SweepReport) throws {
        try AtomicFile.write(Data(try Self.encode(report)), to: jsonPath)
        try AtomicFile.write(SweepHTMLRenderer.render(report), to: htmlPath)
    }

    /// The report as sorted-key, pretty-printed JSON.
    public static func encode(_ report: SweepReport) throws -> [UInt8] {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .prettyPrinted]
        return Array(try e.encode(report)) + [0x0A]
    }

    /// Reads a report written by ``write(_:)``.
    public static func load(path: String) throws -> SweepReport {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw SweepError.failed(path: path, message: "cannot read: \(error.localizedDescription)")
        }
        do { return try JSONDecoder().decode(SweepReport.self, from: data) } catch {
            throw SweepError.failed(path: path, message: "not a sweep report: \(error)")
        }
    }
}

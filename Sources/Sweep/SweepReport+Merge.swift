import Foundation

extension SweepReport {
    /// Combines sweeps run separately (for example one per width, each with the learning rates
    /// worth its time) into one map (`lowbit sweep merge`).
    ///
    /// Subjects are concatenated in order and their cells renumbered (`t0-…` of the second
    /// part becomes `t<n>-…`), except that a subject already present (same file and results,
    /// as when a second sweep adds rates or locks to a map) keeps its index and a cell already
    /// present is kept once; methods, learning rates, epochs and weight precisions become the
    /// union of the parts' (rates ascending, the rest in first-seen order), so cells one part did
    /// not run show as "not run". Model paths become absolute, resolved against each part's folder.
    ///
    /// - Parameter parts: each report with the folder it was read from.
    /// - Throws: ``SweepError/invalidGrid(field:value:expected:)`` when the parts were probed
    ///   differently (precisions, items, VerbMem, α, β, batch or seed differ; the G-effect may differ).
    public static func merged(_ parts: [(report: SweepReport, directory: URL)]) throws(SweepError) -> SweepReport {
        guard let first = parts.first?.report else { throw .invalidGrid(field: "parts", value: "none", expected: "at least one sweep.json") }
        func same<T: Equatable>(_ field: String, _ key: (SweepGrid) -> T) throws(SweepError) {
            for p in parts where key(p.report.grid) != key(first.grid) {
                throw .invalidGrid(field: field, value: "\(key(p.report.grid))", expected: "\(key(first.grid)) as in the first part")
            }
        }
        try same("precisions") { $0.precisions }
        try same("items") { $0.itemLimit }
        try same("verbmem") { $0.verbMem }
        try same("alpha") { $0.alpha }
        try same("beta") { $0.beta }
        try same("batch") { $0.batchSize }
        try same("seed") { $0.seed }
        func union<T: Hashable>(_ key: (SweepGrid) -> [T]) -> [T] {
            var seen = Set<T>(), out: [T] = []
            for p in parts { for v in key(p.report.grid) where seen.insert(v).inserted { out.append(v) } }
            return out
        }
        var grid = first.grid
        grid.gEffect = parts.contains { $0.report.grid.gEffect }
        grid.methods = union { $0.methods }
        grid.learningRates = union { $0.learningRates }.sorted()
        grid.epochs = union { $0.epochs }
        grid.weightPrecisions = union { $0.weightPrecisions }
        let locks = union { $0.locks ?? ["none"] }
        grid.locks = locks == ["none"] ? nil : locks
        var out = SweepReport(grid: grid)
        grid.targets = []
        for p in parts {
            // A subject already in the map (same file, same results) keeps its index.
            var index: [Int] = []
            for s in p.report.subjects {
                if let i = out.subjects.firstIndex(of: s) {
                    index.append(i)
                } else {
                    index.append(out.subjects.count)
                    out.subjects.append(s)
                    grid.targets.append(s.path)
                }
            }
            for var c in p.report.cells {
                guard c.subject < index.count else {
                    throw .invalidGrid(field: "cells", value: c.key, expected: "a cell of one of its report's subjects")
                }
                let old = "t\(c.subject)-"
                c.subject = index[c.subject]
                if c.key.hasPrefix(old) { c.key = "t\(c.subject)-" + c.key.dropFirst(old.count) }
                if !c.modelPath.hasPrefix("/") { c.modelPath = p.directory.appendingPathComponent(c.modelPath).standardizedFileURL.path }
                if !out.cells.contains(where: { $0.key == c.key }) { out.cells.append(c) }
            }
            for (k, v) in p.report.timing {
                var key = k
                let isSubject = k.hasPrefix("subject-")
                if let n = Int(k.dropFirst(isSubject ? 8 : 1).prefix { $0.isNumber }), n < index.count {
                    key = isSubject ? "subject-\(index[n])" : "t\(index[n])" + k.drop { $0 != "-" }
                }
                if out.timing[key] == nil { out.timing[key] = v }
            }
        }
        out.grid = grid
        return out
    }
}

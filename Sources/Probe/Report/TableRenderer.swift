/// Renders a report as a fixed-width terminal table laid out like Table 1 of Zhang et al.:
/// one row per model × precision, MUSE's four metrics first, then the extra probes.
///
/// ```
/// Model    Precision  VerbMem↓  KnowMem-f↓  PrivLeak→0  KnowMem-r↑  MinK-AUC  Gold-p  Top1  Leak@k  Rec-KM
/// Target   f32           58.4        63.9       -99.8        55.2      0.02    61.0  70.0      —       —
/// ```
///
/// Metrics are 0–100 (the attacks' AUCs 0–1: Min-K%, LOSS, zlib ratio, reference model); ES is
/// OpenUnlearning's extraction strength on KnowMem forget, %; Para-f is the paraphrase probe
/// (KnowMem-forget on reworded questions; "—" on corpora without them); Gold-p, Top1, Leak@k and Rec-KM are percentages;
/// "—" means not measured.
public enum TableRenderer {
    /// One column: header, alignment, and how to read a cell.
    struct Column: Sendable {
        let header: String
        let leftAligned: Bool
        let value: @Sendable (ProbeCell) -> String
    }

    static let columns: [Column] = [
        Column(header: "Model", leftAligned: true) { ReportFormat.modelLabel($0) },
        Column(header: "Role", leftAligned: true) { $0.role.rawValue },
        Column(header: "Precision", leftAligned: true) { $0.precisionLabel },
        Column(header: "VerbMem↓", leftAligned: false) { ReportFormat.fixed($0.verbMem) },
        Column(header: "KnowMem-f↓", leftAligned: false) { ReportFormat.fixed($0.knowMemForget) },
        Column(header: "PrivLeak→0", leftAligned: false) { ReportFormat.fixed($0.privLeak) },
        Column(header: "KnowMem-r↑", leftAligned: false) { ReportFormat.fixed($0.knowMemRetain) },
        Column(header: "Para-f↓", leftAligned: false) { ReportFormat.fixed($0.knowMemForgetParaphrased) },
        Column(header: "MinK-AUC", leftAligned: false) { ReportFormat.fixed($0.minKAUC, digits: 3) },
        Column(header: "LOSS-AUC", leftAligned: false) { ReportFormat.fixed($0.lossAUC, digits: 3) },
        Column(header: "Zlib-AUC", leftAligned: false) { ReportFormat.fixed($0.zlibAUC, digits: 3) },
        Column(header: "Ref-AUC", leftAligned: false) { ReportFormat.fixed($0.referenceAUC, digits: 3) },
        Column(header: "ES%", leftAligned: false) { ReportFormat.fixed($0.extractionStrength) },
        Column(header: "Gold-p%", leftAligned: false) {
            ReportFormat.percent($0.teacherForcedForget?.meanGoldProbability)
        },
        Column(header: "Top1%", leftAligned: false) { ReportFormat.percent($0.teacherForcedForget?.top1HitRate) },
        Column(header: "Leak@k%", leftAligned: false) { ReportFormat.percent($0.leakAtK?.value) },
        Column(header: "Rec-VM%", leftAligned: false) { ReportFormat.percent($0.recoveryVerbMem) },
        Column(header: "Rec-KM%", leftAligned: false) { ReportFormat.percent($0.recoveryKnowMemForget) },
    ]

    /// Renders the table, followed by the aggregate lines.
    /// - Parameter report: The report.
    /// - Returns: Lines joined by `"\n"`, ending in a newline; widths are measured in
    ///   characters, so the columns line up in a terminal for names in any script of
    ///   single-width characters.
    public static func render(_ report: ProbeReport) -> String {
        let header = columns.map(\.header)
        let rows = report.cells.map { cell in columns.map { $0.value(cell) } }
        var widths = header.map(\.count)
        for row in rows {
            for (i, v) in row.enumerated() { widths[i] = max(widths[i], v.count) }
        }
        func line(_ values: [String]) -> String {
            var parts: [String] = []
            for (i, v) in values.enumerated() {
                let pad = String(repeating: " ", count: widths[i] - v.count)
                parts.append(columns[i].leftAligned ? v + pad : pad + v)
            }
            var s = parts.joined(separator: "  ")
            while s.last == " " { s.removeLast() }
            return s
        }
        var out: [String] = []
        var title = "MUSE probe"
        if let corpus = report.config.corpus { title += " — \(corpus)" }
        title += " (decoding: \(report.config.decoding); ROUGE: \(report.config.rougeVariant))"
        out.append(title)
        out.append(line(header))
        out.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  "))
        for row in rows { out.append(line(row)) }
        if !report.aggregates.retainedKnowledge.isEmpty {
            out.append("")
            for r in report.aggregates.retainedKnowledge {
                out.append("Retained forget knowledge at \(r.precision) vs \(r.targetPrecision) target: "
                    + "\(ReportFormat.percent(r.fraction))% (\(r.models.isEmpty ? "\(r.unlearnedCount) unlearned models" : r.models.joined(separator: ", ")))")
            }
        }
        if let sweep = report.aggregates.bitsSweep, !sweep.isEmpty {
            out.append("")
            out.append("Bits sweep: retained forget knowledge (%) against the target at the same precision")
            var models: [String] = []
            for p in sweep where !models.contains(p.model) { models.append(p.model) }
            var rows: [[String]] = [["family", "bits", "precision"] + models]
            var keys: [String] = []
            for p in sweep where !keys.contains(p.precision) { keys.append(p.precision) }
            for key in keys {
                let ps = sweep.filter { $0.precision == key }
                rows.append([ps[0].family, "\(ps[0].bits)", key] + models.map { m in
                    ps.first { $0.model == m }.map { ReportFormat.percent($0.fraction) } ?? "—"
                })
            }
            let w = (0..<rows[0].count).map { c in rows.map { $0[c].count }.max() ?? 0 }
            for r in rows {
                out.append(r.enumerated().map { c, v in
                    c < 3 ? v.padding(toLength: w[c], withPad: " ", startingAt: 0) : String(repeating: " ", count: w[c] - v.count) + v
                }.joined(separator: "  "))
            }
        }
        return out.joined(separator: "\n") + "\n"
    }
}

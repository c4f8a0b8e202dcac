/// Renders a report as ONE self-contained HTML file: inline CSS and SVG, no scripts, no
/// network. Chart 1 plots forget knowledge (KnowMem-forget solid, VerbMem dashed) against
/// precision, one line per model; chart 2 plots utility (KnowMem-retain) against forget
/// knowledge (KnowMem-forget), one point per cell; then the table and the aggregates.
///
/// All text from the report is escaped (``escape(_:)``), so a model named `<script>` shows
/// as text. Output is deterministic for a given report.
public enum HTMLRenderer {
    /// The logit lens on forget questions: top-1 rate of the gold answer's first token after
    /// each block, one row per cell.
    static func lensTable(_ report: ProbeReport) -> String {
        let cells = report.cells.filter { $0.logitLensForget != nil }
        guard let layers = cells.first?.logitLensForget?.count, layers > 0 else { return "" }
        var h = "<h2>Logit lens on forget questions</h2>\n<p>Share of forget questions whose gold answer's first "
            + "token ranks first when the residual stream after each block is read through the final norm and head.</p>\n"
        h += "<table>\n<tr><th>Model</th><th>Precision</th>"
        for l in 0..<layers { h += "<th>after block \(l)</th>" }
        h += "</tr>\n"
        for c in cells {
            h += "<tr><td>\(escape(c.modelName))</td><td>\(escape(c.precisionLabel))</td>"
            for layer in c.logitLensForget ?? [] { h += "<td class=\"n\">\(ReportFormat.percent(layer.top1Rate))%</td>" }
            h += "</tr>\n"
        }
        return h + "</table>\n"
    }

    /// Escapes text for HTML element content and double- or single-quoted attributes.
    /// - Parameter text: Any text.
    /// - Returns: The text with `& < > " '` replaced by entities.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for ch in text {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }

    /// Renders the page.
    /// - Parameter report: The report.
    /// - Returns: The HTML document.
    public static func render(_ report: ProbeReport) -> String {
        var title = "LowBit probe report"
        if let corpus = report.config.corpus { title += " — \(corpus)" }
        var h = """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>\(escape(title))</title>
            <style>
            body{font-family:system-ui,-apple-system,Segoe UI,sans-serif;margin:2em;color:#222;max-width:1100px}
            table{border-collapse:collapse;font-size:13px;font-variant-numeric:tabular-nums}
            th,td{border:1px solid #ccc;padding:3px 8px}td.n{text-align:right}th{background:#f3f3f3}
            svg{font-size:11px;font-family:inherit}dt{font-weight:600}dd{margin:0 0 .4em 1.5em}
            </style>
            </head>
            <body>
            <h1>\(escape(title))</h1>

            """
        h += headline(report)
        h += bitsCharts(report)
        let series = Series.build(report.cells)
        h += "<h2>Results</h2>\n"
        h += table(report)
        h += "<h2>Forget knowledge vs precision</h2>\n"
        h += forgetChart(report, series: series)
        h += "<h2>Utility vs forget knowledge</h2>\n"
        h += utilityChart(series: series)
        h += lensTable(report)
        h += "<h2>Settings and notes</h2>\n"
        h += configSection(report.config)
        if let t = report.timing {
            h += "<p>Total time: \(ReportFormat.fixed(t.totalSeconds, digits: 1)) s"
            if let s = t.startedAt { h += ", started \(escape(s))" }
            h += ".</p>\n"
        }
        h += "</body>\n</html>\n"
        return h
    }

    // MARK: - Sections

    /// The paper's figures (Zhang et al. 2024, utility-constrained unlearning on MUSE).
    static let paperFigures: [(label: String, percent: Double)] = [("paper, full precision", 21), ("paper, 4-bit", 83)]

    /// The answer first: retained forget knowledge per precision (against the target at the
    /// same precision), as bars beside the paper's 21% and 83%.
    static func headline(_ report: ProbeReport) -> String {
        let entries = report.aggregates.retainedKnowledge.filter { $0.precision == $0.targetPrecision }
        guard !entries.isEmpty else { return "" }
        let h = "<h2>Retained forget knowledge per precision</h2>\n<p>Σ (VerbMem + KnowMem-forget) of the "
            + "utility-constrained unlearned models / the target's at the same precision. The paper reports 21% at full "
            + "precision and 83% after 4-bit quantization.</p>\n"
        let rows: [(String, Double, String)] = entries.map { ($0.precision, 100 * $0.fraction, "#1f77b4") }
            + paperFigures.map { ($0.label, $0.percent, "#bbbbbb") }
        let rowHeight = 22.0, labelWidth = 170.0, barWidth = 520.0
        let height = rowHeight * Double(rows.count) + 24
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(n(labelWidth + barWidth + 70))\" height=\"\(n(height))\" "
            + "role=\"img\" aria-label=\"Retained forget knowledge per precision\">\n"
        for (i, row) in rows.enumerated() {
            let y = 4 + rowHeight * Double(i)
            let w = barWidth * min(100, max(0, row.1)) / 100
            svg += "<text x=\"\(n(labelWidth - 8))\" y=\"\(n(y + 14))\" text-anchor=\"end\">\(escape(row.0))</text>"
            svg += "<rect x=\"\(n(labelWidth))\" y=\"\(n(y + 2))\" width=\"\(n(w))\" height=\"\(n(rowHeight - 6))\" fill=\"\(row.2)\"/>"
            svg += "<text x=\"\(n(labelWidth + w + 6))\" y=\"\(n(y + 14))\">\(ReportFormat.fixed(row.1))%</text>\n"
        }
        let axisY = 4 + rowHeight * Double(rows.count) + 14
        for v in stride(from: 0.0, through: 100, by: 25) {
            svg += "<text x=\"\(n(labelWidth + barWidth * v / 100))\" y=\"\(n(axisY))\" text-anchor=\"middle\" fill=\"#777\">\(Int(v))%</text>\n"
        }
        return h + svg + "</svg>\n" + positiveControls(report)
    }

    /// Whether a model is a positive control (its name starts with `positive-control`).
    public static func isPositiveControl(_ name: String) -> Bool { name.lowercased().hasPrefix("positive-control") }

    /// One line per positive control: its retained knowledge per precision. A detector that
    /// works shows the constructed recovery here (the q4_0-locked control's q4_0 model is the
    /// target's q4_0 model).
    static func positiveControls(_ report: ProbeReport) -> String {
        var h = ""
        let names = report.config.models.filter { $0.role == .unlearned && isPositiveControl($0.name) }.map(\.name)
        for name in names {
            var parts: [String] = []
            for cell in report.cells where cell.modelName == name {
                guard let v = cell.verbMem, let k = cell.knowMemForget,
                      let t = report.cells.first(where: { $0.role == .target && $0.precisionLabel == cell.precisionLabel }),
                      let tv = t.verbMem, let tk = t.knowMemForget,
                      let f = Recovery.retainedFraction([(Recovery.ForgetKnowledge(verbMem: v, knowMemForget: k),
                                                          Recovery.ForgetKnowledge(verbMem: tv, knowMemForget: tk))]) else { continue }
                parts.append("\(escape(cell.precisionLabel)) \(ReportFormat.fixed(100 * f))%")
            }
            guard !parts.isEmpty else { continue }
            h += "<p><b>Positive control \(escape(name))</b> (constructed: unlearned with every weight locked in its q4_0 cell, "
                + "so its q4_0 model is the target's; not counted above), retained forget knowledge: \(parts.joined(separator: ", ")).</p>\n"
        }
        return h
    }

    /// Recovery against bits: one small chart per quantizer family, one line per method.
    static func bitsCharts(_ report: ProbeReport) -> String {
        guard let sweep = report.aggregates.bitsSweep, !sweep.isEmpty else { return "" }
        var families: [String] = []
        for p in sweep where !families.contains(p.family) { families.append(p.family) }
        var h = "<h2>Retained forget knowledge vs bits, per quantizer</h2>\n<div style=\"display:flex;flex-wrap:wrap;gap:12px\">\n"
        for family in families {
            let points = sweep.filter { $0.family == family }
            let bits = Array(Set(points.map(\.bits))).sorted()
            var models: [String] = []
            for p in points where !models.contains(p.model) { models.append(p.model) }
            let width = 420.0, height = 260.0, left = 44.0, right = 130.0, top = 24.0, bottom = 36.0
            let pw = width - left - right, ph = height - top - bottom
            func x(_ b: Int) -> Double { left + pw * (bits.count == 1 ? 0.5 : Double(bits.firstIndex(of: b)!) / Double(bits.count - 1)) }
            func y(_ v: Double) -> Double { top + ph * (1 - min(100, max(0, v)) / 100) }
            var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(n(width))\" height=\"\(n(height))\" role=\"img\" "
                + "aria-label=\"\(escape(family)) bits sweep\">\n<text x=\"\(n(left))\" y=\"14\" font-weight=\"600\">\(escape(family))</text>\n"
            for v in stride(from: 0.0, through: 100, by: 25) {
                svg += "<line x1=\"\(n(left))\" x2=\"\(n(left + pw))\" y1=\"\(n(y(v)))\" y2=\"\(n(y(v)))\" stroke=\"#e5e5e5\"/>"
                svg += "<text x=\"\(n(left - 6))\" y=\"\(n(y(v) + 4))\" text-anchor=\"end\">\(Int(v))</text>\n"
            }
            for b in bits {
                svg += "<text x=\"\(n(x(b)))\" y=\"\(n(top + ph + 16))\" text-anchor=\"middle\">\(b)</text>\n"
            }
            svg += "<text x=\"\(n(left + pw / 2))\" y=\"\(n(height - 4))\" text-anchor=\"middle\">bits</text>\n"
            for (i, model) in models.enumerated() {
                let color = model == "constrained" ? "#000000" : Series.palette[i % Series.palette.count]
                let line = points.filter { $0.model == model }.sorted { $0.bits < $1.bits }
                if line.count > 1 {
                    svg += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"\(model == "constrained" ? 3 : 1.5)\" points=\""
                        + line.map { "\(n(x($0.bits))),\(n(y(100 * $0.fraction)))" }.joined(separator: " ") + "\"/>\n"
                }
                for p in line {
                    svg += "<circle cx=\"\(n(x(p.bits)))\" cy=\"\(n(y(100 * p.fraction)))\" r=\"3\" fill=\"\(color)\"><title>"
                        + escape("\(model) @ \(p.precision): \(ReportFormat.percent(p.fraction))%") + "</title></circle>\n"
                }
                let ly = top + 6 + 15 * Double(i)
                svg += "<rect x=\"\(n(left + pw + 10))\" y=\"\(n(ly - 8))\" width=\"10\" height=\"10\" fill=\"\(color)\"/>"
                svg += "<text x=\"\(n(left + pw + 24))\" y=\"\(n(ly + 1))\">\(escape(model))</text>\n"
            }
            h += svg + "</svg>\n"
        }
        return h + "</div>\n"
    }

    static func configSection(_ c: ProbeConfig) -> String {
        var h = "<dl>\n"
        func item(_ k: String, _ v: String) { h += "<dt>\(escape(k))</dt><dd>\(escape(v))</dd>\n" }
        item("Data", c.dataDirectory)
        item("Models", c.models.map { "\($0.name) (\($0.role.rawValue)): \($0.path)" }.joined(separator: "; "))
        item("Precisions", c.precisions.joined(separator: ", ") + " (reference: \(c.referencePrecision))")
        item("Protocol", "decoding \(c.decoding); \(c.rougeVariant); Min-K k = \(ReportFormat.fixed(c.minKRatio, digits: 2)); "
            + "seed \(c.seed); threads \(c.threads)" + (c.itemLimit.map { "; items ≤ \($0)" } ?? ""))
        for note in c.notes { item("Note", note) }
        return h + "</dl>\n"
    }

    static func table(_ report: ProbeReport) -> String {
        let cols = TableRenderer.columns
        var h = "<table>\n<tr>" + cols.map { "<th>\(escape($0.header))</th>" }.joined() + "</tr>\n"
        for cell in report.cells {
            h += "<tr>" + cols.map { c in
                "<td\(c.leftAligned ? "" : " class=\"n\"")>\(escape(c.value(cell)))</td>"
            }.joined() + "</tr>\n"
        }
        return h + "</table>\n"
    }

    // MARK: - Charts

    /// Cells grouped by model label, in order of first appearance, each with a colour.
    struct Series {
        let label: String
        let color: String
        let cells: [ProbeCell]

        static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                              "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]

        static func build(_ cells: [ProbeCell]) -> [Series] {
            var order: [String] = []
            var groups: [String: [ProbeCell]] = [:]
            for c in cells {
                let key = ReportFormat.modelLabel(c)
                if groups[key] == nil { order.append(key) }
                groups[key, default: []].append(c)
            }
            return order.enumerated().map { i, key in
                Series(label: key, color: palette[i % palette.count], cells: groups[key] ?? [])
            }
        }
    }

    /// Plot geometry shared by both charts: a 0–100 y axis.
    struct Frame {
        let width = 760.0, height = 340.0
        let left = 48.0, right = 210.0, top = 16.0, bottom = 44.0
        var plotWidth: Double { width - left - right }
        var plotHeight: Double { height - top - bottom }
        func y(_ v: Double) -> Double { top + plotHeight * (1 - min(100, max(0, v)) / 100) }
        func x(fraction f: Double) -> Double { left + plotWidth * f }
    }

    static func n(_ v: Double) -> String { ReportFormat.fixed(v, digits: 1) }

    static func svgOpen(_ f: Frame, label: String) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(n(f.width))\" height=\"\(n(f.height))\" "
            + "viewBox=\"0 0 \(n(f.width)) \(n(f.height))\" role=\"img\" aria-label=\"\(escape(label))\">\n"
    }

    static func yAxis(_ f: Frame, title: String) -> String {
        var s = ""
        for v in stride(from: 0.0, through: 100, by: 20) {
            s += "<line x1=\"\(n(f.left))\" x2=\"\(n(f.left + f.plotWidth))\" y1=\"\(n(f.y(v)))\" y2=\"\(n(f.y(v)))\" stroke=\"#e5e5e5\"/>\n"
            s += "<text x=\"\(n(f.left - 6))\" y=\"\(n(f.y(v) + 4))\" text-anchor=\"end\">\(Int(v))</text>\n"
        }
        s += "<text transform=\"translate(12 \(n(f.top + f.plotHeight / 2))) rotate(-90)\" text-anchor=\"middle\">\(escape(title))</text>\n"
        return s
    }

    static func legend(_ f: Frame, series: [Series], extra: [String] = []) -> String {
        var s = ""
        var y = f.top + 8
        let x = f.left + f.plotWidth + 16
        for line in extra {
            s += "<text x=\"\(n(x))\" y=\"\(n(y + 4))\" fill=\"#555\">\(escape(line))</text>\n"
            y += 16
        }
        for item in series {
            s += "<rect x=\"\(n(x))\" y=\"\(n(y - 4))\" width=\"10\" height=\"10\" fill=\"\(item.color)\"/>"
            s += "<text x=\"\(n(x + 16))\" y=\"\(n(y + 5))\">\(escape(item.label))</text>\n"
            y += 16
        }
        return s
    }

    /// Precision labels on the x axis: the config's order first, then any others as they appear.
    static func precisionAxis(_ report: ProbeReport) -> [String] {
        let present = report.cells.map(\.precisionLabel)
        var out: [String] = []
        for p in report.config.precisions + present where present.contains(p) && !out.contains(p) {
            out.append(p)
        }
        return out
    }

    static func forgetChart(_ report: ProbeReport, series: [Series]) -> String {
        let f = Frame()
        let xs = precisionAxis(report)
        func x(_ label: String) -> Double? {
            guard let i = xs.firstIndex(of: label) else { return nil }
            return f.x(fraction: xs.count == 1 ? 0.5 : (Double(i) + 0.5) / Double(xs.count))
        }
        var s = svgOpen(f, label: "Forget knowledge versus precision")
        s += yAxis(f, title: "score (0–100)")
        for p in xs {
            guard let px = x(p) else { continue }
            s += "<text x=\"\(n(px))\" y=\"\(n(f.top + f.plotHeight + 18))\" text-anchor=\"middle\">\(escape(p))</text>\n"
        }
        s += "<text x=\"\(n(f.left + f.plotWidth / 2))\" y=\"\(n(f.height - 6))\" text-anchor=\"middle\">precision</text>\n"
        let metrics: [(name: String, dash: String, value: (ProbeCell) -> Double?)] = [
            ("KnowMem-forget", "", { $0.knowMemForget }),
            ("VerbMem", " stroke-dasharray=\"5 4\"", { $0.verbMem }),
        ]
        for item in series {
            for m in metrics {
                let points: [(Double, Double, ProbeCell)] = item.cells.compactMap { c in
                    guard let v = m.value(c), v.isFinite, let px = x(c.precisionLabel) else { return nil }
                    return (px, f.y(v), c)
                }.sorted { $0.0 < $1.0 }
                guard !points.isEmpty else { continue }
                if points.count > 1 {
                    let coords = points.map { "\(n($0.0)),\(n($0.1))" }.joined(separator: " ")
                    s += "<polyline fill=\"none\" stroke=\"\(item.color)\" stroke-width=\"2\"\(m.dash) points=\"\(coords)\"/>\n"
                }
                for (px, py, c) in points {
                    let tip = "\(item.label) @ \(c.precisionLabel): \(m.name) \(ReportFormat.fixed(m.value(c)))"
                    s += "<circle cx=\"\(n(px))\" cy=\"\(n(py))\" r=\"3.5\" fill=\"\(item.color)\"><title>\(escape(tip))</title></circle>\n"
                }
            }
        }
        s += legend(f, series: series, extra: ["solid: KnowMem-forget", "dashed: VerbMem"])
        return s + "</svg>\n"
    }

    static func utilityChart(series: [Series]) -> String {
        let f = Frame()
        var s = svgOpen(f, label: "Utility versus forget knowledge")
        s += yAxis(f, title: "KnowMem-retain (utility)")
        for v in stride(from: 0.0, through: 100, by: 20) {
            let px = f.x(fraction: v / 100)
            s += "<line x1=\"\(n(px))\" x2=\"\(n(px))\" y1=\"\(n(f.top))\" y2=\"\(n(f.top + f.plotHeight))\" stroke=\"#e5e5e5\"/>\n"
            s += "<text x=\"\(n(px))\" y=\"\(n(f.top + f.plotHeight + 16))\" text-anchor=\"middle\">\(Int(v))</text>\n"
        }
        s += "<text x=\"\(n(f.left + f.plotWidth / 2))\" y=\"\(n(f.height - 6))\" text-anchor=\"middle\">KnowMem-forget (forget knowledge)</text>\n"
        for item in series {
            for c in item.cells {
                guard let fx = c.knowMemForget, let uy = c.knowMemRetain, fx.isFinite, uy.isFinite else { continue }
                let px = f.x(fraction: min(100, max(0, fx)) / 100), py = f.y(uy)
                let tip = "\(item.label) @ \(c.precisionLabel): KnowMem-forget \(ReportFormat.fixed(fx)), KnowMem-retain \(ReportFormat.fixed(uy))"
                s += "<circle cx=\"\(n(px))\" cy=\"\(n(py))\" r=\"4.5\" fill=\"\(item.color)\" fill-opacity=\"0.8\"><title>\(escape(tip))</title></circle>\n"
            }
        }
        s += legend(f, series: series)
        return s + "</svg>\n"
    }
}

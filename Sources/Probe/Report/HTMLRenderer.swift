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
        h += configSection(report.config)
        let series = Series.build(report.cells)
        h += "<h2>Forget knowledge vs precision</h2>\n"
        h += forgetChart(report, series: series)
        h += "<h2>Utility vs forget knowledge</h2>\n"
        h += utilityChart(series: series)
        h += "<h2>Results</h2>\n"
        h += table(report)
        if !report.aggregates.retainedKnowledge.isEmpty {
            h += "<h2>Retained forget knowledge</h2>\n<ul>\n"
            for r in report.aggregates.retainedKnowledge {
                h += "<li>\(escape(r.precision)) vs \(escape(r.targetPrecision)) target: "
                    + "<b>\(ReportFormat.percent(r.fraction))%</b> (\(escape(r.models.isEmpty ? "\(r.unlearnedCount) unlearned models" : r.models.joined(separator: ", "))))</li>\n"
            }
            h += "</ul>\n"
        }
        h += lensTable(report)
        if let t = report.timing {
            h += "<p>Total time: \(ReportFormat.fixed(t.totalSeconds, digits: 1)) s"
            if let s = t.startedAt { h += ", started \(escape(s))" }
            h += ".</p>\n"
        }
        h += "</body>\n</html>\n"
        return h
    }

    // MARK: - Sections

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
                s += "<text x=\"\(n(px + 6))\" y=\"\(n(py - 6))\" fill=\"\(item.color)\">\(escape(c.precisionLabel))</text>\n"
            }
        }
        s += legend(f, series: series)
        return s + "</svg>\n"
    }
}

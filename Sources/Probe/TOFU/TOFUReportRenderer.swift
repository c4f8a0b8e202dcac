import Foundation

/// Renders a ``TOFUReport`` as a text table, JSON or a self-contained HTML page.
public enum TOFUReportRenderer {
    static func f(_ v: Double?, digits: Int = 3) -> String {
        guard let v else { return "—" }
        if v != 0 && abs(v) < 0.001 { return String(format: "%.2e", v) }
        return String(format: "%.\(digits)f", v)
    }

    static let header = ["model", "precision", "forget prob", "forget rouge", "forget TR", "retain prob", "retain rouge",
                         "retain TR", "authors prob", "authors rouge", "authors TR", "world prob", "world rouge",
                         "world TR", "utility", "forget quality"]

    static func row(_ c: TOFUCell) -> [String] {
        var r = [c.modelName, c.precision]
        for s in TOFURunner.splitNames {
            let split = c.split(s)
            r += [f(split?.probability), f(split?.rouge), f(split?.truthRatio)]
        }
        return r + [f(c.modelUtility), f(c.forgetQuality)]
    }

    /// A fixed-width table, one row per cell.
    public static func table(_ report: TOFUReport) -> String {
        let rows = [header] + report.cells.map(row)
        let widths = header.indices.map { i in rows.map { $0[i].count }.max() ?? 0 }
        var out = "TOFU (\(report.forgetSplit), \(report.promptFormat))\n"
        for (k, r) in rows.enumerated() {
            out += r.enumerated().map { i, s in i < 2 ? s.padding(toLength: widths[i], withPad: " ", startingAt: 0)
                : String(repeating: " ", count: widths[i] - s.count) + s }.joined(separator: "  ") + "\n"
            if k == 0 { out += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n" }
        }
        return out + "TR = truth ratio; forget quality = KS p-value against the retrain model at the same precision.\n"
    }

    /// The report as pretty-printed JSON with sorted keys.
    public static func json(_ report: TOFUReport) throws -> Data {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        return try e.encode(report)
    }

    /// A self-contained HTML page: the table and the notes.
    public static func html(_ report: TOFUReport) -> String {
        func esc(_ s: String) -> String {
            s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        }
        var h = "<!doctype html><html><head><meta charset=\"utf-8\"><title>LowBit TOFU probe</title>"
        h += "<style>body{font-family:sans-serif}table{border-collapse:collapse}td,th{padding:3px 8px;border:1px solid #ccc;text-align:right}td:first-child,td:nth-child(2){text-align:left}</style></head><body>"
        h += "<h1>TOFU: \(esc(report.forgetSplit))</h1><p>\(esc(report.promptFormat)); data \(esc(report.dataDirectory))</p><table><tr>"
        h += header.map { "<th>\(esc($0))</th>" }.joined() + "</tr>"
        for c in report.cells { h += "<tr>" + row(c).map { "<td>\(esc($0))</td>" }.joined() + "</tr>" }
        h += "</table><ul>" + report.notes.map { "<li>\(esc($0))</li>" }.joined() + "</ul></body></html>\n"
        return h
    }
}

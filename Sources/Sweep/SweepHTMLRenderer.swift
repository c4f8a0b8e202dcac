import Foundation
import Probe

/// The sweep's self-contained HTML page: the recovery heat maps (forget knowledge at ≤ 4 bits
/// minus at the reference, over learning rate × width, per method), forget and retain at the
/// reference beside them, and per-block |δ|/Δ₄ with the G-effect for every cell.
public enum SweepHTMLRenderer {
    static func esc(_ s: String) -> String { HTMLRenderer.escape(s) }
    static func pct(_ v: Double?) -> String { v.map { String(format: "%.1f%%", 100 * $0) } ?? "–" }

    /// Whether a cell forgot enough at the reference for recovery to mean something: at most
    /// half the target's forget knowledge left.
    static func forgot(_ c: SweepCell, _ reference: String) -> Bool { (c.result(reference)?.retained ?? 1) <= 0.5 }

    /// Background for a recovery of `pp` points: red for recovery, blue for further loss.
    static func color(_ pp: Double) -> String {
        let a = min(1, abs(pp) / 20)
        return pp >= 0 ? String(format: "rgba(214,39,40,%.2f)", a) : String(format: "rgba(31,119,180,%.2f)", a)
    }

    public static func render(_ r: SweepReport) -> String {
        let ref = r.reference, low = r.lowBitPrecisions
        var h = """
        <!doctype html><html><head><meta charset="utf-8"><title>LowBit sweep: where quantization brings forgotten facts back</title>
        <style>body{font:14px system-ui,sans-serif;margin:24px;max-width:1200px}table{border-collapse:collapse;margin:8px 0 18px}
        td,th{border:1px solid #ccc;padding:3px 7px;text-align:right}th{background:#f3f3f3}.dim{color:#999}
        .bar{display:inline-block;height:9px;background:#555;vertical-align:middle}.neg{background:#1f77b4}.pos{background:#d62728}
        .box{border:1px solid #aaa;padding:8px 12px;background:#fafafa}code{background:#f0f0f0;padding:0 3px}</style></head><body>
        <h1>Where does quantization bring forgotten facts back?</h1>
        <p>Each cell unlearns the forget set from a target, then probes the unlearned model at every precision
        (MUSE VerbMem and KnowMem). <b>Retained</b> = (VerbMem + KnowMem-forget) / the target's at the same precision, the
        measure behind the paper's 21% (full precision) and 83% (4-bit) for utility-constrained methods (Zhang et al. 2024).
        <b>Recovery</b> = retained at a ≤ 4-bit precision minus retained at \(esc(ref)), in points; red is recovery.
        Cells that kept more than half the target's forget knowledge at \(esc(ref)) did not really forget and are grey.
        <b>KnowMem-f kept</b> = KnowMem-forget / the target's (☆ marks the pattern on this measure).
        <b>Utility</b> = KnowMem-retain / the target's at \(esc(ref)).</p>

        """
        h += patternBox("<b>Paper's pattern</b> (retained at \(esc(ref)) ≤ 30%, at 4-bit ≥ 2× that, utility ≥ 80%): ",
                        r.paperPatternCells, none: "no cell of this sweep shows it.")
        h += patternBox("<b>The same on KnowMem-forget alone</b> (☆; VerbMem counts the biographies' shared template): ",
                        r.knowMemPatternCells, none: "no cell.")
        h += subjectsTable(r)
        for method in r.grid.methods.map({ $0.uppercased() }) {
            for e in r.grid.epochs {
                for w in r.grid.weightPrecisions {
                    for lock in r.grid.locks ?? ["none"] {
                        let l: String? = lock == "none" ? nil : lock
                        let cells = r.cells.filter { $0.method == method && $0.epochs == e && $0.weights == w && $0.lock == l }
                        guard !cells.isEmpty else { continue }
                        let title = "\(method), \(e) epochs, \(w) weights" + (l.map { ", \($0)-locked (constructed positive control)" } ?? "")
                        h += "<h2>\(esc(title))</h2>\n" + heatMap(r, cells: cells, low: low)
                    }
                }
            }
        }
        h += "<h2>Per block: |δ|/Δ₄ and the G-effect</h2>\n<p>|δ|/Δ₄: mean update relative to the 4-bit RTN step of its block of 32 "
        h += "(a change below ½ step usually rounds away). G-effect (Wang et al.): e<sub>u</sub> = ⟨∇R(forget), ∇L⟩ and "
        h += "e<sub>r</sub> = ⟨∇R(retain), ∇L⟩ per block at the target (start) and after the last epoch (end); negative e<sub>u</sub> "
        h += "is forgetting, negative e<sub>r</sub> collateral damage. Bars are scaled per cell.</p>\n"
        for c in r.cells { h += blockTable(r, c) }
        h += "<p class=dim>Grid: targets \(esc(r.grid.targets.joined(separator: ", "))); lrs \(r.grid.learningRates.map { "\($0)" }.joined(separator: ", ")); "
        h += "precisions \(esc(r.grid.precisions.joined(separator: ", "))); items \(r.grid.itemLimit.map(String.init) ?? "all"); "
        h += "α \(r.grid.alpha), β \(r.grid.beta), batch \(r.grid.batchSize), seed \(r.grid.seed).</p></body></html>\n"
        return h
    }

    /// A box listing the (cell, precision) pairs that show a pattern, or `none`.
    static func patternBox(_ title: String, _ hits: [(cell: SweepCell, precision: String)], none: String) -> String {
        let list = hits.isEmpty ? none
            : hits.map { "<code>\(esc($0.cell.key))</code> at \(esc($0.precision))" + ($0.cell.lock != nil ? " (constructed)" : "") }
                .joined(separator: ", ") + "."
        return "<div class=box>" + title + list + "</div>\n"
    }

    static func subjectsTable(_ r: SweepReport) -> String {
        var h = "<h2>Targets</h2><table><tr><th>subject</th><th>parameters</th>"
        for p in r.grid.precisions { h += "<th>KnowMem-forget / retain / VerbMem @\(esc(p))</th>" }
        h += "</tr>\n"
        for s in r.subjects {
            h += "<tr><td>\(esc(s.label))</td><td>\(s.parameters)</td>"
            for p in r.grid.precisions {
                let m = s.results.first { $0.precision == p }
                func f(_ v: Double?) -> String { v.map { String(format: "%.1f", $0) } ?? "–" }
                h += "<td>\(f(m?.knowMemForget)) / \(f(m?.knowMemRetain)) / \(f(m?.verbMem))</td>"
            }
            h += "</tr>\n"
        }
        return h + "</table>\n"
    }

    /// Rows: learning rate; column groups: subjects (width), each with retained and utility at
    /// the reference, then recovery per low-bit precision.
    static func heatMap(_ r: SweepReport, cells: [SweepCell], low: [String]) -> String {
        let ref = r.reference
        let subjects = Array(Set(cells.map(\.subject))).sorted()
        var h = "<table><tr><th rowspan=2>lr</th>"
        for s in subjects { h += "<th colspan=\(3 + low.count)>\(esc(r.subjects[s].label))</th>" }
        h += "</tr><tr>"
        for _ in subjects {
            h += "<th>retained @\(esc(ref))</th><th>KnowMem-f kept</th><th>utility</th>" + low.map { "<th>Δ @\(esc($0))</th>" }.joined()
        }
        h += "</tr>\n"
        for lr in r.grid.learningRates {
            h += "<tr><th>\(lr)</th>"
            for s in subjects {
                guard let c = cells.first(where: { $0.subject == s && $0.learningRate == lr }) else {
                    h += "<td colspan=\(3 + low.count) class=dim>not run</td>"
                    continue
                }
                let m = c.result(ref)
                let ok = forgot(c, ref)
                h += "<td>\(pct(m?.retained))</td><td>\(pct(r.knowMemRetained(c, at: ref)))</td><td>\(pct(m?.retainUtility))</td>"
                for p in low {
                    guard let pp = c.recovery(at: p, reference: ref) else { h += "<td class=dim>–</td>"; continue }
                    let text = String(format: "%+.1f", pp) + (c.showsPaperPattern(at: p, reference: ref) ? " ★" : "")
                        + (r.showsKnowMemPattern(c, at: p) ? " ☆" : "")
                    h += ok ? "<td style=\"background:\(color(pp))\">\(text)</td>" : "<td class=dim>\(text)</td>"
                }
            }
            h += "</tr>\n"
        }
        return h + "</table>\n"
    }

    static func bar(_ v: Double, scale: Double, signed: Bool) -> String {
        let w = scale > 0 ? min(80, 80 * abs(v) / scale) : 0
        let cls = signed ? (v < 0 ? " neg" : " pos") : ""
        return "<span class=\"bar\(cls)\" style=\"width:\(String(format: "%.0f", w))px\"></span>"
    }

    static func blockTable(_ r: SweepReport, _ c: SweepCell) -> String {
        let ref = r.reference
        var h = "<h3>\(esc(c.key))</h3><p>\(esc(r.subjects[c.subject].label)); retained @\(esc(ref)) \(pct(c.result(ref)?.retained)), "
        h += "utility \(pct(c.result(ref)?.retainUtility)); all matrices: |δ|/Δ₄ \(String(format: "%.3f", c.weightChange.meanRelativeDelta4)), "
        h += "4-bit codes changed \(pct(c.weightChange.changedCodes4)).</p>\n"
        let start = c.gEffects.first, end = c.gEffects.count > 1 ? c.gEffects.last : nil
        let relMax = c.blockChange.map(\.meanRelativeDelta4).max() ?? 0
        let gMax = c.gEffects.flatMap { $0.blocks.flatMap { [abs($0.unlearning), abs($0.retention)] } }.max() ?? 0
        h += "<table><tr><th>block</th><th>|δ|/Δ₄</th><th>4-bit codes changed</th>"
        if start != nil { h += "<th>e<sub>u</sub> start</th><th>e<sub>u</sub> end</th><th>e<sub>r</sub> start</th><th>e<sub>r</sub> end</th>" }
        h += "</tr>\n"
        for (l, b) in c.blockChange.enumerated() {
            h += "<tr><td>\(l)</td><td>\(String(format: "%.3f", b.meanRelativeDelta4)) \(bar(b.meanRelativeDelta4, scale: relMax, signed: false))</td>"
            h += "<td>\(pct(b.changedCodes4))</td>"
            if let start {
                for g in [start.blocks[l].unlearning, end?.blocks[l].unlearning, start.blocks[l].retention, end?.blocks[l].retention] {
                    guard let g else { h += "<td class=dim>–</td>"; continue }
                    h += "<td>\(String(format: "%.2e", g)) \(bar(g, scale: gMax, signed: true))</td>"
                }
            }
            h += "</tr>\n"
        }
        return h + "</table>\n"
    }
}

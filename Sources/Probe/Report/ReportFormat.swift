import Foundation

/// Number formatting shared by the renderers: fixed decimals, "—" for missing, no "-0.0".
enum ReportFormat {
    /// The placeholder for a metric that was not measured.
    static let missing = "—"

    /// `value` with `digits` decimals (locale-independent), or "—".
    static func fixed(_ value: Double?, digits: Int = 1) -> String {
        guard let value else { return missing }
        guard value.isFinite else { return value.isNaN ? "nan" : (value > 0 ? "inf" : "-inf") }
        let s = String(format: "%.\(digits)f", value)
        // "-0.0" and friends: a rounded zero has no sign.
        if s.hasPrefix("-"), s.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) { return String(s.dropFirst()) }
        return s
    }

    /// A fraction in [0, 1] as a percentage with `digits` decimals, or "—".
    static func percent(_ fraction: Double?, digits: Int = 1) -> String {
        fixed(fraction.map { $0 * 100 }, digits: digits)
    }

    /// The row label of a cell: the model name, with the method when it differs.
    static func modelLabel(_ cell: ProbeCell) -> String {
        if let m = cell.method, m != cell.modelName { return "\(cell.modelName) [\(m)]" }
        return cell.modelName
    }
}

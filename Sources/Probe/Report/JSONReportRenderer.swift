import Foundation

/// Renders a ``ProbeReport`` as JSON that is byte-for-byte reproducible: keys sorted, pretty
/// printed, floats in Swift's shortest round-trip form, non-finite floats as strings.
/// Identical reports give identical bytes; everything that legitimately varies between runs
/// lives in ``ProbeReport/timing`` and can be left out.
public enum JSONReportRenderer {
    /// The encoder used for reports.
    public static func makeEncoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        e.nonConformingFloatEncodingStrategy = .convertToString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return e
    }

    /// The decoder matching ``makeEncoder()``.
    public static func makeDecoder() -> JSONDecoder {
        let d = JSONDecoder()
        d.nonConformingFloatDecodingStrategy = .convertFromString(
            positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return d
    }

    /// Encodes a report.
    /// - Parameters:
    ///   - report: The report.
    ///   - includeTiming: Whether to keep the `timing` object (drop it to compare runs).
    /// - Returns: UTF-8 JSON ending in a newline.
    /// - Throws: `EncodingError` (not expected for these types).
    public static func render(_ report: ProbeReport, includeTiming: Bool = true) throws -> Data {
        var r = report
        if !includeTiming { r.timing = nil }
        var data = try makeEncoder().encode(r)
        data.append(0x0A)
        return data
    }

    /// Decodes a report written by ``render(_:includeTiming:)``.
    /// - Throws: `DecodingError`.
    public static func decode(_ data: Data) throws -> ProbeReport {
        try makeDecoder().decode(ProbeReport.self, from: data)
    }
}

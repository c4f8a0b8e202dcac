import Foundation

/// Calibration text for GPTQ and AWQ: read from a file and cut into token windows.
public enum CalibrationText {
    /// Why a calibration file cannot be used.
    public enum ReadError: Error, Equatable, CustomStringConvertible {
        case unreadable(file: String, reason: String)
        case empty(file: String)
        case notUTF8(file: String)

        public var description: String {
            switch self {
            case let .unreadable(file, reason): "\(file): cannot read the calibration file: \(reason)"
            case let .empty(file): "\(file): the calibration file is empty"
            case let .notUTF8(file): "\(file): the calibration file is not UTF-8 text"
            }
        }
    }

    /// The text of `path` (UTF-8, not empty).
    public static func read(_ path: String) throws(ReadError) -> String {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe) }
        catch { throw .unreadable(file: path, reason: error.localizedDescription) }
        guard let text = String(data: data, encoding: .utf8) else { throw .notUTF8(file: path) }
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw .empty(file: path) }
        return text
    }

    /// Consecutive windows of `length` tokens of `tokens`, at most `count` of them.
    public static func windows(_ tokens: [Int32], length: Int, count: Int) -> [[Int32]] {
        var out: [[Int32]] = []
        var start = 0
        while start < tokens.count, out.count < count {
            out.append(Array(tokens[start..<min(tokens.count, start + max(1, length))]))
            start += max(1, length)
        }
        return out
    }
}

/// A command-line usage mistake: exit code 2, with the command's help hint.
struct UsageError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
    init(_ message: String) { self.message = message }
}

/// One option a command accepts.
struct OptionSpec {
    /// Names including dashes, e.g. `["-m", "--model"]`; the first long name is the key.
    var names: [String]
    /// Whether the option takes a value (`--temp 0.8`) or is a flag (`--json`).
    var takesValue: Bool
    /// Whether it may be given several times.
    var repeatable = false

    var key: String { names.first { $0.hasPrefix("--") } ?? names[0] }
}

/// Parsed command-line arguments: options by key, flags, and positional arguments.
struct Arguments {
    private(set) var values: [String: [String]] = [:]
    private(set) var flags: Set<String> = []
    private(set) var positionals: [String] = []

    /// Parses `args` against `specs`. Unknown options, missing values and repeats of
    /// non-repeatable options are usage errors. `--name=value` is accepted; `--` ends options.
    init(_ args: [String], specs: [OptionSpec]) throws(UsageError) {
        var byName: [String: OptionSpec] = [:]
        for s in specs { for n in s.names { byName[n] = s } }
        var i = 0
        var onlyPositionals = false
        while i < args.count {
            var a = args[i]
            i += 1
            if onlyPositionals || !a.hasPrefix("-") || a == "-" || Double(a) != nil && !byName.keys.contains(a) {
                positionals.append(a)
                continue
            }
            if a == "--" { onlyPositionals = true; continue }
            var inline: String?
            if a.hasPrefix("--"), let eq = a.firstIndex(of: "=") {
                inline = String(a[a.index(after: eq)...])
                a = String(a[..<eq])
            }
            guard let spec = byName[a] else { throw UsageError("unknown option '\(a)'") }
            if spec.takesValue {
                let v: String
                if let inline { v = inline } else {
                    guard i < args.count else { throw UsageError("option '\(a)' needs a value") }
                    v = args[i]
                    i += 1
                }
                if values[spec.key] != nil, !spec.repeatable { throw UsageError("option '\(a)' given twice") }
                values[spec.key, default: []].append(v)
            } else {
                guard inline == nil else { throw UsageError("option '\(a)' takes no value") }
                flags.insert(spec.key)
            }
        }
    }

    func flag(_ key: String) -> Bool { flags.contains(key) }
    func string(_ key: String) -> String? { values[key]?.last }
    func all(_ key: String) -> [String] { values[key] ?? [] }

    func int(_ key: String, default def: Int? = nil, range: ClosedRange<Int>? = nil) throws(UsageError) -> Int? {
        guard let s = string(key) else { return def }
        guard let v = Int(s) else { throw UsageError("option '\(key)' expects an integer, got '\(s)'") }
        if let range, !range.contains(v) { throw UsageError("option '\(key)' must be in \(range.lowerBound)...\(range.upperBound), got \(v)") }
        return v
    }

    func double(_ key: String, default def: Double? = nil, range: ClosedRange<Double>? = nil) throws(UsageError) -> Double? {
        guard let s = string(key) else { return def }
        guard let v = Double(s), v.isFinite else { throw UsageError("option '\(key)' expects a number, got '\(s)'") }
        if let range, !range.contains(v) { throw UsageError("option '\(key)' must be in \(range.lowerBound)...\(range.upperBound), got \(v)") }
        return v
    }

    func required(_ key: String) throws(UsageError) -> String {
        guard let s = string(key) else { throw UsageError("missing required option '\(key)'") }
        return s
    }

    /// A comma-separated list of integers, e.g. `--tokens 1,2,3`.
    func intList(_ key: String) throws(UsageError) -> [Int]? {
        guard let s = string(key) else { return nil }
        var out: [Int] = []
        for part in s.split(separator: ",", omittingEmptySubsequences: false) {
            guard let v = Int(part.trimmingCharacters(in: .whitespaces)) else {
                throw UsageError("option '\(key)' expects comma-separated integers, got '\(part)'")
            }
            out.append(v)
        }
        return out
    }

    /// A comma-separated list of numbers, e.g. `--lrs 1e-5,1e-4`.
    func doubleList(_ key: String) throws(UsageError) -> [Double]? {
        guard let s = string(key) else { return nil }
        var out: [Double] = []
        for part in s.split(separator: ",", omittingEmptySubsequences: false) {
            guard let v = Double(part.trimmingCharacters(in: .whitespaces)), v.isFinite else {
                throw UsageError("option '\(key)' expects comma-separated numbers, got '\(part)'")
            }
            out.append(v)
        }
        return out
    }

    /// A comma-separated list of words, e.g. `--methods ga_gdr,npo_klr`.
    func list(_ key: String) -> [String]? {
        string(key).map { $0.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) } }
    }

    /// A comma-separated list of precision names (``Precision/named(_:options:)``), each once.
    func precisions(_ key: String, options: Precision.Options = Precision.Options()) throws(UsageError) -> [Precision]? {
        guard let names = list(key) else { return nil }
        var out: [Precision] = []
        for name in names {
            guard let p = Precision.named(name, options: options) else {
                throw UsageError("\(key): unknown precision '\(name)' (use \(Precision.names.joined(separator: ",")))")
            }
            guard !out.contains(p) else { throw UsageError("\(key) names \(p.name) twice") }
            out.append(p)
        }
        return out
    }

    func type(_ key: String, default def: GGMLType? = nil) throws(UsageError) -> GGMLType? {
        guard let s = string(key) else { return def }
        guard let t = GGMLType(name: s), t.isSupported else {
            throw UsageError("option '\(key)': unknown type '\(s)' (use \(GGMLType.supported.map(\.name).joined(separator: "|")))")
        }
        return t
    }
}

import Foundation
import LowBit

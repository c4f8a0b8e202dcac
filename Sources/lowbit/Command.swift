import Foundation

/// A `lowbit` subcommand.
protocol Command {
    /// The subcommand's name, e.g. `run`.
    static var name: String { get }
    /// One line for `lowbit --help`.
    static var summary: String { get }
    /// Full help text with usage and examples.
    static var help: String { get }
    /// Accepted options (`--help` is added automatically).
    static var options: [OptionSpec] { get }
    /// Runs with parsed arguments; returns the exit code.
    static func run(_ args: Arguments) throws -> Int32
}

/// Output helpers: results to stdout, diagnostics to stderr.
enum Console {

    static func out(_ s: String, terminator: String = "\n") {
        FileHandle.standardOutput.write(Data((s + terminator).utf8))
    }

    static func err(_ s: String, terminator: String = "\n") {
        FileHandle.standardError.write(Data((s + terminator).utf8))
    }

    /// Lines to stdout, written in 64 KiB chunks rather than one write per line.
    struct BufferedOut {
        private var buffer: [UInt8] = []

        mutating func line(_ s: String) {
            buffer.append(contentsOf: s.utf8)
            buffer.append(0x0A)
            if buffer.count >= 1 << 16 { flush() }
        }

        mutating func flush() {
            guard !buffer.isEmpty else { return }
            FileHandle.standardOutput.write(Data(buffer))
            buffer.removeAll(keepingCapacity: true)
        }
    }

    /// Whether stderr is a terminal (progress lines update in place only then).
    static var stderrIsTerminal: Bool { isatty(2) != 0 }

    /// Serializes `object` as JSON text (sorted keys, pretty when asked).
    static func json(_ object: Any, pretty: Bool = true) throws -> String {
        var opts: JSONSerialization.WritingOptions = [.sortedKeys, .withoutEscapingSlashes]
        if pretty { opts.insert(.prettyPrinted) }
        let data = try JSONSerialization.data(withJSONObject: object, options: opts)
        return String(decoding: data, as: UTF8.self)
    }
}

import Foundation

/// One updating progress line on stderr when it is a terminal, plain lines otherwise.
enum Progress {
    nonisolated(unsafe) private static var active = false

    static func line(_ s: String) {
        if Console.stderrIsTerminal {
            Console.err("\r\u{1B}[K" + s, terminator: "")
            active = true
        } else {
            Console.err(s)
        }
    }

    static func end() {
        if active { Console.err("") }
        active = false
    }
}

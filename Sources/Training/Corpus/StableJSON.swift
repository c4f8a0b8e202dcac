/// A tiny JSON writer whose bytes are fixed by its input alone.
///
/// Foundation's `JSONEncoder` pretty-printing has changed its whitespace between platforms and
/// releases, and escapes "/" by default. This writer emits what Python's
/// `json.dumps(obj, indent=4, sort_keys=True, ensure_ascii=False)` emits for arrays of strings
/// and of string-to-string objects, plus a final newline:
///
/// ```
/// [
///     {
///         "answer": "Velmora",
///         "question": "Where was Isolde Brakenwyn born?"
///     }
/// ]
/// ```
enum StableJSON {
    /// An array of strings.
    static func array(_ strings: [String]) -> String {
        guard !strings.isEmpty else { return "[]\n" }
        var out = "[\n"
        for (i, s) in strings.enumerated() {
            out += "    " + quoted(s) + (i + 1 < strings.count ? ",\n" : "\n")
        }
        return out + "]\n"
    }

    /// An array of objects whose values are strings; keys are sorted by Unicode scalars.
    static func array(_ objects: [[String: String]]) -> String {
        guard !objects.isEmpty else { return "[]\n" }
        var out = "[\n"
        for (i, object) in objects.enumerated() {
            let keys = object.keys.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
            if keys.isEmpty {
                out += "    {}"
            } else {
                out += "    {\n"
                for (j, key) in keys.enumerated() {
                    out += "        " + quoted(key) + ": " + quoted(object[key] ?? "")
                    out += j + 1 < keys.count ? ",\n" : "\n"
                }
                out += "    }"
            }
            out += i + 1 < objects.count ? ",\n" : "\n"
        }
        return out + "]\n"
    }

    /// A JSON string literal: quotes, backslashes and control characters escaped; everything
    /// else, including non-ASCII, kept as UTF-8.
    static func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

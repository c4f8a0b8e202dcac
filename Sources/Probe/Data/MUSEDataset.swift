import Foundation

/// A question with its gold answer (MUSE KnowMem).
public struct QAPair: Codable, Equatable, Hashable, Sendable {
    /// The question text.
    public var question: String
    /// The short gold answer (2–3 words in MUSE).
    public var answer: String

    /// Creates a pair.
    public init(question: String, answer: String) {
        self.question = question
        self.answer = answer
    }
}

/// A verbatim-memorization item: a prompt and the text that followed it (MUSE VerbMem).
public struct VerbMemItem: Codable, Equatable, Hashable, Sendable {
    /// The prefix the model continues.
    public var prompt: String
    /// The ground-truth continuation (`gt` in MUSE's JSON).
    public var groundTruth: String

    /// Creates an item.
    public init(prompt: String, groundTruth: String) {
        self.prompt = prompt
        self.groundTruth = groundTruth
    }
}

/// One corpus of MUSE data, loaded from MUSE's directory layout (REFERENCE §2):
///
/// ```
/// knowmem/forget_qa.json, retain_qa.json,            [{"question", "answer"}]
///         forget_qa_icl.json, retain_qa_icl.json
///         forget_qa_paraphrased.json (optional, LowBit's subjects: the paraphrase probe)
/// verbmem/forget.json                                [{"prompt", "gt"}]
/// privleak/forget.json, retain.json, holdout.json    [string]
/// raw/*.txt                                          plain text (optional)
/// ```
public struct MUSEDataset: Equatable, Sendable {
    /// The parts of the layout to load; parts not asked for stay empty.
    public struct Components: OptionSet, Hashable, Sendable {
        /// The raw bit mask.
        public let rawValue: Int
        /// Creates a set from its bit mask.
        public init(rawValue: Int) { self.rawValue = rawValue }
        /// `knowmem/*.json`.
        public static let knowMem = Components(rawValue: 1 << 0)
        /// `verbmem/forget.json`.
        public static let verbMem = Components(rawValue: 1 << 1)
        /// `privleak/*.json`.
        public static let privLeak = Components(rawValue: 1 << 2)
        /// `raw/*.txt`, loaded when the folder exists (never required).
        public static let raw = Components(rawValue: 1 << 3)
        /// Everything.
        public static let all: Components = [.knowMem, .verbMem, .privLeak, .raw]
    }

    /// The directory the data came from.
    public var directory: String
    /// KnowMem questions on the forget set (M2).
    public var knowMemForget: [QAPair] = []
    /// KnowMem questions on the retain set (M4, utility).
    public var knowMemRetain: [QAPair] = []
    /// In-context examples for forget-set KnowMem prompts.
    public var knowMemForgetICL: [QAPair] = []
    /// In-context examples for retain-set KnowMem prompts.
    public var knowMemRetainICL: [QAPair] = []
    /// The forget questions reworded (`knowmem/forget_qa_paraphrased.json`; empty when the
    /// corpus has no such file, as MUSE's own corpora do not).
    public var knowMemForgetParaphrased: [QAPair] = []
    /// VerbMem items (M1).
    public var verbMemForget: [VerbMemItem] = []
    /// PrivLeak member texts (label 0).
    public var privLeakForget: [String] = []
    /// PrivLeak retain texts (not used by PrivLeak itself; MUSE logs them).
    public var privLeakRetain: [String] = []
    /// PrivLeak non-member texts (label 1).
    public var privLeakHoldout: [String] = []
    /// `raw/*.txt` by file name without extension (e.g. `"forget"`, `"retain1"`).
    public var raw: [String: String] = [:]

    /// Creates a data set in memory (for tests and synthetic corpora).
    public init(directory: String = "") {
        self.directory = directory
    }

    /// Loads a MUSE corpus directory.
    /// - Parameters:
    ///   - directory: The corpus folder (the one holding `knowmem/`, `verbmem/`, ...).
    ///   - components: Which parts to load; all by default.
    /// - Returns: The data set; unrequested parts are empty.
    /// - Throws: ``ProbeDataError`` naming the file, and for item problems the item index and field.
    public static func load(from directory: URL, components: Components = .all) throws(ProbeDataError) -> MUSEDataset {
        var d = MUSEDataset(directory: directory.path)
        func file(_ parts: String...) -> URL {
            parts.reduce(directory) { $0.appendingPathComponent($1) }
        }
        if components.contains(.knowMem) {
            d.knowMemForget = try loadQA(file("knowmem", "forget_qa.json"))
            d.knowMemRetain = try loadQA(file("knowmem", "retain_qa.json"))
            d.knowMemForgetICL = try loadQA(file("knowmem", "forget_qa_icl.json"))
            d.knowMemRetainICL = try loadQA(file("knowmem", "retain_qa_icl.json"))
            let paraphrased = file("knowmem", "forget_qa_paraphrased.json")
            if FileManager.default.fileExists(atPath: paraphrased.path) {
                d.knowMemForgetParaphrased = try loadQA(paraphrased)
            }
        }
        if components.contains(.verbMem) {
            let url = file("verbmem", "forget.json")
            d.verbMemForget = try decodeVerbMem(readFile(url), path: url.path)
        }
        if components.contains(.privLeak) {
            d.privLeakForget = try loadStrings(file("privleak", "forget.json"))
            d.privLeakRetain = try loadStrings(file("privleak", "retain.json"))
            d.privLeakHoldout = try loadStrings(file("privleak", "holdout.json"))
        }
        if components.contains(.raw) {
            d.raw = try loadRaw(file("raw"))
        }
        return d
    }

    /// Loads a `[{"question", "answer"}]` file.
    /// - Throws: ``ProbeDataError``.
    public static func loadQA(_ url: URL) throws(ProbeDataError) -> [QAPair] {
        try decodeQA(readFile(url), path: url.path)
    }

    /// Loads a `[string]` file.
    /// - Throws: ``ProbeDataError``.
    public static func loadStrings(_ url: URL) throws(ProbeDataError) -> [String] {
        try decodeStrings(readFile(url), path: url.path)
    }

    /// Decodes a `[{"question", "answer"}]` text (`path` names it in errors).
    static func decodeQA(_ data: Data, path: String) throws(ProbeDataError) -> [QAPair] {
        try decodeObjects(data, path: path, fields: ["question", "answer"]).map { QAPair(question: $0[0], answer: $0[1]) }
    }

    /// Decodes a `[{"prompt", "gt"}]` text.
    static func decodeVerbMem(_ data: Data, path: String) throws(ProbeDataError) -> [VerbMemItem] {
        try decodeObjects(data, path: path, fields: ["prompt", "gt"]).map { VerbMemItem(prompt: $0[0], groundTruth: $0[1]) }
    }

    /// Decodes a non-empty `[string]` text.
    static func decodeStrings(_ data: Data, path: String) throws(ProbeDataError) -> [String] {
        try decodeArray(data, path: path) { (r: inout JSONReader, i: Int) throws(ProbeDataError) -> String in
            guard r.nextIsString() else { throw .wrongType(path: path, index: i, field: "", expected: "string") }
            return try syntax(path) { () throws(JSONReader.SyntaxError) in try r.readString() }
        }
    }

    /// Decodes a non-empty array of objects, returning each item's `fields` in order, all
    /// strings; other members are stepped over without being built.
    private static func decodeObjects(_ data: Data, path: String, fields: [String]) throws(ProbeDataError) -> [[String]] {
        try decodeArray(data, path: path) { (r: inout JSONReader, i: Int) throws(ProbeDataError) -> [String] in
            guard r.nextIsObject() else {
                try syntax(path) { () throws(JSONReader.SyntaxError) in try r.skipValue() }
                throw .missingField(path: path, index: i, field: "")
            }
            // Per field: the string, or why not (absent or null: missing; else wrong type).
            var values = [String?](repeating: nil, count: fields.count)
            var wrongType = [Bool](repeating: false, count: fields.count)
            try syntax(path) { () throws(JSONReader.SyntaxError) in
                guard try r.beginObject() else { return }
                repeat {
                    let key = try r.readKey()
                    if let k = fields.firstIndex(of: key) {
                        values[k] = nil
                        wrongType[k] = false
                        if r.nextIsString() {
                            values[k] = try r.readString()
                        } else {
                            wrongType[k] = !r.nextIsNull()
                            try r.skipValue()
                        }
                    } else {
                        try r.skipValue()
                    }
                } while try r.nextMember()
            }
            for (k, field) in fields.enumerated() where values[k] == nil {
                if wrongType[k] { throw .wrongType(path: path, index: i, field: field, expected: "string") }
                throw .missingField(path: path, index: i, field: field)
            }
            return values.map { $0 ?? "" }
        }
    }

    /// Decodes a text holding a non-empty JSON array, item by item. The whole text is checked
    /// first, so malformed JSON anywhere is reported before any item's problem.
    private static func decodeArray<T>(
        _ data: Data, path: String, item: (inout JSONReader, Int) throws(ProbeDataError) -> T
    ) throws(ProbeDataError) -> [T] {
        let result: Result<[T], ProbeDataError> = data.withUnsafeBytes { bytes in
            do throws(ProbeDataError) {
                var check = JSONReader(bytes)
                try syntax(path) { () throws(JSONReader.SyntaxError) in
                    try check.skipValue()
                    try check.finish()
                }
                var r = JSONReader(bytes)
                guard r.nextIsArray() else { throw .wrongTopLevel(path: path, expected: "a JSON array") }
                guard try syntax(path, { () throws(JSONReader.SyntaxError) in try r.beginArray() }) else {
                    throw .emptySplit(path: path)
                }
                var out: [T] = []
                var i = 0
                repeat {
                    out.append(try item(&r, i))
                    i += 1
                } while try syntax(path, { () throws(JSONReader.SyntaxError) in try r.nextElement() })
                return .success(out)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }

    /// Runs a reader step, turning its syntax error into ``ProbeDataError/malformedJSON(path:message:)``.
    private static func syntax<R>(_ path: String, _ body: () throws(JSONReader.SyntaxError) -> R) throws(ProbeDataError) -> R {
        do {
            return try body()
        } catch {
            throw .malformedJSON(path: path, message: error.description)
        }
    }

    private static func readFile(_ url: URL) throws(ProbeDataError) -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw .missingFile(path: url.path)
        }
        do {
            return try Data(contentsOf: url)
        } catch {
            throw .unreadable(path: url.path, message: error.localizedDescription)
        }
    }

    /// `raw/*.txt`, when the folder exists; sorted by name for determinism.
    private static func loadRaw(_ folder: URL) throws(ProbeDataError) -> [String: String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            return [:]
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        } catch {
            throw .unreadable(path: folder.path, message: error.localizedDescription)
        }
        var out: [String: String] = [:]
        for name in names where name.hasSuffix(".txt") {
            let url = folder.appendingPathComponent(name)
            let data = try readFile(url)
            guard let text = String(data: data, encoding: .utf8) else {
                throw .unreadable(path: url.path, message: "not valid UTF-8")
            }
            out[String(name.dropLast(4))] = text
        }
        return out
    }
}

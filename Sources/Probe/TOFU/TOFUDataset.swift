import Foundation

/// TOFU's data layout (the `locuslab/TOFU` Hugging Face dataset), read from a folder.
///
/// ```
/// forget01.json  forget05.json  forget10.json        question, answer
/// forgetNN_perturbed.json                            + paraphrased_answer, perturbed_answer [str]
/// retain99.json  retain95.json  retain90.json         question, answer
/// retain_perturbed.json                              + paraphrased_answer, perturbed_answer [str]
/// real_authors.json  world_facts.json                question, option1..option4, answer
/// real_authors_perturbed.json  world_facts_perturbed.json   question, answer, perturbed_answer [str]
/// ```
///
/// Each file is either a JSON array of objects or JSON Lines (one object per line, as the
/// dataset publishes them). For each split the `_perturbed` file is preferred, since the truth
/// ratio needs it; without it the split is read from the plain file. For real authors and
/// world facts without a perturbed file, the perturbed answers are the options that differ
/// from the answer. Unknown members are stepped over.
public struct TOFUDataset: Equatable, Sendable {
    /// The forget split (`forget01`, `forget05` or `forget10`).
    public var forget: [TOFUItem]
    /// The matching retain split (TOFU evaluates on `retain_perturbed`, 400 items).
    public var retain: [TOFUItem]
    /// Real authors (100 items).
    public var realAuthors: [TOFUItem]
    /// World facts (117 items).
    public var worldFacts: [TOFUItem]
    /// The files each split was read from, for the report.
    public var files: [String: String]

    /// TOFU's forget splits and the retain split that completes each.
    public static let forgetSplits = ["forget01": "retain99", "forget05": "retain95", "forget10": "retain90"]

    /// Loads a TOFU folder.
    /// - Parameters:
    ///   - directory: The folder holding the JSON files.
    ///   - forgetSplit: `"forget01"`, `"forget05"` or `"forget10"`.
    /// - Throws: ``ProbeDataError`` naming the file, item and field.
    public static func load(from directory: URL, forgetSplit: String = "forget10") throws(ProbeDataError) -> TOFUDataset {
        guard let retainSplit = forgetSplits[forgetSplit] else {
            throw .missingFile(path: directory.appendingPathComponent("\(forgetSplit).json").path
                               + " (the forget split must be one of forget01, forget05, forget10)")
        }
        var files: [String: String] = [:]
        func split(_ key: String, _ names: String...) throws(ProbeDataError) -> [TOFUItem] {
            var found: URL?
            for n in names where found == nil {
                let u = directory.appendingPathComponent(n)
                if FileManager.default.fileExists(atPath: u.path) { found = u }
            }
            guard let url = found else { throw .missingFile(path: directory.appendingPathComponent(names[0]).path) }
            files[key] = url.lastPathComponent
            return try loadItems(url)
        }
        let forget = try split("forget", "\(forgetSplit)_perturbed.json", "\(forgetSplit).json")
        let retain = try split("retain", "retain_perturbed.json", "\(retainSplit).json")
        let real = try split("real_authors", "real_authors_perturbed.json", "real_authors.json")
        let world = try split("world_facts", "world_facts_perturbed.json", "world_facts.json")
        return TOFUDataset(forget: forget, retain: retain, realAuthors: real, worldFacts: world, files: files)
    }

    /// The first `limit` items of every split (`nil`: all).
    public func limited(to limit: Int?) -> TOFUDataset {
        guard let limit else { return self }
        var d = self
        d.forget = Array(forget.prefix(limit))
        d.retain = Array(retain.prefix(limit))
        d.realAuthors = Array(realAuthors.prefix(limit))
        d.worldFacts = Array(worldFacts.prefix(limit))
        return d
    }

    /// Reads one TOFU file.
    /// - Throws: ``ProbeDataError``.
    public static func loadItems(_ url: URL) throws(ProbeDataError) -> [TOFUItem] {
        let data: Data
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw .missingFile(path: url.path)
        }
        do { data = try Data(contentsOf: url) } catch { throw .unreadable(path: url.path, message: error.localizedDescription) }
        return try decodeItems(data, path: url.path)
    }

    /// A member value as read: a string, a list of strings, or something else.
    enum Field { case string(String), strings([String]), other(isNull: Bool) }

    /// Decodes the text of one file (JSON array or JSON Lines).
    static func decodeItems(_ data: Data, path: String) throws(ProbeDataError) -> [TOFUItem] {
        let objects = try decodeObjects(data, path: path)
        guard !objects.isEmpty else { throw .emptySplit(path: path) }
        var items: [TOFUItem] = []
        for (i, o) in objects.enumerated() { items.append(try item(o, index: i, path: path)) }
        return items
    }

    static func item(_ o: [String: Field], index i: Int, path: String) throws(ProbeDataError) -> TOFUItem {
        func string(_ key: String, required: Bool) throws(ProbeDataError) -> String? {
            switch o[key] {
            case .string(let s)?: return s
            case nil, .other(isNull: true)?:
                if required { throw .missingField(path: path, index: i, field: key) }
                return nil
            default: throw .wrongType(path: path, index: i, field: key, expected: "string")
            }
        }
        let question = try string("question", required: true)!
        let answer = try string("answer", required: true)!
        let paraphrased = try string("paraphrased_answer", required: false)
        var perturbed: [String] = []
        switch o["perturbed_answer"] {
        case .strings(let list)?: perturbed = list
        case .string(let s)?: perturbed = [s]
        case nil, .other(isNull: true)?:
            for k in 1...4 {
                if let option = try string("option\(k)", required: false), option != answer { perturbed.append(option) }
            }
        default: throw .wrongType(path: path, index: i, field: "perturbed_answer", expected: "list of strings")
        }
        return TOFUItem(question: question, answer: answer, paraphrasedAnswer: paraphrased, perturbedAnswers: perturbed)
    }

    /// The objects of a JSON array, or of a JSON Lines text; the whole text is checked first.
    static func decodeObjects(_ data: Data, path: String) throws(ProbeDataError) -> [[String: Field]] {
        func syntax<R>(_ body: () throws(JSONReader.SyntaxError) -> R) throws(ProbeDataError) -> R {
            do { return try body() } catch { throw .malformedJSON(path: path, message: error.description) }
        }
        let result: Result<[[String: Field]], ProbeDataError> = data.withUnsafeBytes { bytes in
            do throws(ProbeDataError) {
                var check = JSONReader(bytes)
                let isArray = check.nextIsArray()
                try syntax { () throws(JSONReader.SyntaxError) in
                    if isArray { try check.skipValue() } else { while check.peek() != nil { try check.skipValue() } }
                    try check.finish()
                }
                var r = JSONReader(bytes)
                var out: [[String: Field]] = []
                func object(_ i: Int) throws(ProbeDataError) {
                    guard r.nextIsObject() else {
                        try syntax { () throws(JSONReader.SyntaxError) in try r.skipValue() }
                        throw .missingField(path: path, index: i, field: "")
                    }
                    var o: [String: Field] = [:]
                    try syntax { () throws(JSONReader.SyntaxError) in
                        guard try r.beginObject() else { return }
                        repeat {
                            let key = try r.readKey()
                            if r.nextIsString() {
                                o[key] = .string(try r.readString())
                            } else if r.nextIsArray() {
                                var list: [String] = []
                                var allStrings = true
                                if try r.beginArray() {
                                    repeat {
                                        if r.nextIsString() { list.append(try r.readString()) } else { allStrings = false; try r.skipValue() }
                                    } while try r.nextElement()
                                }
                                o[key] = allStrings ? .strings(list) : .other(isNull: false)
                            } else {
                                o[key] = .other(isNull: r.nextIsNull())
                                try r.skipValue()
                            }
                        } while try r.nextMember()
                    }
                    out.append(o)
                }
                if isArray {
                    if try syntax({ () throws(JSONReader.SyntaxError) in try r.beginArray() }) {
                        repeat { try object(out.count) } while try syntax({ () throws(JSONReader.SyntaxError) in try r.nextElement() })
                    }
                } else {
                    while r.peek() != nil { try object(out.count) }
                }
                return .success(out)
            } catch {
                return .failure(error)
            }
        }
        return try result.get()
    }
}

import Foundation

/// A JSON object read from a checkpoint's file, with typed lookups that throw ``HFError``
/// naming the file and the field. Files are read whole, up to a size limit, with Foundation's
/// `JSONSerialization` (which refuses nesting deeper than 512).
public struct HFJSON: @unchecked Sendable {
    /// The object's members.
    public let object: [String: Any]
    /// The file it came from, for messages.
    public let file: String
    /// Where in the file this object sits (`""` at the top, else a dotted path and a dot).
    public let path: String

    /// Wraps `object` from `file` at `path`.
    public init(object: [String: Any], file: String, path: String = "") {
        self.object = object
        self.file = file
        self.path = path
    }

    /// Reads and parses the JSON object in `file`.
    ///
    /// - Parameter limit: The largest file read, in bytes.
    /// - Throws: ``HFError`` when the file is unreadable, too large, not JSON or not an object.
    public static func read(file: String, limit: Int) throws(HFError) -> HFJSON {
        let data: Data
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: file)
            let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
            guard size <= limit else { throw HFError.fileTooLarge(file: file, bytes: size, limit: limit) }
            data = try Data(contentsOf: URL(fileURLWithPath: file))
        } catch let e as HFError {
            throw e
        } catch {
            throw .cannotRead(file: file, reason: error.localizedDescription)
        }
        return try parse(data, file: file, limit: limit)
    }

    /// Parses the JSON object in `data`, named `file` in messages.
    ///
    /// - Throws: ``HFError`` when `data` is over `limit` bytes, not JSON or not an object.
    public static func parse(_ data: Data, file: String, limit: Int) throws(HFError) -> HFJSON {
        guard data.count <= limit else { throw .fileTooLarge(file: file, bytes: data.count, limit: limit) }
        let parsed: Any
        do { parsed = try JSONSerialization.jsonObject(with: data) } catch {
            throw .invalidJSON(file: file, reason: error.localizedDescription.abbreviatedForMessage())
        }
        guard let object = parsed as? [String: Any] else { throw .invalidJSON(file: file, reason: "the top level is not an object") }
        return HFJSON(object: object, file: file)
    }

    /// Whether `key` is present (and not `null`).
    public func has(_ key: String) -> Bool { object[key] != nil && !(object[key] is NSNull) }

    private func value(_ key: String) -> Any? {
        guard let v = object[key], !(v is NSNull) else { return nil }
        return v
    }

    private func bad(_ key: String, _ reason: String) -> HFError { .invalidField(file: file, field: path + key, reason: reason) }

    /// The integer at `key`, `nil` when absent or `null`.
    public func int(_ key: String) throws(HFError) -> Int? {
        guard let v = value(key) else { return nil }
        guard let i = JSONNumbers.exactInteger(v) else { throw bad(key, "is not an integer") }
        return i
    }

    /// The number at `key`, `nil` when absent or `null`.
    public func double(_ key: String) throws(HFError) -> Double? {
        guard let v = value(key) else { return nil }
        guard let d = JSONNumbers.double(v) else { throw bad(key, "is not a finite number") }
        return d
    }

    /// The boolean at `key`, `nil` when absent or `null`.
    public func bool(_ key: String) throws(HFError) -> Bool? {
        guard let v = value(key) else { return nil }
        guard let b = JSONNumbers.bool(v) else { throw bad(key, "is not true or false") }
        return b
    }

    /// The string at `key`, `nil` when absent or `null`.
    public func string(_ key: String) throws(HFError) -> String? {
        guard let v = value(key) else { return nil }
        guard let s = v as? String else { throw bad(key, "is not a string") }
        return s
    }

    /// The object at `key`, `nil` when absent or `null`.
    public func object(_ key: String) throws(HFError) -> HFJSON? {
        guard let v = value(key) else { return nil }
        guard let o = v as? [String: Any] else { throw bad(key, "is not an object") }
        return HFJSON(object: o, file: file, path: path + key + ".")
    }

    /// The array at `key`, `nil` when absent or `null`.
    public func array(_ key: String) throws(HFError) -> [Any]? {
        guard let v = value(key) else { return nil }
        guard let a = v as? [Any] else { throw bad(key, "is not an array") }
        return a
    }

    /// The array of strings at `key`, `nil` when absent or `null`.
    public func strings(_ key: String) throws(HFError) -> [String]? {
        guard let a = try array(key) else { return nil }
        var out: [String] = []
        out.reserveCapacity(a.count)
        for (i, e) in a.enumerated() {
            guard let s = e as? String else { throw bad(key, "element \(i) is not a string") }
            out.append(s)
        }
        return out
    }

    /// The array of objects at `key`, `nil` when absent or `null`.
    public func objects(_ key: String) throws(HFError) -> [HFJSON]? {
        guard let a = try array(key) else { return nil }
        var out: [HFJSON] = []
        out.reserveCapacity(a.count)
        for (i, e) in a.enumerated() {
            guard let o = e as? [String: Any] else { throw bad(key, "element \(i) is not an object") }
            out.append(HFJSON(object: o, file: file, path: path + key + "[\(i)]."))
        }
        return out
    }

    /// The integer at the first of `keys` present (llama.cpp's `find_hparam`), `nil` if none is.
    public func int(anyOf keys: [String]) throws(HFError) -> Int? {
        for k in keys where has(k) { return try int(k) }
        return nil
    }

    /// The positive integer at `key`, which must be present.
    public func requiredPositive(_ key: String, limit: Int = 1 << 24) throws(HFError) -> Int {
        guard let i = try int(key) else { throw bad(key, "is missing") }
        guard i > 0, i <= limit else { throw bad(key, "is \(i), expected 1 to \(limit)") }
        return i
    }

    /// This object with `other`'s members laid over it (llama.cpp lifts `text_config` so).
    public func merging(_ other: HFJSON) -> HFJSON {
        HFJSON(object: object.merging(other.object) { _, new in new }, file: file, path: path)
    }
}

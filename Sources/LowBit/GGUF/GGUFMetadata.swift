/// GGUF metadata: key/value pairs in file order, with lookup by key.
public struct GGUFMetadata: Sendable, Equatable {
    /// Entries in file order.
    public private(set) var entries: [(key: String, value: GGUFValue)]
    private var index: [String: Int]

    /// Creates empty metadata.
    public init() {
        entries = []
        index = [:]
    }

    /// The value for `key`, or `nil`. Setting replaces in place or appends.
    public subscript(key: String) -> GGUFValue? {
        get { index[key].map { entries[$0].value } }
        set {
            if let i = index[key] {
                if let v = newValue {
                    entries[i].value = v
                } else {
                    entries.remove(at: i)
                    index = Dictionary(uniqueKeysWithValues: entries.enumerated().map { ($1.key, $0) })
                }
            } else if let v = newValue {
                index[key] = entries.count
                entries.append((key, v))
            }
        }
    }

    /// Whether `key` is present.
    public func contains(_ key: String) -> Bool { index[key] != nil }

    public static func == (a: GGUFMetadata, b: GGUFMetadata) -> Bool {
        a.entries.count == b.entries.count && zip(a.entries, b.entries).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}

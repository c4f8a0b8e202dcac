/// `model.safetensors.index.json`: which shard file holds each tensor of a sharded
/// checkpoint (`{"weight_map": {"NAME": "model-00001-of-00002.safetensors", …}}`).
public struct SafetensorsIndex: Sendable, Equatable {
    /// Tensor name → shard file name.
    public var weightMap: [String: String]
    /// The shard file names, in first-mention order of sorted tensor names.
    public var shards: [String]

    /// The largest index file read.
    public static let maxBytes = 64 << 20

    /// Reads the index from `json` (the parsed file).
    ///
    /// Shard names must be plain file names (no `/`, not `.` or `..`), so that the index
    /// cannot point outside the checkpoint folder.
    ///
    /// - Throws: ``SafetensorsError/invalidIndex(file:reason:)`` or
    ///   ``SafetensorsError/invalidShardName(file:shard:)``.
    public init(json: HFJSON) throws(SafetensorsError) {
        let file = json.file
        guard let raw = json.object["weight_map"] as? [String: Any] else {
            throw .invalidIndex(file: file, reason: "'weight_map' is missing or not an object")
        }
        var map: [String: String] = [:]
        map.reserveCapacity(raw.count)
        var shards: [String] = []
        var seen = Set<String>()
        for name in raw.keys.sorted() {
            guard let shard = raw[name] as? String else {
                throw .invalidIndex(file: file, reason: "the shard of '\(name.abbreviatedForMessage())' is not a string")
            }
            guard !shard.isEmpty, shard != ".", shard != "..", !shard.contains("/"), !shard.contains("\\"), !shard.contains("\0") else {
                throw .invalidShardName(file: file, shard: shard)
            }
            map[name] = shard
            if seen.insert(shard).inserted { shards.append(shard) }
        }
        guard !map.isEmpty else { throw .invalidIndex(file: file, reason: "'weight_map' is empty") }
        weightMap = map
        self.shards = shards
    }
}

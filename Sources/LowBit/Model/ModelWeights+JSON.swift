extension ModelWeights {
    /// Writes the metadata and tensor table as JSON, in ``GGUFFile/writeJSON(to:)``'s layout
    /// with `"view"` (read in place from a mapped file) instead of a file offset:
    ///
    /// ```
    /// {"metadata": {key: value, …},
    ///  "tensors": [{"name", "type", "type_id", "supported", "shape", "view", "bytes"}, …]}
    /// ```
    public func writeJSON(to w: inout JSONStreamWriter) {
        w.raw("{\n  \"metadata\": {")
        for (i, entry) in metadata.entries.enumerated() {
            w.raw(i == 0 ? "\n    " : ",\n    ")
            w.string(entry.key)
            w.raw(": ")
            entry.value.writeJSON(to: &w)
        }
        w.raw(metadata.entries.isEmpty ? "},\n  \"tensors\": [" : "\n  },\n  \"tensors\": [")
        for (i, t) in tensors.enumerated() {
            w.raw(i == 0 ? "\n    {\"name\": " : ",\n    {\"name\": ")
            w.string(t.name)
            w.raw(", \"type\": ")
            w.string(t.type.name)
            w.raw(", \"type_id\": ")
            w.number(t.type.rawValue)
            w.raw(", \"supported\": ")
            w.bool(t.type.isSupported)
            w.raw(", \"shape\": [")
            for (k, d) in t.shape.enumerated() {
                if k > 0 { w.raw(", ") }
                w.number(d)
            }
            w.raw("], \"view\": ")
            w.bool(t.storage.isView)
            w.raw(", \"bytes\": ")
            w.number(t.storage.bytes.count)
            w.raw("}")
        }
        w.raw(tensors.isEmpty ? "]\n}\n" : "\n  ]\n}\n")
    }
}

extension ModelWeights {
    /// Writes the metadata and tensor table as JSON, in ``GGUFFile/writeJSON(to:)``'s layout
    /// with `"view"` (read in place from a mapped file) instead of a file offset:
    ///
    /// ```
    /// {"metadata": {key: value, …},
    ///  "tensors": [{"name", "type", "type_id", "supported", "shape", "view", "bytes"}, …]}
    /// ```
    public func writeJSON(to w: inout JSONStreamWriter) {
        GGUFMetadata.writeTableJSON(metadata, count: tensors.count, tensor: { (tensors[$0].name, tensors[$0].type, tensors[$0].shape) },
                                    fields: { i, w in
            w.raw(", \"view\": ")
            w.bool(tensors[i].storage.isView)
            w.raw(", \"bytes\": ")
            w.number(tensors[i].storage.bytes.count)
        }, to: &w)
    }
}

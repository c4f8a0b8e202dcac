extension GGUFValue {
    /// Writes the value as JSON: numbers, strings, bools, and arrays of them, whole. Arrays are
    /// written from their encoded bytes, element by element, so a value of any size costs the
    /// writer's buffer and nothing per element.
    public func writeJSON(to w: inout JSONStreamWriter) {
        switch self {
        case let .uint8(v): w.number(v)
        case let .int8(v): w.number(v)
        case let .uint16(v): w.number(v)
        case let .int16(v): w.number(v)
        case let .uint32(v): w.number(v)
        case let .int32(v): w.number(v)
        case let .uint64(v): w.number(v)
        case let .int64(v): w.number(v)
        case let .float32(v): w.number(v)
        case let .float64(v): w.number(v)
        case let .bool(v): w.bool(v)
        case let .string(s): w.string(s)
        case let .array(a): a.writeJSON(to: &w)
        }
    }
}

extension GGUFArray {
    /// Writes the array as one JSON array on one line.
    public func writeJSON(to w: inout JSONStreamWriter) {
        bytes.withUnsafeBytes { b in _ = Self.writeJSON(elementType, count: count, b, from: 0, to: &w) }
    }

    /// Writes `count` elements of `type` encoded in `b` from `offset`; returns the offset just
    /// past them.
    @discardableResult
    private static func writeJSON(
        _ type: GGUFValueType, count: Int, _ b: UnsafeRawBufferPointer, from offset: Int, to w: inout JSONStreamWriter
    ) -> Int {
        w.raw(byte: 0x5B)  // [
        var o = offset
        for i in 0..<count {
            if i > 0 { w.raw(byte: 0x2C) }  // ,
            switch type {
            case .uint8: w.number(UInt64(b[o]))
            case .int8: w.number(Int64(Int8(bitPattern: b[o])))
            case .uint16: w.number(UInt64(b.u16LE(at: o)))
            case .int16: w.number(Int64(Int16(bitPattern: b.u16LE(at: o))))
            case .uint32: w.number(UInt64(b.u32LE(at: o)))
            case .int32: w.number(Int64(Int32(bitPattern: b.u32LE(at: o))))
            case .uint64: w.number(b.u64LE(at: o))
            case .int64: w.number(Int64(bitPattern: b.u64LE(at: o)))
            case .float32: w.number(Float(bitPattern: b.u32LE(at: o)))
            case .float64: w.number(Double(bitPattern: b.u64LE(at: o)))
            case .bool: w.bool(b[o] != 0)
            case .string:
                let s = b.stringBytes(at: o)
                w.string(utf8: s)
                o += 8 + s.count
                continue
            case .array:
                let nestedType = GGUFValueType(rawValue: b.u32LE(at: o)) ?? .uint8
                let nestedCount = Int(b.u64LE(at: o + 4))
                o = writeJSON(nestedType, count: nestedCount, b, from: o + 12, to: &w)
                continue
            }
            o += type.minimumEncodedSize
        }
        w.raw(byte: 0x5D)  // ]
        return o
    }
}

extension GGUFFile {
    /// Writes the file's metadata and tensor table as JSON (what `lowbit inspect --json`
    /// prints), streaming: the cost is linear in the file's metadata and tensor table, and the
    /// memory is the writer's buffer.
    ///
    /// ```
    /// {"metadata": {key: value, …},                      (file order; arrays whole, on one line)
    ///  "tensors": [{"name", "type", "type_id", "supported", "shape", "offset", "bytes"}, …]}
    /// ```
    /// `bytes` is `null` for a type ggml does not define; non-finite floats are the strings
    /// `"inf"`, `"-inf"` and `"nan"`.
    public func writeJSON(to w: inout JSONStreamWriter) {
        GGUFMetadata.writeTableJSON(metadata, count: tensors.count, tensor: { (tensors[$0].name, tensors[$0].type, tensors[$0].shape) },
                                    fields: { i, w in
            w.raw(", \"offset\": ")
            w.number(tensors[i].offset)
            w.raw(", \"bytes\": ")
            if let n = tensors[i].byteCount { w.number(n) } else { w.raw("null") }
        }, to: &w)
    }
}

extension GGUFMetadata {
    /// The JSON layout `inspect --json` prints for a file or a converted folder: the metadata
    /// in order, then one object per tensor with its name, type, type id, `supported` and
    /// shape, followed by what `fields(i, &w)` writes for tensor `i` (each field with its
    /// leading `", "`).
    static func writeTableJSON(
        _ metadata: GGUFMetadata, count: Int, tensor: (Int) -> (name: String, type: GGMLType, shape: [Int]),
        fields: (Int, inout JSONStreamWriter) -> Void, to w: inout JSONStreamWriter
    ) {
        w.raw("{\n  \"metadata\": {")
        for (i, entry) in metadata.entries.enumerated() {
            w.raw(i == 0 ? "\n    " : ",\n    ")
            w.string(entry.key)
            w.raw(": ")
            entry.value.writeJSON(to: &w)
        }
        w.raw(metadata.entries.isEmpty ? "},\n  \"tensors\": [" : "\n  },\n  \"tensors\": [")
        for i in 0..<count {
            let t = tensor(i)
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
            w.raw("]")
            fields(i, &w)
            w.raw("}")
        }
        w.raw(count == 0 ? "]\n}\n" : "\n  ]\n}\n")
    }
}

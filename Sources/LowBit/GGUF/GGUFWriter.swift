import Foundation

/// Writes GGUF v3 files that llama.cpp and the `gguf` Python package read: header,
/// metadata, tensor table, then tensor data aligned to `general.alignment` (default 32).
/// The file appears atomically, via a temporary file and a rename.
public enum GGUFWriter {
    /// Writes `weights` to `path`.
    ///
    /// - Throws: ``GGUFError/writeFailed(file:reason:)`` on any I/O failure; no partial file
    ///   is left behind.
    public static func write(_ weights: ModelWeights, to path: String) throws(GGUFError) {
        var metadata = weights.metadata
        let alignment = metadata["general.alignment"]?.intValue ?? 32
        if metadata["general.alignment"] != nil { metadata["general.alignment"] = .uint32(UInt32(alignment)) }

        var header = Data()
        header.append(contentsOf: Array("GGUF".utf8))
        header.appendLE(UInt32(3))
        header.appendLE(UInt64(weights.tensors.count))
        header.appendLE(UInt64(metadata.entries.count))
        for (key, value) in metadata.entries {
            header.appendString(key)
            header.appendLE(value.type.rawValue)
            header.appendValue(value)
        }
        var offset = 0
        var offsets: [Int] = []
        for t in weights.tensors {
            header.appendString(t.name)
            header.appendLE(UInt32(t.shape.count))
            for d in t.shape { header.appendLE(UInt64(d)) }
            header.appendLE(t.type.rawValue)
            header.appendLE(UInt64(offset))
            offsets.append(offset)
            offset = (offset + t.storage.bytes.count + alignment - 1) / alignment * alignment
        }
        header.append(Data(count: (alignment - header.count % alignment) % alignment))

        do {
            try AtomicFile.write(to: path) { h in
                try h.write(contentsOf: header)
                var written = 0
                for (t, off) in zip(weights.tensors, offsets) {
                    if off > written { try h.write(contentsOf: Data(count: off - written)) }
                    try h.write(contentsOf: Data(t.storage.bytes))
                    written = off + t.storage.bytes.count
                }
                if offset > written { try h.write(contentsOf: Data(count: offset - written)) }
            }
        } catch {
            throw .writeFailed(file: path, reason: "\(error)")
        }
    }
}

extension Data {
    mutating func appendLE<T: FixedWidthInteger>(_ v: T) {
        Swift.withUnsafeBytes(of: v.littleEndian) { append(contentsOf: $0) }
    }

    mutating func appendString(_ s: String) {
        let u = Array(s.utf8)
        appendLE(UInt64(u.count))
        append(contentsOf: u)
    }

    /// Appends `v` as GGUF encodes it (without its type tag); an array's elements are
    /// copied as one block.
    mutating func appendValue(_ v: GGUFValue) {
        var encoded: [UInt8] = []
        encoded.reserveCapacity(v.encodedSize)
        v.appendEncoding(to: &encoded)
        append(contentsOf: encoded)
    }
}

extension GGUFArray {
    /// Reads and validates the `count` elements of `elementType` at the cursor (just after the
    /// array's type and count), and returns them as a view into `file`.
    ///
    /// The work is linear in the array's encoded size: fixed-size elements are bounds-checked
    /// once (bools byte by byte), strings are length-checked and UTF-8-validated without being
    /// copied, nested arrays are walked to `GGUFFile.maxArrayDepth`. Nothing is allocated but
    /// the start offsets of strings and nested arrays (4 bytes each).
    ///
    /// - Precondition: `count` is at most `cursor.remaining / elementType.minimumEncodedSize`.
    /// - Throws: ``GGUFError`` for a truncated element, invalid UTF-8, a bool that is not 0 or
    ///   1, an unknown nested type, a nested count too large for the file, or nesting too deep.
    static func read(
        _ elementType: GGUFValueType, count: Int, key: String, depth: Int, file: MappedFile,
        cursor c: inout ByteCursor
    ) throws(GGUFError) -> GGUFArray {
        let first = c.offset
        let starts: ElementStarts
        if elementType.fixedSize != nil {
            try skipFixed(elementType, count: count, key: key, cursor: &c)
            starts = .fixed(stride: elementType.minimumEncodedSize)
        } else if elementType == .string {
            starts = try readStrings(count: count, cursor: &c)
        } else {
            var builder = ElementStarts.Builder(capacity: count, span: c.remaining)
            for _ in 0..<count {
                builder.append(c.offset - first)
                try skipValue(elementType, key: key, depth: depth, cursor: &c)
            }
            starts = builder.finish()
        }
        return GGUFArray(elementType: elementType, count: count,
                         bytes: EncodedBytes(file: file, range: first..<c.offset), starts: starts)
    }

    /// Validates and steps over `count` strings (the vocabulary's path: one tight loop over the
    /// mapped bytes), returning where each starts.
    private static func readStrings(count: Int, cursor c: inout ByteCursor) throws(GGUFError) -> ElementStarts {
        let b = c.bytes, first = c.offset, end = b.count
        var builder = ElementStarts.Builder(capacity: count, span: end - first)
        var o = first
        for _ in 0..<count {
            builder.append(o - first)
            guard end - o >= 8 else { throw .truncated(file: c.file, offset: o, needed: 8 - (end - o)) }
            let n = b.u64LE(at: o)
            guard n <= UInt64(end - o - 8) else {
                throw .truncated(file: c.file, offset: o + 8, needed: Int(clamping: n) - (end - o - 8))
            }
            let s = UnsafeRawBufferPointer(rebasing: b[(o + 8)..<(o + 8 + Int(n))])
            guard UTF8Validation.isValid(s) else { throw .invalidUTF8(file: c.file, offset: o) }
            o += 8 + Int(n)
        }
        c.advance(to: o)
        return builder.finish()
    }

    /// Validates and steps over `count` fixed-size elements.
    private static func skipFixed(
        _ type: GGUFValueType, count: Int, key: String, cursor c: inout ByteCursor
    ) throws(GGUFError) {
        let start = c.offset
        let raw = try c.readBytes(count * type.minimumEncodedSize)
        if type == .bool, let bad = raw.firstIndex(where: { $0 > 1 }) {
            throw .invalidMetadata(file: c.file, key: key, reason: "bool at offset \(start + bad) has value \(raw[bad])")
        }
    }

    /// Validates and steps over one encoded value of `type` (an element at nesting `depth`).
    private static func skipValue(
        _ type: GGUFValueType, key: String, depth: Int, cursor c: inout ByteCursor
    ) throws(GGUFError) {
        switch type {
        case .string:
            let start = c.offset
            let n = try c.readUInt64()
            guard n <= UInt64(c.remaining) else {
                throw .truncated(file: c.file, offset: c.offset, needed: Int(clamping: n) - c.remaining)
            }
            guard UTF8Validation.isValid(try c.readBytes(Int(n))) else { throw .invalidUTF8(file: c.file, offset: start) }
        case .array:
            let start = c.offset
            guard depth + 1 < GGUFFile.maxArrayDepth else { throw .nestingTooDeep(file: c.file, offset: start, key: key) }
            let raw = try c.readUInt32()
            guard let elementType = GGUFValueType(rawValue: raw) else {
                throw .invalidValueType(file: c.file, offset: start, key: key, rawValue: raw)
            }
            let countOffset = c.offset
            let count = try c.readUInt64()
            guard count <= UInt64(c.remaining / elementType.minimumEncodedSize) else {
                throw .countTooLarge(file: c.file, offset: countOffset, field: "array length of '\(key.abbreviatedForMessage())'", count: count)
            }
            if elementType.fixedSize != nil {
                try skipFixed(elementType, count: Int(count), key: key, cursor: &c)
            } else {
                for _ in 0..<Int(count) { try skipValue(elementType, key: key, depth: depth + 1, cursor: &c) }
            }
        default:
            try skipFixed(type, count: 1, key: key, cursor: &c)
        }
    }
}

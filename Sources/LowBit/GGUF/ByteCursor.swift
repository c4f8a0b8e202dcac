/// A bounds-checked little-endian reader over a byte buffer. Every read checks the remaining
/// length first and throws ``GGUFError/truncated(file:offset:needed:)`` instead of reading past
/// the end.
struct ByteCursor {
    let bytes: UnsafeRawBufferPointer
    let file: String
    private(set) var offset = 0

    init(bytes: UnsafeRawBufferPointer, file: String) {
        self.bytes = bytes
        self.file = file
    }

    var remaining: Int { bytes.count - offset }

    @inline(__always)
    mutating func require(_ n: Int) throws(GGUFError) {
        guard n >= 0, n <= remaining else { throw .truncated(file: file, offset: offset, needed: n - remaining) }
    }

    @inline(__always)
    mutating func read<T: FixedWidthInteger>(_: T.Type) throws(GGUFError) -> T {
        try require(MemoryLayout<T>.size)
        let v = T(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: T.self))
        offset += MemoryLayout<T>.size
        return v
    }

    /// ``read(_:)`` in concrete form, for callers in other files (see `u32LE(at:)`).
    mutating func readUInt32() throws(GGUFError) -> UInt32 { try read(UInt32.self) }
    mutating func readUInt64() throws(GGUFError) -> UInt64 { try read(UInt64.self) }

    @inline(__always)
    mutating func readBytes(_ n: Int) throws(GGUFError) -> UnsafeRawBufferPointer {
        try require(n)
        defer { offset += n }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + n)])
    }

    /// Moves to `offset`, which the caller has checked lies between here and the end.
    mutating func advance(to newOffset: Int) {
        precondition(newOffset >= offset && newOffset <= bytes.count)
        offset = newOffset
    }

    /// A GGUF string: u64 length, then UTF-8 bytes.
    mutating func readString() throws(GGUFError) -> String {
        let start = offset
        let n = try read(UInt64.self)
        guard n <= UInt64(remaining) else { throw .truncated(file: file, offset: offset, needed: Int(clamping: n) - remaining) }
        let raw = try readBytes(Int(n))
        guard let s = String(validating: raw, as: UTF8.self) else { throw .invalidUTF8(file: file, offset: start) }
        return s
    }
}

/// An exact map from byte strings to token ids.
///
/// Token lookups must compare bytes, not `String`s: Swift's `String` equality is canonical
/// equivalence, so `"e\u{301}"` and `"é"` would be the same key, while SentencePiece and
/// llama.cpp treat them as different tokens. This is an open-addressing hash table (FNV-1a,
/// linear probing) over one flat byte buffer, so lookups take any byte slice without copying.
struct ByteStringTable: Sendable {
    /// All keys, concatenated. Key `k` spans `storage[keyStarts[k]..<keyStarts[k + 1]]`.
    private var storage: [UInt8] = []
    private var keyStarts: [Int] = [0]
    private var values: [Int32] = []
    /// Entry index + 1 for each slot, 0 when empty. Count is a power of two.
    private var slots: [Int32]
    private var mask: Int

    /// Builds a table with room for `capacity` keys without growing.
    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Int32](repeating: 0, count: size)
        mask = size - 1
        values.reserveCapacity(capacity)
        keyStarts.reserveCapacity(capacity + 1)
    }

    /// Number of distinct keys.
    var count: Int { values.count }

    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return Int(truncatingIfNeeded: hash ^ (hash >> 29))
    }

    /// The slot holding `bytes`, or the empty slot where it would go.
    @inline(__always)
    private func slot(of bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var index = Self.hash(bytes) & mask
        return storage.withUnsafeBufferPointer { keys in
            while true {
                let entry = Int(slots[index]) - 1
                if entry < 0 { return index }
                let start = keyStarts[entry], end = keyStarts[entry + 1]
                if end - start == bytes.count
                    && (bytes.isEmpty || memcmpEqual(keys.baseAddress.unsafelyUnwrapped + start, bytes))
                {
                    return index
                }
                index = (index + 1) & mask
            }
        }
    }

    @inline(__always)
    private func memcmpEqual(_ lhs: UnsafePointer<UInt8>, _ rhs: UnsafeBufferPointer<UInt8>) -> Bool {
        for offset in 0..<rhs.count where lhs[offset] != rhs[offset] { return false }
        return true
    }

    /// Maps `bytes` to `value`, replacing an earlier value for the same bytes (llama.cpp keeps
    /// the last of duplicate tokens too).
    mutating func insert<Bytes: Collection<UInt8>>(_ bytes: Bytes, value: Int32) {
        if bytes.withContiguousStorageIfAvailable({ insert(buffer: $0, value: value) }) != nil { return }
        Array(bytes).withUnsafeBufferPointer { insert(buffer: $0, value: value) }
    }

    private mutating func insert(buffer key: UnsafeBufferPointer<UInt8>, value: Int32) {
        if (values.count + 1) * 2 > slots.count { grow() }
        let index = slot(of: key)
        let entry = Int(slots[index]) - 1
        if entry >= 0 {
            values[entry] = value
            return
        }
        storage.append(contentsOf: key)
        keyStarts.append(storage.count)
        values.append(value)
        slots[index] = Int32(values.count)
    }

    private mutating func grow() {
        let size = slots.count * 2
        slots = [Int32](repeating: 0, count: size)
        mask = size - 1
        for entry in 0..<values.count {
            let index = storage.withUnsafeBufferPointer { keys in
                slot(of: UnsafeBufferPointer(rebasing: keys[keyStarts[entry]..<keyStarts[entry + 1]]))
            }
            slots[index] = Int32(entry + 1)
        }
    }

    /// The value stored for `bytes`, if any.
    @inline(__always)
    func value(for bytes: UnsafeBufferPointer<UInt8>) -> Int32? {
        let entry = Int(slots[slot(of: bytes)]) - 1
        return entry < 0 ? nil : values[entry]
    }

    /// The value stored for the bytes of `key`, if any.
    func value<Bytes: Collection<UInt8>>(for key: Bytes) -> Int32? {
        if let found = key.withContiguousStorageIfAvailable({ value(for: $0) }) { return found }
        return Array(key).withUnsafeBufferPointer { value(for: $0) }
    }
}

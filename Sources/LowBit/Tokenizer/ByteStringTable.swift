/// An exact map from byte strings to token ids.
///
/// Token lookups must compare bytes, not `String`s: Swift's `String` equality is canonical
/// equivalence, so `"e\u{301}"` and `"é"` would be the same key, while SentencePiece and
/// llama.cpp treat them as different tokens. This is an open-addressing hash table (FNV-1a,
/// linear probing, at most half full) over one flat byte buffer, so lookups take any byte slice
/// without copying.
///
/// Each slot holds its key's length, first 8 bytes and value, so a lookup of a key of up to 8
/// bytes touches one slot and nothing else, and a longer one touches the key bytes only when
/// length and prefix agree. Loading a 262k-token vocabulary makes about a million lookups
/// (three per merge), and this keeps each to about one cache miss.
struct ByteStringTable: Sendable {
    private struct Slot {
        /// Key length + 1; 0 marks an empty slot.
        var lengthPlusOne: UInt32 = 0
        var value: Int32 = 0
        /// Offset of the key in `storage`.
        var keyStart = 0
        /// The key's first 8 bytes, little-endian, zero-padded.
        var prefix: UInt64 = 0
    }

    /// All keys, concatenated.
    private var storage: [UInt8] = []
    /// Count is a power of two.
    private var slots: [Slot]
    private var mask: Int
    /// Number of distinct keys.
    private(set) var count = 0

    /// Builds a table with room for `capacity` keys without growing.
    init(capacity: Int) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = [Slot](repeating: Slot(), count: size)
        mask = size - 1
    }

    @inline(__always)
    static func hash(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        return hash ^ (hash >> 29)
    }

    @inline(__always)
    private static func prefix(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var prefix: UInt64 = 0
        for offset in 0..<min(8, bytes.count) { prefix |= UInt64(bytes[offset]) << (8 * UInt64(offset)) }
        return prefix
    }

    /// The slot holding `bytes`, or the empty slot where it would go.
    @inline(__always)
    private func slot(of bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var index = Int(truncatingIfNeeded: Self.hash(bytes)) & mask
        let lengthPlusOne = UInt32(truncatingIfNeeded: bytes.count + 1)
        let prefix = Self.prefix(bytes)
        return slots.withUnsafeBufferPointer { slots in
            while true {
                let slot = slots[index]
                if slot.lengthPlusOne == 0 { return index }
                if slot.lengthPlusOne == lengthPlusOne && slot.prefix == prefix
                    && (bytes.count <= 8 || tailEqual(from: slot.keyStart, bytes))
                {
                    return index
                }
                index = (index + 1) & mask
            }
        }
    }

    /// Whether the stored key at `start` equals `bytes` past their common 8-byte prefix.
    private func tailEqual(from start: Int, _ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        storage.withUnsafeBufferPointer { keys in
            for offset in 8..<bytes.count where keys[start + offset] != bytes[offset] { return false }
            return true
        }
    }

    /// Maps `bytes` to `value`, replacing an earlier value for the same bytes (llama.cpp keeps
    /// the last of duplicate tokens too).
    mutating func insert<Bytes: Collection<UInt8>>(_ bytes: Bytes, value: Int32) {
        if bytes.withContiguousStorageIfAvailable({ insert(buffer: $0, value: value) }) != nil { return }
        Array(bytes).withUnsafeBufferPointer { insert(buffer: $0, value: value) }
    }

    private mutating func insert(buffer key: UnsafeBufferPointer<UInt8>, value: Int32) {
        if (count + 1) * 2 > slots.count { grow() }
        let index = slot(of: key)
        if slots[index].lengthPlusOne != 0 {
            slots[index].value = value
            return
        }
        slots[index] = Slot(
            lengthPlusOne: UInt32(truncatingIfNeeded: key.count + 1), value: value, keyStart: storage.count,
            prefix: Self.prefix(key))
        storage.append(contentsOf: key)
        count += 1
    }

    private mutating func grow() {
        let old = slots
        slots = [Slot](repeating: Slot(), count: old.count * 2)
        mask = slots.count - 1
        for slot in old where slot.lengthPlusOne != 0 {
            let index = storage.withUnsafeBufferPointer { keys in
                self.slot(of: UnsafeBufferPointer(rebasing: keys[slot.keyStart..<(slot.keyStart + Int(slot.lengthPlusOne) - 1)]))
            }
            slots[index] = slot
        }
    }

    /// The value stored for `bytes`, if any.
    @inline(__always)
    func value(for bytes: UnsafeBufferPointer<UInt8>) -> Int32? {
        let slot = slots[slot(of: bytes)]
        return slot.lengthPlusOne == 0 ? nil : slot.value
    }

    /// The value stored for the bytes of `key`, if any.
    func value<Bytes: Collection<UInt8>>(for key: Bytes) -> Int32? {
        if let found = key.withContiguousStorageIfAvailable({ value(for: $0) }) { return found }
        return Array(key).withUnsafeBufferPointer { value(for: $0) }
    }
}

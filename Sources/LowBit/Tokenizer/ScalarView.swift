/// A text fragment as the pre-tokenizer splitters see it: one entry per Unicode scalar, with
/// its value, its ``ScalarFlags`` and its UTF-8 offset, so that word boundaries found in
/// scalars map straight back to byte ranges.
struct ScalarView {
    /// Scalar values.
    var values: [UInt32] = []
    /// Flags of each scalar.
    var flags: [ScalarFlags] = []
    /// `byteOffsets[i]` is the UTF-8 offset of scalar `i` in the source bytes; one extra entry
    /// holds the end offset.
    var byteOffsets: [Int] = []

    /// Number of scalars.
    var count: Int { values.count }

    /// Decodes `bytes[range]` (valid UTF-8, as every Swift `String` is; stray bytes would each
    /// become U+FFFD, as in llama.cpp).
    mutating func load(_ bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>) {
        values.removeAll(keepingCapacity: true)
        flags.removeAll(keepingCapacity: true)
        byteOffsets.removeAll(keepingCapacity: true)
        var offset = range.lowerBound
        let end = range.upperBound
        while offset < end {
            let lead = bytes[offset]
            var value: UInt32
            var width = 1
            if lead < 0x80 {
                value = UInt32(lead)
            } else {
                width = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
                if width == 1 || offset + width > end {
                    value = 0xFFFD
                    width = 1
                } else {
                    value = UInt32(lead) & (0x7F >> UInt32(width))
                    for k in 1..<width { value = value << 6 | UInt32(bytes[offset + k] & 0x3F) }
                }
            }
            values.append(value)
            flags.append(ScalarFlags.of(value))
            byteOffsets.append(offset)
            offset += width
        }
        byteOffsets.append(end)
    }

    /// The flags at `position`, or none outside `bounds` (llama.cpp's `_get_flags`).
    @inline(__always)
    func flags(at position: Int, in bounds: Range<Int>) -> ScalarFlags {
        bounds.contains(position) ? flags[position] : .outOfRange
    }

    /// The scalar at `position`, or `nil` outside `bounds` (llama.cpp's `_get_cpt`).
    @inline(__always)
    func value(at position: Int, in bounds: Range<Int>) -> UInt32? {
        bounds.contains(position) ? values[position] : nil
    }
}

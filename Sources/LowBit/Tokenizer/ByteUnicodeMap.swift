/// GPT-2's reversible map between bytes and printable Unicode scalars (`bytes_to_unicode`).
///
/// Byte-level BPE vocabularies store every token as text in which each byte is replaced by one
/// printable scalar, so that tokens never contain whitespace or control characters. The printable
/// Latin-1 bytes map to themselves; the other 68 bytes map, in order, to U+0100, U+0101, …:
///
/// ```
/// '!'...'~', '¡'...'¬', '®'...'ÿ'  →  themselves
/// every other byte b (in increasing order)  →  U+0100 + n, n = 0, 1, 2, …
/// ```
///
/// So a space (0x20) is `Ġ` (U+0120) and a newline (0x0A) is `Ċ` (U+010A).
public enum ByteUnicodeMap {
    /// The scalar value standing for each byte, indexed by byte.
    public static let scalarValues: [UInt32] = {
        var table = [UInt32](repeating: 0, count: 256)
        var extra: UInt32 = 0
        for byte in 0..<256 {
            let printable = (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte)
            if printable {
                table[byte] = UInt32(byte)
            } else {
                table[byte] = 0x100 + extra
                extra += 1
            }
        }
        return table
    }()

    /// The inverse of ``scalarValues``, indexed by scalar value (0..<0x144); -1 for scalars that
    /// stand for no byte.
    static let bytesByScalar: [Int16] = {
        var inverse = [Int16](repeating: -1, count: 0x144)
        for (byte, value) in scalarValues.enumerated() { inverse[Int(value)] = Int16(byte) }
        return inverse
    }()

    /// The printable scalar that stands for `byte`.
    /// - Parameter byte: Any byte.
    /// - Returns: The scalar byte-level vocabularies use for it.
    @inlinable
    public static func scalar(for byte: UInt8) -> Unicode.Scalar {
        // Every table value is below U+0144, hence a valid scalar.
        Unicode.Scalar(scalarValues[Int(byte)]).unsafelyUnwrapped
    }

    /// The byte that `scalar` stands for, or `nil` when it stands for none.
    /// - Parameter scalar: A scalar from a byte-level token.
    /// - Returns: The original byte, or `nil`.
    public static func byte(for scalar: Unicode.Scalar) -> UInt8? {
        let value = Int(scalar.value)
        guard value < bytesByScalar.count else { return nil }
        let byte = bytesByScalar[value]
        return byte < 0 ? nil : UInt8(byte)
    }

    /// Spells raw bytes as byte-level token text.
    /// - Parameter bytes: Raw bytes (usually UTF-8).
    /// - Returns: One printable scalar per byte.
    public static func encode<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String {
        var scalars = String.UnicodeScalarView()
        for byte in bytes { scalars.append(scalar(for: byte)) }
        return String(scalars)
    }

    /// Turns byte-level token text back into raw bytes.
    /// - Parameter text: Byte-level token text.
    /// - Returns: The bytes, or `nil` if some scalar stands for no byte.
    public static func decode(_ text: String) -> [UInt8]? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.unicodeScalars.count)
        for scalar in text.unicodeScalars {
            guard let byte = byte(for: scalar) else { return nil }
            bytes.append(byte)
        }
        return bytes
    }
}

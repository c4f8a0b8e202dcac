/// Writes JSON text in chunks to a sink, so output of any size costs one buffer of about
/// `chunkSize` bytes (plus the longest single string): no Foundation object per value, no
/// whole document in memory. The caller lays out the structure (`{`, `,`, keys); the writer
/// formats and escapes values.
///
/// ```swift
/// var w = JSONStreamWriter { chunk in FileHandle.standardOutput.write(Data(chunk)) }
/// w.raw("{\"n\": "); w.number(3); w.raw(", \"s\": "); w.string("a\"b"); w.raw("}\n")
/// w.flush()
/// ```
public struct JSONStreamWriter {
    private var buffer: [UInt8] = []
    private var flushed = 0
    private let chunkSize: Int
    private let sink: (UnsafeRawBufferPointer) -> Void

    /// Bytes written so far (flushed or buffered).
    public var bytesWritten: Int { flushed + buffer.count }

    /// - Parameters:
    ///   - chunkSize: Bytes buffered before `sink` is called.
    ///   - sink: Receives each chunk of text; the pointer is valid only during the call.
    public init(chunkSize: Int = 1 << 16, sink: @escaping (UnsafeRawBufferPointer) -> Void) {
        self.chunkSize = max(64, chunkSize)
        self.sink = sink
        buffer.reserveCapacity(self.chunkSize + 64)
    }

    /// Hands the buffered text to the sink.
    public mutating func flush() {
        guard !buffer.isEmpty else { return }
        buffer.withUnsafeBytes(sink)
        flushed += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    @inline(__always)
    private mutating func flushIfFull() {
        if buffer.count >= chunkSize { flush() }
    }

    /// Appends `text` unchanged (structure: braces, commas, indentation).
    public mutating func raw(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        flushIfFull()
    }

    /// Appends one byte of structure (`,`, `[`, `]`, …).
    @inline(__always)
    public mutating func raw(byte: UInt8) {
        buffer.append(byte)
        flushIfFull()
    }

    /// Appends a JSON string literal of `text`.
    public mutating func string(_ text: String) {
        var t = text
        t.withUTF8 { string(utf8: UnsafeRawBufferPointer($0)) }
    }

    /// Appends a JSON string literal of well-formed UTF-8 bytes: `"` and `\` escaped, control
    /// characters as `\n`, `\t`, … or `\u00XX`, everything else as is (runs copied whole).
    public mutating func string(utf8 bytes: UnsafeRawBufferPointer) {
        buffer.append(0x22)
        // Most strings need no escape: one scan, one copy.
        if !bytes.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) {
            buffer.append(contentsOf: bytes)
            buffer.append(0x22)
            flushIfFull()
            return
        }
        var run = 0
        for i in 0..<bytes.count {
            let b = bytes[i]
            guard b < 0x20 || b == 0x22 || b == 0x5C else { continue }
            if run < i { buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[run..<i])) }
            run = i + 1
            buffer.append(0x5C)
            switch b {
            case 0x22, 0x5C: buffer.append(b)
            case 0x0A: buffer.append(0x6E)
            case 0x0D: buffer.append(0x72)
            case 0x09: buffer.append(0x74)
            case 0x08: buffer.append(0x62)
            case 0x0C: buffer.append(0x66)
            default:
                let low = b & 15
                buffer.append(contentsOf: [0x75, 0x30, 0x30, 0x30 + (b >> 4), low < 10 ? 0x30 + low : 0x57 + low])
            }
        }
        if run < bytes.count { buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[run...])) }
        buffer.append(0x22)
        flushIfFull()
    }

    /// Appends an integer (of at most 64 bits) in decimal.
    public mutating func number<T: FixedWidthInteger>(_ value: T) {
        if value < 0 { number(Int64(value)) } else { number(UInt64(value)) }
    }

    /// Appends a signed integer in decimal.
    public mutating func number(_ value: Int64) {
        if value < 0 {
            buffer.append(0x2D)
            digits(of: UInt64(truncatingIfNeeded: 0 &- value))
        } else {
            digits(of: UInt64(value))
        }
        flushIfFull()
    }

    /// Appends an unsigned integer in decimal.
    public mutating func number(_ value: UInt64) {
        digits(of: value)
        flushIfFull()
    }

    private mutating func digits(of magnitude: UInt64) {
        if magnitude < 10 {
            buffer.append(0x30 + UInt8(magnitude))
            return
        }
        var m = magnitude
        var tmp: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes hold the 20 digits of UInt64.max
        withUnsafeMutableBytes(of: &tmp) { t in
            var i = t.count
            repeat {
                i -= 1
                t[i] = 0x30 + UInt8(m % 10)
                m /= 10
            } while m > 0
            buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: t[i...]))
        }
    }

    /// Appends a float in its shortest round-trip form (`0.1`, `1e-05`); JSON has no
    /// infinities or NaN, so those become the strings `"inf"`, `"-inf"`, `"nan"`.
    public mutating func number(_ value: Float) {
        value.isFinite ? raw(value.description) : string(value.description)
    }

    /// Appends a double in its shortest round-trip form; non-finite values as strings.
    public mutating func number(_ value: Double) {
        value.isFinite ? raw(value.description) : string(value.description)
    }

    /// Appends `true` or `false`.
    public mutating func bool(_ value: Bool) { raw(value ? "true" : "false") }
}

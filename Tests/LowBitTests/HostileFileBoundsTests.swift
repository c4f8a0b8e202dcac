import Foundation
import XCTest
@testable import LowBit

/// Issue 13's bad cases at full size, bounded by work and memory rather than wall time: small,
/// well-formed files that once cost LowBit seconds to minutes and up to gigabytes.
///
/// 1. An array where a number belongs (8M elements): a short typed error.
/// 2. Array metadata (8M elements): its encoded size in memory, and `inspect --json` written
///    through a fixed buffer.
/// 3. 50,000 control tokens sharing a prefix: ``TokenizerWorkBoundsTests``.
final class HostileFileBoundsTests: XCTestCase {
    static let n = 8 << 20

    /// Anonymous resident memory (heap and stacks, not mapped files) from Linux's
    /// `/proc/self/status`, or `nil` where that is not available. Freed memory the allocator
    /// keeps is still counted, so growth bounds what an operation touched.
    private func heapInUse() -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("RssAnon:") }),
              let kb = Int(line.split(separator: " ").dropFirst().first ?? "") else { return nil }
        return kb * 1024
    }

    /// Growth of anonymous memory while `body` runs and its result is held.
    private func retainedHeap<R>(_ body: () throws -> R) rethrows -> (R, Int?) {
        let before = heapInUse()
        let r = try body()
        guard let before, let after = heapInUse() else { return (r, nil) }
        return (r, after - before)
    }

    private func write(_ bytes: Data, _ name: String) -> String {
        let path = temporaryDirectory().appendingPathComponent(name).path
        FileManager.default.createFile(atPath: path, contents: bytes)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    // MARK: 1. An array where a number belongs

    func testAlignmentGivenAsAnEightMillionElementArrayFailsWithAShortMessage() throws {
        var g = RawGGUF()
        g.array("general.alignment", .uint8, count: Self.n, elements: Data(count: Self.n))
        let path = write(g.bytes, "alignment.gguf")
        XCTAssertThrowsError(try GGUFFile(path: path)) { e in
            let message = String(describing: e)
            XCTAssertTrue(message.contains("general.alignment") && message.contains("[uint8] × 8388608"), message)
            XCTAssertLessThan(message.utf8.count, 400, "the value is abbreviated")
        }
    }

    func testHyperParameterGivenAsAnEightMillionElementArrayFailsWithAShortMessage() throws {
        var g = RawGGUF()
        g.string("general.architecture", "llama")
        var values = Data(repeating: 64, count: Self.n)
        values[Self.n - 1] = 32  // the last layer differs
        g.array("llama.embedding_length", .uint8, count: Self.n, elements: values)
        let file = try GGUFFile(path: write(g.bytes, "hparam.gguf"))
        XCTAssertThrowsError(try ModelConfig(weights: file.weights())) { e in
            let message = String(describing: e)
            XCTAssertTrue(message.contains("llama.embedding_length") && message.contains("per-layer values that differ"), message)
            XCTAssertLessThan(message.utf8.count, 400, "the value is abbreviated")
        }
    }

    // MARK: 2. Array metadata costs its encoded size

    func testNumericArrayMetadataIsAViewOfTheMapping() throws {
        var g = RawGGUF()
        g.array("hostile.u8", .uint8, count: Self.n, elements: Data(count: Self.n))
        let path = write(g.bytes, "u8.gguf")
        let (file, retained) = try retainedHeap { try GGUFFile(path: path) }
        if let retained { XCTAssertLessThan(retained, 64 << 10, "8 MB of uint8 metadata retained \(retained) heap bytes") }
        XCTAssertEqual(file.metadata["hostile.u8"]?.arrayValue?.count, Self.n)

        // inspect --json: two bytes per element ("0,"), through a buffer of 64 KiB.
        let (written, grown) = retainedHeap { () -> Int in
            var w = JSONStreamWriter { _ in }
            file.writeJSON(to: &w)
            w.flush()
            return w.bytesWritten
        }
        XCTAssertLessThan(written, 2 * Self.n + 200)
        if let grown { XCTAssertLessThan(grown, 1 << 20) }
    }

    func testStringArrayMetadataCostsFourBytesPerElement() throws {
        var g = RawGGUF()
        var body = Data(count: 9 * Self.n)  // each: u64 length 1, then "a"
        body.withUnsafeMutableBytes { b in
            for i in stride(from: 0, to: b.count, by: 9) {
                b[i] = 1
                b[i + 8] = UInt8(ascii: "a")
            }
        }
        g.array("hostile.str", .string, count: Self.n, elements: body)
        body = Data()
        let path = write(g.bytes, "str.gguf")
        g = RawGGUF()
        let (file, retained) = try retainedHeap { try GGUFFile(path: path) }
        if let retained { XCTAssertLessThan(retained, 4 * Self.n + (1 << 20), "retained \(retained) heap bytes") }
        let a = try XCTUnwrap(file.metadata["hostile.str"]?.arrayValue)
        XCTAssertEqual(a[Self.n - 1], .string("a"))

        let (written, grown) = retainedHeap { () -> Int in
            var w = JSONStreamWriter { _ in }
            file.writeJSON(to: &w)
            w.flush()
            return w.bytesWritten
        }
        XCTAssertLessThan(written, 4 * Self.n + 200)  // "a",
        if let grown { XCTAssertLessThan(grown, 1 << 20) }
    }

    func testNestedArrayMetadataCostsFourBytesPerElement() throws {
        var g = RawGGUF()
        g.array("hostile.nested", .array, count: Self.n, elements: Data(count: 12 * Self.n))  // each: uint8, count 0
        let path = write(g.bytes, "nested.gguf")
        g = RawGGUF()
        let (file, retained) = try retainedHeap { try GGUFFile(path: path) }
        if let retained { XCTAssertLessThan(retained, 4 * Self.n + (1 << 20), "retained \(retained) heap bytes") }
        let a = try XCTUnwrap(file.metadata["hostile.nested"]?.arrayValue)
        XCTAssertEqual(a[Self.n - 1], .array(.uint8, []))

        let (written, grown) = retainedHeap { () -> Int in
            var w = JSONStreamWriter { _ in }
            file.writeJSON(to: &w)
            w.flush()
            return w.bytesWritten
        }
        XCTAssertLessThan(written, 3 * Self.n + 200)  // [],
        if let grown { XCTAssertLessThan(grown, 1 << 20) }
    }

    // MARK: Elsewhere: names and the tensor table

    func testHugeKeysAndNamesAreAbbreviatedInErrors() throws {
        let key = String(repeating: "k", count: 1 << 20)
        var g = RawGGUF()
        g.string(key, "x")
        g.string(key, "y")
        XCTAssertThrowsError(try GGUFFile(path: write(g.bytes, "dup.gguf"))) { e in
            guard case .duplicateKey = e as? GGUFError else { return XCTFail("\(e)") }
            XCTAssertLessThan(String(describing: e).utf8.count, 400)
        }
        g = RawGGUF()
        g.string("general.architecture", key)
        let file = try GGUFFile(path: write(g.bytes, "arch.gguf"))
        XCTAssertThrowsError(try ModelConfig(weights: file.weights())) { e in
            XCTAssertLessThan(String(describing: e).utf8.count, 400)
        }
        XCTAssertLessThan(TokenizerError.malformedMerge(index: 0, merge: key).description.utf8.count, 400)
        XCTAssertLessThan(TokenizerError.unknownPreTokenizer(name: key).description.utf8.count, 2_000)
    }

    /// Binding looks names up in a hash table: a model of thousands of tiny layers builds in
    /// time linear in its tensors (a linear search per name made this quadratic).
    func testManyLayersBindInLinearTime() throws {
        let layers = 3_000
        let cfg = ModelConfig(vocabSize: 260, dim: 32, layers: layers, heads: 1, kvHeads: 1, ffnDim: 32, contextLength: 8)
        let w = try SyntheticModel.make(config: cfg, type: .f32, seed: 1, tokenizer: .syntheticLlama(size: 260))
        XCTAssertEqual(w.tensors.count, 9 * layers + 3)
        let model = try TransformerModel(weights: w)
        XCTAssertEqual(model.config.layers, layers)
    }
}

/// A GGUF v3 file built byte by byte, for inputs the writer would never produce.
struct RawGGUF {
    private var entries = Data()
    private var count = 0

    var bytes: Data {
        var out = Data("GGUF".utf8)
        Self.le(UInt32(3), &out)
        Self.le(UInt64(0), &out)  // tensors
        Self.le(UInt64(count), &out)
        out.append(entries)
        return out
    }

    static func le<T: FixedWidthInteger>(_ v: T, _ out: inout Data) {
        withUnsafeBytes(of: v.littleEndian) { out.append(contentsOf: $0) }
    }

    private mutating func key(_ k: String, _ type: GGUFValueType) {
        Self.le(UInt64(k.utf8.count), &entries)
        entries.append(contentsOf: Array(k.utf8))
        Self.le(type.rawValue, &entries)
        count += 1
    }

    mutating func string(_ k: String, _ value: String) {
        key(k, .string)
        Self.le(UInt64(value.utf8.count), &entries)
        entries.append(contentsOf: Array(value.utf8))
    }

    /// An array whose elements are given already encoded.
    mutating func array(_ k: String, _ type: GGUFValueType, count n: Int, elements: Data) {
        key(k, .array)
        Self.le(type.rawValue, &entries)
        Self.le(UInt64(n), &entries)
        entries.append(elements)
    }
}

import Foundation
import XCTest
@testable import LowBit

/// `GGUFArray`: compact storage, element access, typed accessors, equality, JSON and the
/// UTF-8 validator its reader relies on.
final class GGUFArrayTests: XCTestCase {
    private func roundTrip(_ md: GGUFMetadata) throws -> GGUFFile {
        let path = temporaryDirectory().appendingPathComponent("arrays.gguf").path
        try GGUFWriter.write(ModelWeights(metadata: md, tensors: [], source: "arrays"), to: path)
        return try GGUFFile(path: path)
    }

    func testEveryElementTypeReadsBackElementByElement() throws {
        var md = GGUFMetadata()
        md["u8"] = .array(GGUFArray([0, 7, 255] as [UInt8]))
        md["i8"] = .array(GGUFArray([-128, 0, 127] as [Int8]))
        md["u16"] = .array(GGUFArray([0, 65535] as [UInt16]))
        md["i16"] = .array(GGUFArray([-32768, 5] as [Int16]))
        md["u32"] = .array(GGUFArray([4_000_000_000] as [UInt32]))
        md["i32"] = .array(GGUFArray([-2_000_000_000, 1] as [Int32]))
        md["u64"] = .array(GGUFArray([.max, 0] as [UInt64]))
        md["i64"] = .array(GGUFArray([.min, 3] as [Int64]))
        md["f32"] = .array(GGUFArray([0.5, -.infinity, .nan] as [Float]))
        md["f64"] = .array(GGUFArray([-1e300, 2.5] as [Double]))
        md["bool"] = .array(GGUFArray([true, false, true]))
        md["str"] = .array(GGUFArray(["", "héllo ✓", String(repeating: "x", count: 1000)]))
        md["nested"] = .array(GGUFArray([GGUFArray(["a", "b"]), GGUFArray([1, 2, 3] as [Int32]), GGUFArray([] as [UInt8])]))
        md["empty"] = .array(GGUFArray([] as [String]))
        let file = try roundTrip(md)
        XCTAssertEqual(file.metadata, md)

        let a = try XCTUnwrap(file.metadata["i8"]?.arrayValue)
        XCTAssertEqual(Array(a), [.int8(-128), .int8(0), .int8(127)])
        XCTAssertEqual(file.metadata["u64"]?.arrayValue?.first, .uint64(.max))
        XCTAssertNil(file.metadata["u64"]?.arrayValue?.integers, "UInt64.max does not fit an Int")
        XCTAssertEqual(file.metadata["i64"]?.arrayValue?.integers, [Int(Int64.min), 3])
        XCTAssertEqual(file.metadata["str"]?.arrayValue?.strings, ["", "héllo ✓", String(repeating: "x", count: 1000)])
        XCTAssertEqual(file.metadata["str"]?.arrayValue?[1], .string("héllo ✓"))
        XCTAssertEqual(file.metadata["bool"]?.arrayValue?.bools, [true, false, true])
        XCTAssertEqual(file.metadata["f64"]?.arrayValue?.floats, [-.infinity, 2.5])
        XCTAssertEqual(file.metadata["i16"]?.arrayValue?.doubles, [-32768, 5])
        let f32 = try XCTUnwrap(file.metadata["f32"]?.arrayValue?.floats)
        XCTAssertEqual(f32[0], 0.5)
        XCTAssertTrue(f32[2].isNaN)
        XCTAssertNil(file.metadata["str"]?.arrayValue?.floats)
        XCTAssertNil(file.metadata["u8"]?.arrayValue?.strings)

        let nested = try XCTUnwrap(file.metadata["nested"]?.arrayValue)
        XCTAssertEqual(nested.count, 3)
        XCTAssertEqual(nested[0].arrayValue?.strings, ["a", "b"])
        XCTAssertEqual(nested[1].arrayValue?.integers, [1, 2, 3])
        XCTAssertEqual(nested[2].arrayValue?.count, 0)
        XCTAssertEqual(nested[1], .array(.int32, [.int32(1), .int32(2), .int32(3)]))
    }

    func testArraysReadFromAFileAreViewsOfItsMapping() throws {
        var md = GGUFMetadata()
        md["big"] = .array(GGUFArray([UInt8](repeating: 9, count: 1 << 20)))
        let file = try roundTrip(md)
        let a = try XCTUnwrap(file.metadata["big"]?.arrayValue)
        guard case .file = a.bytes.owner else { return XCTFail("array copied out of the mapping") }
        XCTAssertEqual(a.encodedByteCount, 1 << 20)
    }

    func testEqualityIsByEncoding() {
        XCTAssertEqual(GGUFArray([1, 2] as [Int32]), GGUFArray(.int32, [.int32(1), .int32(2)]))
        XCTAssertNotEqual(GGUFArray([1, 2] as [Int32]), GGUFArray([1, 2] as [UInt32]), "element types differ")
        XCTAssertNotEqual(GGUFArray(["ab", "c"]), GGUFArray(["a", "bc"]))
        XCTAssertEqual(GGUFArray([.nan] as [Float]), GGUFArray([.nan] as [Float]), "bit for bit")
        XCTAssertNotEqual(GGUFArray([0.0] as [Float]), GGUFArray([-0.0] as [Float]))
        XCTAssertNil(GGUFArray(.int32, [.int32(1), .uint8(2)]), "mixed element types")
        // Scalars too (the GGUF fuzz target's round trip found a NaN that was read back
        // identically but compared unequal).
        XCTAssertEqual(GGUFValue.float32(.nan), .float32(.nan))
        XCTAssertEqual(GGUFValue.float64(-.nan), .float64(-.nan))
        XCTAssertNotEqual(GGUFValue.float32(.nan), .float32(-.nan))
        XCTAssertNotEqual(GGUFValue.float64(0), .float64(-0.0))
        XCTAssertNotEqual(GGUFValue.uint8(1), .int8(1))
        XCTAssertNotEqual(GGUFValue.string("é"), .string("e\u{301}"), "byte for byte, as the file stores them")
    }

    func testAbbreviationIsBoundedWhateverTheValue() {
        let long = GGUFValue.array(GGUFArray([UInt8](repeating: 1, count: 8 << 20)))
        XCTAssertEqual(long.abbreviated(), "[uint8] × 8388608: [1, 1, 1, 1, 1, 1, 1, 1, …]")
        // Nested eight deep with a long string at the bottom.
        var deep = GGUFArray([String(repeating: "y", count: 1_000)])
        for _ in 0..<7 { deep = GGUFArray(Array(repeating: deep, count: 3)) }
        XCTAssertLessThan(GGUFValue.array(deep).abbreviated().utf8.count, 2_000)
        // One grapheme cluster of 100,000 scalars is still cut.
        let cluster = "a" + String(repeating: "\u{301}", count: 100_000)
        XCTAssertLessThanOrEqual(GGUFValue.string(cluster).abbreviated().unicodeScalars.count, 123)
        XCTAssertEqual(GGUFValue.string("short").abbreviated(), "\"short\"")
        XCTAssertEqual(GGUFArray([] as [Int32]).abbreviated(), "[int32] × 0: []")
        XCTAssertEqual(GGUFArray([GGUFArray([1] as [Int32])]).abbreviated(elements: 2), "[array] × 1: [[int32] × 1: […]]")
    }

    func testJSONOfEveryValueTypeParsesBackToTheValues() throws {
        var md = GGUFMetadata()
        md["s"] = .string("q\"uote\\ back\nline\t\u{01} é ✓ /")
        md["u64"] = .uint64(.max)
        md["i64"] = .int64(.min)
        md["f32"] = .float32(0.1)
        md["inf"] = .float32(.infinity)
        md["b"] = .bool(false)
        md["ints"] = .array(GGUFArray([-5, 0, 123_456_789] as [Int32]))
        md["floats"] = .array(GGUFArray([0.5, 1e-5, -3] as [Float]))
        md["strs"] = .array(GGUFArray(["a\"b", "", "\u{1F}"]))
        md["bools"] = .array(GGUFArray([true, false]))
        md["nested"] = .array(GGUFArray([GGUFArray(["x"]), GGUFArray([] as [UInt8]), GGUFArray([GGUFArray([7] as [Int64])])]))
        let file = try roundTrip(md)
        var text: [UInt8] = []
        var w = JSONStreamWriter(chunkSize: 64) { text.append(contentsOf: $0) }
        file.writeJSON(to: &w)
        w.flush()
        XCTAssertEqual(w.bytesWritten, text.count)
        let obj = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(text)) as? [String: Any])
        let m = try XCTUnwrap(obj["metadata"] as? [String: Any])
        XCTAssertEqual(m["s"] as? String, "q\"uote\\ back\nline\t\u{01} é ✓ /")
        XCTAssertEqual((m["u64"] as? NSNumber)?.uint64Value, .max)
        XCTAssertEqual((m["i64"] as? NSNumber)?.int64Value, .min)
        XCTAssertEqual((m["f32"] as? NSNumber).map { Float($0.doubleValue) }, 0.1)
        XCTAssertEqual(m["inf"] as? String, "inf")
        XCTAssertEqual(m["b"] as? Bool, false)
        XCTAssertEqual(m["ints"] as? [Int], [-5, 0, 123_456_789])
        XCTAssertEqual((m["floats"] as? [NSNumber])?.map { Float($0.doubleValue) }, [0.5, 1e-5, -3])
        XCTAssertEqual(m["strs"] as? [String], ["a\"b", "", "\u{1F}"])
        XCTAssertEqual(m["bools"] as? [Bool], [true, false])
        let nested = try XCTUnwrap(m["nested"] as? [Any])
        XCTAssertEqual(nested[0] as? [String], ["x"])
        XCTAssertEqual((nested[1] as? [Any])?.count, 0)
        XCTAssertEqual((nested[2] as? [[Int]]), [[7]])
        XCTAssertEqual((obj["tensors"] as? [Any])?.count, 0)
        // Keys in file order.
        let keys = String(decoding: text, as: UTF8.self).split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("    \"") else { return nil }
            return String(line.dropFirst(5).prefix { $0 != "\"" })
        }
        XCTAssertEqual(keys, md.entries.map(\.key))
    }

    /// The allocation-free validator accepts exactly what `String(validating:)` accepts.
    func testUTF8ValidatorAgreesWithTheStandardLibrary() {
        let edges: [[UInt8]] = [
            [], [0x00], [0x7F], [0x80], [0xC0, 0x80], [0xC1, 0xBF], [0xC2, 0x80], [0xDF, 0xBF],
            [0xE0, 0x9F, 0xBF], [0xE0, 0xA0, 0x80], [0xED, 0x9F, 0xBF], [0xED, 0xA0, 0x80],
            [0xEF, 0xBF, 0xBF], [0xF0, 0x8F, 0xBF, 0xBF], [0xF0, 0x90, 0x80, 0x80], [0xF4, 0x8F, 0xBF, 0xBF],
            [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xFF], [0xE2, 0x82], [0xF0, 0x9F, 0x98],
            Array("abcdefgh✓ijklmnop".utf8), Array("abcdefgh".utf8) + [0x80], [0xE2, 0x82, 0xAC, 0x41],
        ]
        var rng = SeededRandom(seed: 11)
        var cases = edges
        let alphabet: [UInt8] = [0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC2, 0xDF, 0xE0, 0xE1, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF]
        for _ in 0..<20_000 {
            let n = Int(rng.next() % 12)
            cases.append((0..<n).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] })
        }
        for bytes in cases {
            let std = String(validating: bytes, as: UTF8.self) != nil
            XCTAssertEqual(bytes.withUnsafeBytes(UTF8Validation.isValid), std, "\(bytes.map { String($0, radix: 16) })")
        }
    }
}

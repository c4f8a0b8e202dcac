import Foundation
import Kernels
import XCTest
@testable import LowBit

/// Compatibility with llama.cpp's own Python GGUF package (`gguf`, with numpy ports of
/// ggml's reference quantizers in `gguf.quants`). The fixtures in `Fixtures/` were made by
/// `Fixtures/make_fixtures.py`; these tests only read them, so they need no Python.
final class PeerCompatibilityTests: XCTestCase {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    static let llamaPath = fixtures.appendingPathComponent("peer_llama.gguf").path

    // MARK: Fixture loading

    struct FixtureError: Error, CustomStringConvertible {
        var description: String
    }

    static func json(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: fixtures.appendingPathComponent(name))
        guard let obj = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw FixtureError(description: "\(name) is not a JSON object")
        }
        return obj
    }

    static func hexU32(_ s: Any?) throws -> UInt32 {
        guard let s = s as? String, let v = UInt32(s, radix: 16) else { throw FixtureError(description: "bad f32 hex \(String(describing: s))") }
        return v
    }

    static func floats(_ a: Any?) throws -> [Float] {
        guard let a = a as? [Any] else { throw FixtureError(description: "expected an array of hex floats") }
        return try a.map { Float(bitPattern: try hexU32($0)) }
    }

    static func bytes(hex: String) throws -> [UInt8] {
        let u = Array(hex.utf8)
        guard u.count % 2 == 0 else { throw FixtureError(description: "odd hex length") }
        return try stride(from: 0, to: u.count, by: 2).map { i in
            guard let b = UInt8(String(decoding: u[i..<(i + 2)], as: UTF8.self), radix: 16) else {
                throw FixtureError(description: "bad hex byte at \(i)")
            }
            return b
        }
    }

    /// Decodes the fixture's typed form `[type, payload]` (arrays `["array", type, [...]]`).
    static func value(_ any: Any) throws -> GGUFValue {
        guard let a = any as? [Any], let tag = a.first as? String, a.count >= 2 else {
            throw FixtureError(description: "bad typed value \(any)")
        }
        func int<T: FixedWidthInteger>(_: T.Type) throws -> T {
            if let s = a[1] as? String, let v = T(s) { return v }
            if let n = a[1] as? NSNumber, let v = T(exactly: n.int64Value), n.stringValue == String(v) { return v }
            throw FixtureError(description: "bad \(tag) \(a[1])")
        }
        switch tag {
        case "uint8": return .uint8(try int(UInt8.self))
        case "int8": return .int8(try int(Int8.self))
        case "uint16": return .uint16(try int(UInt16.self))
        case "int16": return .int16(try int(Int16.self))
        case "uint32": return .uint32(try int(UInt32.self))
        case "int32": return .int32(try int(Int32.self))
        case "uint64": return .uint64(try int(UInt64.self))
        case "int64": return .int64(try int(Int64.self))
        case "float32": return .float32(Float(bitPattern: try hexU32(a[1])))
        case "float64":
            guard let s = a[1] as? String, let bits = UInt64(s, radix: 16) else { throw FixtureError(description: "bad f64 \(a[1])") }
            return .float64(Double(bitPattern: bits))
        case "bool":
            guard let b = a[1] as? Bool else { throw FixtureError(description: "bad bool \(a[1])") }
            return .bool(b)
        case "string":
            guard let s = a[1] as? String else { throw FixtureError(description: "bad string \(a[1])") }
            return .string(s)
        case "array":
            let names: [String: GGUFValueType] = [
                "uint8": .uint8, "int8": .int8, "uint16": .uint16, "int16": .int16, "uint32": .uint32, "int32": .int32,
                "float32": .float32, "bool": .bool, "string": .string, "array": .array, "uint64": .uint64,
                "int64": .int64, "float64": .float64,
            ]
            guard a.count == 3, let et = (a[1] as? String).flatMap({ names[$0] }), let xs = a[2] as? [Any] else {
                throw FixtureError(description: "bad array \(a)")
            }
            return .array(et, try xs.map(value))
        default:
            throw FixtureError(description: "unknown value type \(tag)")
        }
    }

    /// FNV-1a over the little-endian bytes of `values`, as the generator computes it.
    static func fnv1a64(_ values: [Float]) -> String {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for v in values {
            var bits = v.bitPattern.littleEndian
            for _ in 0..<4 {
                h ^= UInt64(bits & 0xff)
                h = h &* 0x0000_0100_0000_01B3
                bits >>= 8
            }
        }
        return String(h, radix: 16).leftPadded(16)
    }

    // MARK: Fixture A: a GGUF file written by gguf-py

    func testReadsGGUFPyHeaderAndEveryMetadataValue() throws {
        let fx = try Self.json("peer_llama.json")
        let file = try GGUFFile(path: Self.llamaPath)
        XCTAssertEqual(Int(file.version), fx["version"] as? Int)
        XCTAssertEqual(file.alignment, fx["alignment"] as? Int)
        XCTAssertEqual(file.dataOffset, fx["data_offset"] as? Int)
        let expected = try XCTUnwrap(fx["metadata"] as? [[Any]])
        XCTAssertEqual(file.metadata.entries.map(\.key), expected.compactMap { $0.first as? String }, "keys in file order")
        var types = Set<GGUFValueType>()
        for entry in expected {
            let key = try XCTUnwrap(entry.first as? String)
            let want = try Self.value(entry[1])
            XCTAssertEqual(file.metadata[key], want, key)
            types.insert(want.type)
            if case let .array(a) = want { types.insert(a.elementType) }
        }
        XCTAssertEqual(types.count, 13, "the fixture covers every GGUF value type")
        XCTAssertEqual(file.metadata["peer.array.nested_deep"],
                       .array(.array, [.array(.array, [.array(.int32, [.int32(7)])]),
                                       .array(.array, [.array(.int32, [.int32(8), .int32(9)])])]))
    }

    func testReadsGGUFPyTensorTable() throws {
        let fx = try Self.json("peer_llama.json")
        let file = try GGUFFile(path: Self.llamaPath)
        let expected = try XCTUnwrap(fx["tensors"] as? [[String: Any]])
        XCTAssertEqual(file.tensors.count, expected.count)
        for (info, want) in zip(file.tensors, expected) {
            XCTAssertEqual(info.name, want["name"] as? String)
            XCTAssertEqual(info.type.name, want["type"] as? String, info.name)
            XCTAssertEqual(Int(info.type.rawValue), want["type_id"] as? Int, info.name)
            XCTAssertEqual(info.shape, want["shape"] as? [Int], info.name)
            XCTAssertEqual(Int(info.offset), want["offset"] as? Int, info.name)
            XCTAssertEqual(info.byteCount, want["bytes"] as? Int, info.name)
        }
        XCTAssertEqual(Set(file.tensors.map(\.type)), [.f32, .f16, .bf16, .q8_0, .q4_0, .q4_1], "every type the fixture was made with appears")
    }

    func testDequantizesGGUFPyTensorsBitExactly() throws {
        let fx = try Self.json("peer_llama.json")
        let weights = try GGUFFile.loadWeights(path: Self.llamaPath)
        for want in try XCTUnwrap(fx["tensors"] as? [[String: Any]]) {
            let name = try XCTUnwrap(want["name"] as? String)
            let t = try XCTUnwrap(weights[name], name)
            let values = t.floats()
            XCTAssertEqual(values.count, t.elementCount, name)
            let first = try Self.floats(want["first64"])
            XCTAssertEqual(values.prefix(64).map(\.bitPattern), first.map(\.bitPattern), "\(name) (\(t.type)) first 64 values")
            XCTAssertEqual(Self.fnv1a64(values), want["fnv1a64"] as? String, "\(name) (\(t.type)) all values")
        }
    }

    func testLoadsGGUFPyModelAndMatchesNumpyForwardPass() throws {
        let fx = try Self.json("peer_llama.json")
        let weights = try GGUFFile.loadWeights(path: Self.llamaPath)
        let model = try TransformerModel(weights: weights)
        XCTAssertEqual(model.config, ModelConfig(vocabSize: 300, dim: 64, layers: 2, heads: 4, kvHeads: 2, ffnDim: 96, contextLength: 64))

        let tok = try TokenizerConfig(metadata: weights.metadata, file: Self.llamaPath)
        XCTAssertEqual(tok.model, .llama)
        XCTAssertEqual(tok.tokens.count, 300)
        XCTAssertEqual(tok.tokens[3], "<0x00>")
        XCTAssertEqual(tok.tokenTypes[3], .byte)
        XCTAssertEqual(tok.bosID, 1)
        XCTAssertEqual(tok.eosID, 2)
        XCTAssertEqual(tok.unknownID, 0)
        XCTAssertTrue(tok.addBOS)
        _ = try Tokenizer(config: tok)

        // The generator ran a float64 numpy forward pass over gguf-py's dequantized weights.
        // With f32 activations LowBit matches it to f32 rounding (measured 4e-7 relative);
        // if the kernels quantize activations to Q8_0, as ggml does for integer types, the
        // match is looser.
        let prompt = try XCTUnwrap(fx["prompt"] as? [Int]).map(Int32.init)
        let logits = try model.forward(prompt, cache: model.makeCache(), logits: .all)
        XCTAssertEqual(logits.count, prompt.count * 300)
        // Decoding one token at a time through the cache must agree with prefill.
        let cache = model.makeCache()
        var decoded: [Float] = []
        for t in prompt { decoded = try model.forward([t], cache: cache) }
        let tolerance: Float = model.quantizesActivations ? 0.02 : 1e-4
        for (row, key, got) in [(0, "reference_logits_first", Array(logits[0..<300])),
                                (prompt.count - 1, "reference_logits_last", Array(logits[((prompt.count - 1) * 300)...])),
                                (prompt.count - 1, "reference_logits_last", decoded)] {
            let ref = try Self.floats(fx[key])
            XCTAssertEqual(got.count, ref.count)
            XCTAssertTrue(got.allSatisfy(\.isFinite))
            let scale = ref.map(abs).max() ?? 1
            let err = zip(got, ref).map { abs($0 - $1) }.max() ?? .infinity
            let dot = zip(got, ref).reduce(0) { $0 + $1.0 * $1.1 }
            let cos = dot / (got.reduce(0) { $0 + $1 * $1 }.squareRoot() * ref.reduce(0) { $0 + $1 * $1 }.squareRoot())
            XCTAssertLessThan(err / scale, tolerance, "position \(row): max error \(err) at scale \(scale)")
            XCTAssertGreaterThan(cos, 0.999, "position \(row)")
        }
    }

    // MARK: Fixture B: quantizer bytes

    /// The first Q8_0 block of `values` whose f32 inverse scale `1 / (amax / 127)` is not
    /// finite (every |x| below about 3.7e-37), or `nil`.
    static func q8_0BlockWithInfiniteInverseScale(_ values: [Float]) -> Int? {
        stride(from: 0, to: values.count, by: 32).first { start in
            let d = values[start..<(start + 32)].reduce(Float(0)) { max($0, abs($1)) } / 127
            return d != 0 && !(1 / d).isFinite
        }.map { $0 / 32 }
    }

    func testQuantizersReproduceGGUFPyBytesExactly() throws {
        let fx = try Self.json("quant_rows.json")
        let rows = try XCTUnwrap(fx["rows"] as? [[String: Any]])
        var checked = 0
        for row in rows {
            let name = try XCTUnwrap(row["name"] as? String)
            let values = try Self.floats(row["values"])
            for (typeName, hex) in try XCTUnwrap(row["bytes"] as? [String: String]) {
                let type = try XCTUnwrap(GGMLType(name: typeName))
                // Blocks whose Q8_0 inverse scale overflows have their own test below.
                if type == .q8_0, Self.q8_0BlockWithInfiniteInverseScale(values) != nil { continue }
                try Self.assertQuantizes(values, as: type, to: Self.bytes(hex: hex), "\(name) \(typeName)")
                checked += 1
            }
        }
        XCTAssertEqual(checked, 7 * 5 + 2 - 1)
    }

    /// Q8_0 of a block of f32 subnormals: d = amax/127 is nonzero but 1/d overflows to
    /// infinity, so x·id is ±inf or NaN. ggml's C converts `roundf` of that to `int8_t`,
    /// which is undefined; x86 (cvttss2si) and numpy give 0, the bytes gguf-py wrote, and
    /// LowBit's Q4_0/Q4_1 already map non-finite codes to 0 the same way.
    func testQ8_0BlockOfSubnormalsMatchesGGML() throws {
        let fx = try Self.json("quant_rows.json")
        let rows = try XCTUnwrap(fx["rows"] as? [[String: Any]])
        let row = try XCTUnwrap(rows.first { $0["name"] as? String == "tiny_and_subnormal" })
        let values = try Self.floats(row["values"])
        let want = try Self.bytes(hex: XCTUnwrap((row["bytes"] as? [String: String])?["q8_0"]))
        let block = try XCTUnwrap(Self.q8_0BlockWithInfiniteInverseScale(values), "the row exercises the overflow")
        XCTAssertEqual(want[(34 * block)..<(34 * block + 34)].allSatisfy { $0 == 0 }, true, "gguf-py stores d = 0 and q = 0")
        try Self.assertQuantizes(values, as: .q8_0, to: want, "tiny_and_subnormal q8_0")
    }

    static func assertQuantizes(_ values: [Float], as type: GGMLType, to want: [UInt8], _ what: String,
                                file: StaticString = #filePath, line: UInt = #line) throws {
        let got = try RowCodec.quantize(values, as: type)
        XCTAssertEqual(got.count, want.count, what, file: file, line: line)
        if got != want, let i = zip(got, want).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
            let unit = type.blockSize > 1 ? "block \(i / type.bytesPerBlock)" : "element \(i / 2)"
            XCTFail("\(what): first differing byte \(i) (\(unit)): LowBit \(got[i]), gguf-py \(want[i])", file: file, line: line)
        }
    }
}

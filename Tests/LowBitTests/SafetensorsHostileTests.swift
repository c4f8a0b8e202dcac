import Foundation
import XCTest

@testable import LowBit

/// Every truncation and corruption of a small safetensors file and of a shard index gives a
/// typed error (or, for a corruption that still forms a valid file, tensors inside the file),
/// never a crash or a large allocation.
final class SafetensorsHostileTests: XCTestCase {
    static let entries: [HFTestCheckpoint.Entry] = [
        .init(name: "a.weight", dtype: "F32", shape: [2, 3], bytes: (0..<24).map { UInt8($0) }),
        .init(name: "b.bias", dtype: "BF16", shape: [4], bytes: (0..<8).map { UInt8(100 + $0) }),
        .init(name: "c", dtype: "I8", shape: [0], bytes: []),
    ]

    static func open(_ bytes: [UInt8]) throws(SafetensorsError) -> SafetensorsFile {
        let mapping = bytes.withUnsafeBytes { MappedFile(copying: $0, path: "t.safetensors") }
        return try SafetensorsFile(mapping: mapping)
    }

    /// A header written by hand: `json` after its length.
    static func file(header json: String, data: Int = 0) -> [UInt8] {
        let h = Array(json.utf8)
        var out: [UInt8] = []
        var n = UInt64(h.count)
        for _ in 0..<8 { out.append(UInt8(n & 0xFF)); n >>= 8 }
        return out + h + [UInt8](repeating: 7, count: data)
    }

    func testValidFileReads() throws {
        let f = try Self.open(HFTestCheckpoint.safetensors(Self.entries))
        XCTAssertEqual(f.tensors.map(\.name), ["a.weight", "b.bias", "c"])
        XCTAssertEqual(f.metadata, ["format": "pt"])
        XCTAssertEqual(Array(f.bytes(of: f.info(named: "b.bias")!)), (0..<8).map { UInt8(100 + $0) })
        XCTAssertEqual(f.info(named: "a.weight")?.shape, [2, 3])
    }

    func testEveryTruncationIsATypedError() throws {
        let full = HFTestCheckpoint.safetensors(Self.entries)
        for n in 0..<full.count {
            XCTAssertThrowsError(try Self.open(Array(full[0..<n])), "prefix \(n)") { e in
                XCTAssertTrue(e is SafetensorsError, "prefix \(n): \(e)")
            }
        }
    }

    func testEveryByteFlipGivesAnErrorOrAnInBoundsFile() throws {
        let full = HFTestCheckpoint.safetensors(Self.entries)
        let headerEnd = 8 + Int(full[0]) + Int(full[1]) << 8
        var errors = 0, valid = 0
        for i in 0..<headerEnd {
            for x: UInt8 in [0x01, 0x02, 0x10, 0x20, 0x80, 0xFF] {
                var b = full
                b[i] ^= x
                do {
                    let f = try Self.open(b)
                    for t in f.tensors { XCTAssertLessThanOrEqual(f.dataOffset + t.begin + t.byteCount, b.count) }
                    valid += 1
                } catch {
                    errors += 1
                }
            }
        }
        XCTAssertGreaterThan(errors, valid)
        print("safetensors byte flips: \(errors) typed errors, \(valid) still-valid files, over \(headerEnd) header bytes")
    }

    func testHostileHeaders() throws {
        func expect(_ bytes: [UInt8], _ check: (SafetensorsError) -> Bool, file: StaticString = #filePath, line: UInt = #line) {
            do {
                _ = try Self.open(bytes)
                XCTFail("accepted", file: file, line: line)
            } catch {
                XCTAssertTrue(check(error), "\(error)", file: file, line: line)
            }
        }
        // A header length of 2^63 and of just over the cap: refused before any allocation.
        expect([0, 0, 0, 0, 0, 0, 0, 0x80] + Array("{}".utf8)) { if case .headerTooLarge = $0 { true } else { false } }
        var len = UInt64(SafetensorsFile.maxHeaderBytes + 1)
        var big: [UInt8] = []
        for _ in 0..<8 { big.append(UInt8(len & 0xFF)); len >>= 8 }
        expect(big) { if case .headerTooLarge = $0 { true } else { false } }
        expect(Self.file(header: "[1,2]")) { if case .invalidHeader = $0 { true } else { false } }
        expect(Self.file(header: "{\"a\": 1")) { if case .invalidHeader = $0 { true } else { false } }
        expect(Self.file(header: String(repeating: "{\"a\":", count: 5000) + "1" + String(repeating: "}", count: 5000))) {
            if case .invalidHeader = $0 { true } else { false }
        }
        let t = #""t":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}"#
        expect(Self.file(header: "{\(t), \"u\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", data: 12)) {
            if case .overlappingTensors = $0 { true } else { false }
        }
        expect(Self.file(header: "{\(t)}", data: 7)) { if case .tensorOutOfBounds(_, "t", 0, 8, 7) = $0 { true } else { false } }
        expect(Self.file(header: #"{"t":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, data: 8)) {
            if case .sizeMismatch(_, "t", [3], "F32", 12, 8) = $0 { true } else { false }
        }
        expect(Self.file(header: #"{"t":{"dtype":"F32","shape":[1099511627776,1099511627776],"data_offsets":[0,8]}}"#, data: 8)) {
            if case .invalidField(_, "t", "shape", _) = $0 { true } else { false }
        }
        for bad in [#"[-1]"#, #"[1.5]"#, #"[true]"#, #"["2"]"#, #"[1e400]"#, #"2"#] {
            expect(Self.file(header: "{\"t\":{\"dtype\":\"F32\",\"shape\":\(bad),\"data_offsets\":[0,4]}}", data: 4)) {
                switch $0 {
                case .invalidField(_, "t", "shape", _): true
                case .invalidHeader: bad == "[1e400]"  // Foundation refuses a number beyond Double
                default: false
                }
            }
        }
        for bad in [#"[8,0]"#, #"[0]"#, #"[0,4,8]"#, #"[0,true]"#, #"[-4,0]"#, #"[0,18446744073709551615]"#] {
            expect(Self.file(header: "{\"t\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":\(bad)}}", data: 8)) {
                switch $0 {
                case .invalidField(_, "t", "data_offsets", _), .tensorOutOfBounds(_, "t", _, _, _): true
                default: false
                }
            }
        }
        expect(Self.file(header: #"{"t":{"dtype":"F33","shape":[1],"data_offsets":[0,4]}}"#, data: 4)) {
            if case .invalidField(_, "t", "dtype", _) = $0 { true } else { false }
        }
        expect(Self.file(header: #"{"__metadata__":{"a":1}}"#)) { if case .invalidField(_, "__metadata__", "a", _) = $0 { true } else { false } }
        expect(Self.file(header: #"{"t":3}"#)) { if case .invalidField(_, "t", _, _) = $0 { true } else { false } }
    }

    func testIndexCorruptionsAreTypedErrors() throws {
        let ref = try HFCheckpointTests.reference("qwen2", matrixType: .f32)
        let entries = HFTestCheckpoint.entries(ref, heads: 4, kvHeads: 2, permute: false, gemma: false)
        let dir = try HFTestCheckpoint.write(config: HFCheckpointTests.cases[2].config, tokenizer: HFTestCheckpoint.byteLevelTokenizer(extra: 16),
                                             entries: entries, shards: 2)
        let indexURL = URL(fileURLWithPath: dir).appendingPathComponent("model.safetensors.index.json")
        let index = try Data(contentsOf: indexURL)
        XCTAssertNoThrow(try HFCheckpoint(directory: dir))
        func isTyped(_ e: Error) -> Bool { e is SafetensorsError || e is HFError }
        // Every truncation of the index.
        for n in stride(from: 0, to: index.count, by: max(1, index.count / 300)) {
            try index.prefix(n).write(to: indexURL)
            XCTAssertThrowsError(try HFCheckpoint(directory: dir), "prefix \(n)") { XCTAssertTrue(isTyped($0), "\($0)") }
        }
        let cases: [(String, (Error) -> Bool)] = [
            (#"{"weight_map": {"model.norm.weight": "../../etc/passwd"}}"#, { if case SafetensorsError.invalidShardName = $0 { true } else { false } }),
            (#"{"weight_map": {"model.norm.weight": "/abs/x.safetensors"}}"#, { if case SafetensorsError.invalidShardName = $0 { true } else { false } }),
            (#"{"weight_map": {"model.norm.weight": 3}}"#, { if case SafetensorsError.invalidIndex = $0 { true } else { false } }),
            (#"{"weight_map": []}"#, { if case SafetensorsError.invalidIndex = $0 { true } else { false } }),
            (#"{"weight_map": {}}"#, { if case SafetensorsError.invalidIndex = $0 { true } else { false } }),
            (#"{"weight_map": {"model.norm.weight": "missing.safetensors"}}"#, { if case HFError.missingFile = $0 { true } else { false } }),
            (#"{"weight_map": {"not.there": "model-00001-of-00002.safetensors"}}"#, {
                if case SafetensorsError.tensorMissingFromShard(_, "not.there", _) = $0 { true } else { false }
            }),
            ("[]", { if case HFError.invalidJSON = $0 { true } else { false } }),
        ]
        for (text, check) in cases {
            try Data(text.utf8).write(to: indexURL)
            XCTAssertThrowsError(try HFCheckpoint(directory: dir), text) { XCTAssertTrue(check($0), "\(text): \($0)") }
        }
        // A tensor in two shards.
        try index.write(to: indexURL)
        let shard2 = URL(fileURLWithPath: dir).appendingPathComponent("model-00002-of-00002.safetensors")
        try Data(HFTestCheckpoint.safetensors([entries[0]])).write(to: shard2)
        XCTAssertThrowsError(try HFCheckpoint(directory: dir)) { e in
            XCTAssertTrue(e is SafetensorsError, "\(e)")
        }
    }
}

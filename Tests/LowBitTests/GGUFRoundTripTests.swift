import Foundation
import XCTest
@testable import LowBit

final class GGUFRoundTripTests: XCTestCase {
    func testEveryTensorTypeRoundTripsExactly() throws {
        for type in GGMLType.supported {
            let w = try SyntheticModel.make(config: microConfig(for: type), type: type, seed: 3)
            let path = temporaryDirectory().appendingPathComponent("rt.gguf").path
            try GGUFWriter.write(w, to: path)
            let file = try GGUFFile(path: path)
            XCTAssertEqual(file.version, 3)
            XCTAssertEqual(file.metadata, w.metadata, "\(type)")
            XCTAssertEqual(file.tensors.map(\.name), w.tensors.map(\.name))
            for (info, t) in zip(file.tensors, w.tensors) {
                XCTAssertEqual(info.type, t.type)
                XCTAssertEqual(info.shape, t.shape)
                XCTAssertEqual(info.offset % 32, 0)
                XCTAssertEqual(Array(file.bytes(of: info)), Array(t.storage.bytes), "\(type) \(t.name)")
            }
        }
    }

    func testAllMetadataValueTypesIncludingNestedArraysRoundTrip() throws {
        var md = GGUFMetadata()
        md["u8"] = .uint8(200)
        md["i8"] = .int8(-5)
        md["u16"] = .uint16(60000)
        md["i16"] = .int16(-30000)
        md["u32"] = .uint32(4_000_000_000)
        md["i32"] = .int32(-2_000_000_000)
        md["f32"] = .float32(3.25)
        md["bool"] = .bool(true)
        md["str"] = .string("héllo ✓")
        md["u64"] = .uint64(.max)
        md["i64"] = .int64(.min)
        md["f64"] = .float64(-1e300)
        md["nested"] = .array(.array, [.array(.int32, [.int32(1), .int32(2)]), .array(.int32, [])])
        md["strings"] = .array(.string, [.string("a"), .string("")])
        let path = temporaryDirectory().appendingPathComponent("md.gguf").path
        try GGUFWriter.write(ModelWeights(metadata: md, tensors: [], source: "md"), to: path)
        XCTAssertEqual(try GGUFFile(path: path).metadata, md)
    }

    func testCustomAlignmentIsHonoured() throws {
        var w = try SyntheticModel.make(config: microConfig, type: .q4_0, seed: 1)
        w.metadata["general.alignment"] = .uint32(64)
        let path = temporaryDirectory().appendingPathComponent("a64.gguf").path
        try GGUFWriter.write(w, to: path)
        let f = try GGUFFile(path: path)
        XCTAssertEqual(f.alignment, 64)
        XCTAssertEqual(f.dataOffset % 64, 0)
        XCTAssertTrue(f.tensors.allSatisfy { $0.offset % 64 == 0 })
    }
}

import Foundation
import XCTest

@testable import LowBit

/// LowBit's reference quantizers and dequantizers against ggml's own: bytes produced by
/// `ggml_quantize_chunk` (the `quantize_row_*_ref` path llama-quantize takes without an
/// importance matrix) and values from ggml's `to_float`, recorded by
/// `Fixtures/arch/make_arch_fixtures.py` from the llama.cpp build of llama-cpp-python.
final class GGMLQuantizerTests: XCTestCase {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/arch/quant_blocks.json")

    /// "8 hex digits per f32, big-endian bit pattern, concatenated".
    static func floats(hex s: String) -> [Float] {
        let u = Array(s.utf8)
        return stride(from: 0, to: u.count, by: 8).map { i in
            Float(bitPattern: UInt32(String(decoding: u[i..<(i + 8)], as: UTF8.self), radix: 16)!)
        }
    }

    static func bytes(hex s: String) -> [UInt8] {
        let u = Array(s.utf8)
        return stride(from: 0, to: u.count, by: 2).map { UInt8(String(decoding: u[$0..<($0 + 2)], as: UTF8.self), radix: 16)! }
    }

    func rows() throws -> [[String: Any]] {
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.fixture)) as! [String: Any]
        return json["rows"] as! [[String: Any]]
    }

    func testEveryTypeQuantizesToGGMLsBytesAndDequantizesToItsValues() throws {
        var checked: [String: Int] = [:]
        for row in try rows() {
            let name = row["name"] as! String
            let x = Self.floats(hex: row["values"] as! String)
            for (typeName, entry) in row["types"] as! [String: [String: String]] {
                guard let type = GGMLType(name: typeName), let traits = type.traits else { continue }
                let want = Self.bytes(hex: entry["bytes"]!)
                let got = try RowCodec.quantize(x, as: type)
                let blockBytes = type.bytesPerBlock
                for b in 0..<(want.count / blockBytes) where got[(b * blockBytes)..<((b + 1) * blockBytes)] != want[(b * blockBytes)..<((b + 1) * blockBytes)] {
                    XCTFail("\(name) \(typeName): block \(b) differs from ggml")
                }
                let values = Self.floats(hex: entry["dequantized"]!)
                var y = [Float](repeating: 0, count: x.count)
                try want.withUnsafeBytes { w in try y.withUnsafeMutableBufferPointer { try traits.dequantizeRowRef(w, into: $0) } }
                XCTAssertEqual(y.map(\.bitPattern), values.map(\.bitPattern), "\(name) \(typeName): dequantized values")
                checked[typeName, default: 0] += 1
            }
        }
        for t in ["q4_0", "q4_1", "q5_0", "q5_1", "q8_0", "q2_K", "q3_K", "q4_K", "q5_K", "q6_K"] {
            XCTAssertGreaterThan(checked[t] ?? 0, 5, "\(t) checked on several rows")
        }
    }

    func testQ8_KActivationsMatchGGML() throws {
        var n = 0
        for row in try rows() {
            let x = Self.floats(hex: row["values"] as! String)
            guard let entry = (row["types"] as! [String: [String: String]])["q8_K"] else { continue }
            let got = try x.withUnsafeBufferPointer { try ActivationQuantizer.quantizeRowQ8_K($0) }
            XCTAssertEqual(got, Self.bytes(hex: entry["bytes"]!), row["name"] as! String)
            n += 1
        }
        XCTAssertGreaterThan(n, 5)
    }
}

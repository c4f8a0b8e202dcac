import Kernels
import XCTest

/// Every row of the type-traits table, checked the same way: the SIMD paths against the
/// scalar reference (the spec), on rows of 1, 3 and 17 blocks plus a 4096-element row.
final class TypeTraitsTests: XCTestCase {
    func blockCounts(_ t: TypeTraits) -> [Int] {
        let b = max(t.blockSize, t.activation.blockSize)
        return [b, 3 * b, 17 * b, b > 1 ? 4096 : 4096 + 5]
    }

    func testEveryTypeIsInTheLayoutRegistry() {
        for t in TypeTraits.table {
            XCTAssertTrue(t.type.isKnown, "\(t.type)")
            XCTAssertEqual(GGMLType(name: t.type.name), t.type)
            XCTAssertEqual(GGMLType(name: t.type.name.uppercased()), t.type)
        }
        XCTAssertEqual(Set(TypeTraits.table.map(\.type)).count, TypeTraits.table.count, "one row per type")
    }

    func testSIMDDequantizeOfStoredRowEqualsReferenceExactly() throws {
        for t in TypeTraits.table {
            for n in blockCounts(t) {
                let x = TestData.values(n, seed: UInt64(n) &+ UInt64(t.type.rawValue), scale: 3)
                let bytes = try RowCodec.quantize(x, as: t.type)
                var stored = [UInt8](repeating: 0, count: bytes.count)
                var ref = [Float](repeating: 0, count: n), simd = [Float](repeating: 0, count: n)
                try bytes.withUnsafeBytes { b in
                    try stored.withUnsafeMutableBytes { try t.repackRow(b, into: $0, count: n) }
                    try ref.withUnsafeMutableBufferPointer { try t.dequantizeRowRef(b, into: $0) }
                }
                try stored.withUnsafeBytes { s in try simd.withUnsafeMutableBufferPointer { try t.dequantizeRow(s, into: $0) } }
                XCTAssertEqual(ref.map(\.bitPattern), simd.map(\.bitPattern), "\(t.type) n=\(n)")
            }
        }
    }

    func testSIMDDotMatchesReferenceAndTheDequantizedProduct() throws {
        for t in TypeTraits.table {
            for n in blockCounts(t) {
                let w = TestData.values(n, seed: 7 &+ UInt64(n), scale: 0.5)
                let x = TestData.values(n, seed: 11 &+ UInt64(n), scale: 2)
                let bytes = try RowCodec.quantize(w, as: t.type)
                var stored = [UInt8](repeating: 0, count: bytes.count)
                try bytes.withUnsafeBytes { b in try stored.withUnsafeMutableBytes { try t.repackRow(b, into: $0, count: n) } }
                let wq = try bytes.withUnsafeBytes { try RowCodec.dequantize($0, as: t.type, count: n) }
                let xq = try t.effectiveActivations(x)
                var exact = 0.0, magnitude = 0.0
                for i in 0..<n {
                    exact += Double(wq[i]) * Double(xq[i])
                    magnitude += abs(Double(wq[i]) * Double(xq[i]))
                }
                let ref = try x.withUnsafeBufferPointer { xb in try bytes.withUnsafeBytes { try t.dotRef($0, xb) } }
                let simd = try x.withUnsafeBufferPointer { xb in try stored.withUnsafeBytes { try t.dot($0, xb) } }
                let portable = try x.withUnsafeBufferPointer { xb in try stored.withUnsafeBytes { try t.portableDot($0, xb) } }
                let tol = 2e-5 * magnitude + 1e-5
                XCTAssertLessThanOrEqual(abs(Double(ref) - exact), tol, "\(t.type) n=\(n): reference vs Σ w·x")
                XCTAssertLessThanOrEqual(abs(Double(simd) - Double(ref)), tol, "\(t.type) n=\(n): SIMD vs reference")
                XCTAssertLessThanOrEqual(abs(Double(portable) - Double(ref)), tol, "\(t.type) n=\(n): portable SIMD vs reference")
            }
        }
    }

    func testUnsupportedAndUnknownTypesHaveNoTraits() {
        XCTAssertNil(GGMLType(rawValue: 200).traits)
        XCTAssertFalse(GGMLType(rawValue: 200).isKnown)
        XCTAssertNil(GGMLType(rawValue: 200).byteCount(elements: 32))
        XCTAssertEqual(GGMLType(name: "iq2_xxs")?.byteCount(elements: 512), 132)
        XCTAssertThrowsError(try RowCodec.quantize([Float](repeating: 0, count: 256), as: GGMLType(name: "iq2_xxs")!)) { e in
            XCTAssertEqual(e as? KernelError, .unsupportedType(GGMLType(name: "iq2_xxs")!))
        }
    }

    func testMisalignedRowsThrow() throws {
        for t in TypeTraits.table where t.activation.blockSize > 1 {
            let x = [Float](repeating: 1, count: t.activation.blockSize + 1)
            let w = [UInt8](repeating: 0, count: 4096)
            XCTAssertThrowsError(try x.withUnsafeBufferPointer { xb in try w.withUnsafeBytes { try t.dotRef($0, xb) } }, "\(t.type)")
        }
    }
}

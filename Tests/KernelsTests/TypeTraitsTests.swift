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

    /// Row counts that cover whole 4- and 8-row panels, partial panels, a panel with tail
    /// rows and a single row.
    let rowCounts = [1, 3, 5, 8, 11]

    func testSIMDDequantizeOfStoredRowsEqualsReferenceExactly() throws {
        for t in TypeTraits.table {
            for n in blockCounts(t) {
                for rows in rowCounts where rows * n <= 1 << 15 {
                    let x = TestData.values(rows * n, seed: UInt64(n) &+ UInt64(t.type.rawValue) &+ UInt64(rows), scale: 3)
                    let bytes = try RowCodec.quantize(x, as: t.type)
                    let rowBytes = bytes.count / rows
                    var stored = [UInt8](repeating: 0, count: bytes.count)
                    try bytes.withUnsafeBytes { b in try stored.withUnsafeMutableBytes { try t.repackMatrix(b, into: $0, rows: rows, cols: n) } }
                    for r in 0..<rows {
                        var ref = [Float](repeating: 0, count: n), simd = [Float](repeating: 0, count: n)
                        try bytes.withUnsafeBytes { b in
                            try ref.withUnsafeMutableBufferPointer {
                                try t.dequantizeRowRef(UnsafeRawBufferPointer(rebasing: b[(r * rowBytes)..<((r + 1) * rowBytes)]), into: $0)
                            }
                        }
                        try stored.withUnsafeBytes { s in
                            try simd.withUnsafeMutableBufferPointer { try t.dequantizeStoredRow(s, row: r, rows: rows, into: $0) }
                        }
                        XCTAssertEqual(ref.map(\.bitPattern), simd.map(\.bitPattern), "\(t.type) \(rows)x\(n) row \(r)")
                    }
                }
            }
        }
    }

    func testGEMVMatchesReferenceAndTheDequantizedProduct() throws {
        for t in TypeTraits.table {
            for n in blockCounts(t) {
                for rows in rowCounts where rows * n <= 1 << 15 {
                    let w = TestData.values(rows * n, seed: 7 &+ UInt64(n) &+ UInt64(rows), scale: 0.5)
                    let x = TestData.values(n, seed: 11 &+ UInt64(n), scale: 2)
                    let bytes = try RowCodec.quantize(w, as: t.type)
                    let rowBytes = bytes.count / rows
                    var stored = [UInt8](repeating: 0, count: bytes.count)
                    try bytes.withUnsafeBytes { b in try stored.withUnsafeMutableBytes { try t.repackMatrix(b, into: $0, rows: rows, cols: n) } }
                    let fast = try x.withUnsafeBufferPointer { xb in try stored.withUnsafeBytes { try t.gemv($0, rows: rows, xb) } }
                    let portable = try x.withUnsafeBufferPointer { xb in try stored.withUnsafeBytes { try t.gemv($0, rows: rows, xb, portable: true) } }
                    let xq = try t.effectiveActivations(x)
                    for r in 0..<rows {
                        let row = try bytes.withUnsafeBytes { b in
                            try RowCodec.dequantize(UnsafeRawBufferPointer(rebasing: b[(r * rowBytes)..<((r + 1) * rowBytes)]), as: t.type, count: n)
                        }
                        var exact = 0.0, magnitude = 0.0
                        for i in 0..<n {
                            exact += Double(row[i]) * Double(xq[i])
                            magnitude += abs(Double(row[i]) * Double(xq[i]))
                        }
                        let ref = try x.withUnsafeBufferPointer { xb in
                            try bytes.withUnsafeBytes { try t.dotRef(UnsafeRawBufferPointer(rebasing: $0[(r * rowBytes)..<((r + 1) * rowBytes)]), xb) }
                        }
                        let tol = 2e-5 * magnitude + 1e-5, what = "\(t.type) \(rows)x\(n) row \(r)"
                        XCTAssertLessThanOrEqual(abs(Double(ref) - exact), tol, "\(what): reference vs Σ w·x")
                        XCTAssertLessThanOrEqual(abs(Double(fast[r]) - Double(ref)), tol, "\(what): fast GEMV vs reference")
                        XCTAssertLessThanOrEqual(abs(Double(portable[r]) - Double(ref)), tol, "\(what): portable GEMV vs reference")
                    }
                }
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

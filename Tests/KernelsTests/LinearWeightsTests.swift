import Kernels
import XCTest

final class LinearWeightsTests: XCTestCase {
    /// Double-precision `y[t, r] = Σ_c W[r, c] · x̃[t, c]` with the dequantized weights and the
    /// activations the kernels see; returns the result and Σ|W·x̃| per output for tolerances.
    private func reference(_ type: GGMLType, w: [UInt8], x: [Float], rows: Int, cols: Int, tokens: Int) throws -> ([Double], [Double]) {
        let wf = try w.withUnsafeBytes { try RowCodec.dequantize($0, as: type, count: rows * cols) }
        var y = [Double](repeating: 0, count: tokens * rows), mag = y
        for t in 0..<tokens {
            let xt = try TestData.effectiveActivations(Array(x[(t * cols)..<((t + 1) * cols)]), for: type)
            for r in 0..<rows {
                for c in 0..<cols {
                    let p = Double(wf[r * cols + c]) * Double(xt[c])
                    y[t * rows + r] += p
                    mag[t * rows + r] += abs(p)
                }
            }
        }
        return (y, mag)
    }

    private func run(_ lw: LinearWeights, _ x: [Float], tokens: Int, pool: ThreadPool?) -> [Float] {
        var y = [Float](repeating: .nan, count: tokens * lw.rows)
        x.withUnsafeBufferPointer { xb in y.withUnsafeMutableBufferPointer { lw.apply(xb, tokens: tokens, into: $0, pool: pool) } }
        return y
    }

    func testGemvAndGemmMatchReferenceOnAwkwardShapes() throws {
        let pool2 = ThreadPool(threads: 2)
        for type in GGMLType.supported {
            let b = type.traits!.activation.blockSize
            let colsList = b > 1 ? [b, 3 * b, 4096 + b] : [33, 96, 4096 + 32]
            for cols in colsList {
                for rows in [1, 7, 13, 20] {
                    let w = try TestData.weights(type, rows: rows, cols: cols, seed: UInt64(rows * 31 + cols))
                    let lw = try w.withUnsafeBytes { try LinearWeights(type: type, rows: rows, cols: cols, bytes: $0) }
                    XCTAssertEqual(lw.quantizesActivations, type.traits!.activation.quantizes)
                    for tokens in [1, 2, 17] where cols < 4096 || tokens < 17 || rows == 7 {
                        let x = TestData.values(tokens * cols, seed: UInt64(tokens + cols))
                        let (ref, mag) = try reference(type, w: w, x: x, rows: rows, cols: cols, tokens: tokens)
                        let y1 = run(lw, x, tokens: tokens, pool: nil)
                        let y2 = run(lw, x, tokens: tokens, pool: pool2)
                        for i in ref.indices {
                            let tol = 2e-5 * mag[i] + 1e-5
                            XCTAssertLessThanOrEqual(abs(Double(y1[i]) - ref[i]), tol, "\(type) \(rows)x\(cols) t=\(tokens) i=\(i)")
                        }
                        XCTAssertEqual(y1, y2, "\(type) \(rows)x\(cols) t=\(tokens): 1 vs 2 threads")
                    }
                }
            }
        }
    }

    /// Enough panels that each thread's four GEMV streams are runs shorter than a quarter
    /// (the run length avoids stream starts a multiple of 64 KiB apart), plus tail rows:
    /// every row still computed once and right.
    func testGemvOfManyPanelsCoversEveryRow() throws {
        let pool2 = ThreadPool(threads: 2)
        for type in [GGMLType.q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q2_K, .q3_K, .q4_K, .q5_K, .q6_K] {
            let rows = 2 * 4 * 8 * 11 + 5, cols = 512
            let w = try TestData.weights(type, rows: rows, cols: cols, seed: 99)
            let lw = try w.withUnsafeBytes { try LinearWeights(type: type, rows: rows, cols: cols, bytes: $0) }
            let x = TestData.values(cols, seed: 5)
            let (ref, mag) = try reference(type, w: w, x: x, rows: rows, cols: cols, tokens: 1)
            let y1 = run(lw, x, tokens: 1, pool: nil), y2 = run(lw, x, tokens: 1, pool: pool2)
            for i in ref.indices {
                XCTAssertLessThanOrEqual(abs(Double(y1[i]) - ref[i]), 2e-5 * mag[i] + 1e-5, "\(type) row \(i)")
            }
            XCTAssertEqual(y1, y2, "\(type): 1 vs 2 threads")
        }
    }

    /// `applyEach` gives every row exactly its own GEMV's result, on 1 and 2 threads, for
    /// every type; a type whose GEMM claims exactness gives the same from `apply`.
    func testApplyEachEqualsEveryRowsOwnGEMVBitForBit() throws {
        let pool2 = ThreadPool(threads: 2)
        for type in GGMLType.supported {
            let b = type.traits!.activation.blockSize
            for (rows, cols) in [(5, b > 1 ? 2 * b : 40), (70, b > 1 ? b : 64), (131, b > 1 ? 3 * b : 96)] {
                let w = try TestData.weights(type, rows: rows, cols: cols, seed: UInt64(rows + 7 * cols))
                let lw = try w.withUnsafeBytes { try LinearWeights(type: type, rows: rows, cols: cols, bytes: $0) }
                for tokens in [2, 3, 5, 9] {
                    let x = TestData.values(tokens * cols, seed: UInt64(13 * tokens + cols))
                    var single = [Float]()
                    for t in 0..<tokens { single += run(lw, Array(x[(t * cols)..<((t + 1) * cols)]), tokens: 1, pool: nil) }
                    for pool in [nil, pool2] {
                        var each = [Float](repeating: .nan, count: tokens * rows)
                        x.withUnsafeBufferPointer { xb in
                            each.withUnsafeMutableBufferPointer { lw.applyEach(xb, tokens: tokens, into: $0, pool: pool) }
                        }
                        XCTAssertEqual(each, single, "\(type) \(rows)x\(cols) t=\(tokens) threads=\(pool?.threadCount ?? 1)")
                        if type.traits!.gemmIsExact {
                            XCTAssertEqual(run(lw, x, tokens: tokens, pool: pool), single, "\(type) exact GEMM t=\(tokens)")
                        }
                    }
                }
            }
        }
        #if arch(x86_64)
        for type in [GGMLType.q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q2_K, .q3_K, .q4_K, .q5_K, .q6_K] {
            XCTAssertTrue(type.traits!.gemmIsExact, "\(type)")
        }
        for type in [GGMLType.q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q2_K, .q3_K, .q4_K, .q5_K, .q6_K] {
            XCTAssertTrue(type.traits!.repacksAtLoad, "\(type) stores panels")
        }
        #endif
    }

    func testOwnerKeepsBytesInPlace() throws {
        final class Holder { var bytes = [UInt8]() }
        let holder = Holder()
        holder.bytes = try TestData.weights(.q8_0, rows: 5, cols: 64, seed: 3)
        let lw = try holder.bytes.withUnsafeBytes { try LinearWeights(type: .q8_0, rows: 5, cols: 64, bytes: $0, owner: holder) }
        let x = TestData.values(64, seed: 4)
        let (ref, mag) = try reference(.q8_0, w: holder.bytes, x: x, rows: 5, cols: 64, tokens: 1)
        let y = run(lw, x, tokens: 1, pool: nil)
        for i in 0..<5 { XCTAssertLessThanOrEqual(abs(Double(y[i]) - ref[i]), 2e-5 * mag[i] + 1e-5) }
    }

    func testShapeErrorsThrow() throws {
        let bytes = [UInt8](repeating: 0, count: 10)
        try bytes.withUnsafeBytes { b in
            XCTAssertThrowsError(try LinearWeights(type: .q4_0, rows: 1, cols: 33, bytes: b))
            XCTAssertThrowsError(try LinearWeights(type: .q8_0, rows: 1, cols: 32, bytes: b))
        }
    }
}

/// The AVX-512 VNNI prefill tiles against the AVX2 kernels: the same bits on every shape,
/// token count and thread count (the code sums are exact integers either way, and the
/// floating-point steps after them are the same operations in the same order).
final class InstructionSetTests: XCTestCase {
    private func apply(_ lw: LinearWeights, _ x: [Float], tokens: Int, pool: ThreadPool?) -> [Float] {
        var y = [Float](repeating: .nan, count: tokens * lw.rows)
        x.withUnsafeBufferPointer { xb in y.withUnsafeMutableBufferPointer { lw.apply(xb, tokens: tokens, into: $0, pool: pool) } }
        return y
    }

    func testLimitIsClampedToWhatTheCPUHas() {
        let before = InstructionSet.limit(to: .avx512vnni)
        defer { InstructionSet.limit(to: before) }
        XCTAssertEqual(InstructionSet.current, InstructionSet.detected)
        InstructionSet.limit(to: .simd)
        #if arch(x86_64)
        XCTAssertEqual(InstructionSet.current, .avx2, "x86-64 builds never go below their AVX2 baseline")
        #else
        XCTAssertEqual(InstructionSet.current, .simd)
        #endif
        XCTAssertEqual(InstructionSet(name: "AVX2"), .avx2)
        XCTAssertNil(InstructionSet(name: "avx9"))
    }

    func testVNNIGemmEqualsAVX2GemmBitForBit() throws {
        guard InstructionSet.detected >= .avx512vnni else {
            throw XCTSkip("this CPU has no AVX-512 VNNI (detected: \(InstructionSet.detected))")
        }
        let before = InstructionSet.current
        defer { InstructionSet.limit(to: before) }
        let pool2 = ThreadPool(threads: 2)
        for type in [GGMLType.q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q2_K, .q3_K, .q4_K, .q6_K] {
            let b = type.traits!.activation.blockSize
            for (rows, cols) in [(1, b), (13, 3 * b), (70, 8 * b), (131, 4096 + b)] {
                let w = try TestData.weights(type, rows: rows, cols: cols, seed: UInt64(rows + cols))
                let lw = try w.withUnsafeBytes { try LinearWeights(type: type, rows: rows, cols: cols, bytes: $0) }
                for tokens in [2, 3, 5, 8, 9, 17] where cols < 4096 || tokens < 9 {
                    let x = TestData.values(tokens * cols, seed: UInt64(3 * tokens + cols))
                    InstructionSet.limit(to: .avx2)
                    let a1 = apply(lw, x, tokens: tokens, pool: nil), a2 = apply(lw, x, tokens: tokens, pool: pool2)
                    InstructionSet.limit(to: .avx512vnni)
                    let v1 = apply(lw, x, tokens: tokens, pool: nil), v2 = apply(lw, x, tokens: tokens, pool: pool2)
                    XCTAssertFalse(a1.contains { $0.isNaN }, "\(type) \(rows)x\(cols) t=\(tokens): unwritten output")
                    XCTAssertEqual(a1, v1, "\(type) \(rows)x\(cols) t=\(tokens): AVX2 vs VNNI")
                    XCTAssertEqual(a2, v2, "\(type) \(rows)x\(cols) t=\(tokens): AVX2 vs VNNI, 2 threads")
                    XCTAssertEqual(v1, v2, "\(type) \(rows)x\(cols) t=\(tokens): VNNI 1 vs 2 threads")
                }
            }
        }
    }
}

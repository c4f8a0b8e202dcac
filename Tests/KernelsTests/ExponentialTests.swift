import Foundation
import XCTest
@testable import Kernels

/// ``Exponential``: the vector form against its scalar specification, and the
/// specification against the C library's `expf`, which it restates.
final class ExponentialTests: XCTestCase {
    /// Every 4099th bit pattern (all signs, exponents, NaNs and infinities), plus the
    /// special-case thresholds and their neighbours.
    private var samples: [Float] {
        var xs: [Float] = []
        var bits: UInt64 = 0
        while bits <= UInt64(UInt32.max) {
            xs.append(Float(bitPattern: UInt32(bits)))
            bits += 4099
        }
        for t: UInt32 in [0x42B0_0000, 0x42B1_7217, 0xC2B0_0000, 0xC2CF_F1B4, 0xC2CE_8ECF, 0x7F80_0000, 0xFF80_0000] {
            for d: UInt32 in 0..<3 { xs += [Float(bitPattern: t &- d), Float(bitPattern: t &+ d)] }
        }
        return xs
    }

    func testExp8EqualsExpRefLaneByLane() {
        let xs = samples
        var i = 0, mismatches = 0
        while i + 8 <= xs.count {
            var v = SIMD8<Float>()
            for l in 0..<8 { v[l] = xs[i + l] }
            let e = Exponential.exp8(v)
            for l in 0..<8 {
                let r = Exponential.expRef(xs[i + l])
                if !(r.isNaN && e[l].isNaN) && r.bitPattern != e[l].bitPattern { mismatches += 1 }
            }
            i += 8
        }
        XCTAssertEqual(mismatches, 0, "exp8 lanes that differ from expRef among \(xs.count)")
    }

    /// The softmax path: rows inside (−88, 0], eight at a time without checks.
    func testNormalPathEqualsExpRef() {
        var mismatches = 0, count = 0
        var x: Float = -88
        while x < 0 {
            let v = SIMD8<Float>(repeating: x) - SIMD8(0, 1e-3, 2e-3, 3e-3, 4e-3, 5e-3, 6e-3, 7e-3)
            let lanes = vmax(v, SIMD8(repeating: -87.999))
            let e = Exponential.exp8Normal(lanes)
            for l in 0..<8 where Exponential.expRef(lanes[l]).bitPattern != e[l].bitPattern { mismatches += 1 }
            count += 8
            x += 0.000_731
        }
        XCTAssertEqual(mismatches, 0, "of \(count)")
    }

    /// Within one ulp of the platform's `expf` everywhere it is finite and normal; on glibc
    /// on x86-64 with FMA (the build `expf` dispatches to on every AVX2 CPU) equal bit for bit.
    func testExpRefMatchesTheCLibrary() {
        var ulpOff = 0, differ = 0, n = 0
        // The sampled bit patterns, then 2^21 evenly spaced points of (−104, 89), where the
        // table and the cubic (not a special case) give the value.
        let dense = (0..<(1 << 21)).map { Float(-104 + Double($0) * (193.0 / Double(1 << 21))) }
        for x in samples + dense where x.isFinite {
            let ours = Exponential.expRef(x), theirs = Foundation.expf(x)
            n += 1
            if ours.bitPattern != theirs.bitPattern {
                differ += 1
                if theirs.isNormal, abs(Int64(ours.bitPattern) - Int64(theirs.bitPattern)) > 1 { ulpOff += 1 }
            }
        }
        XCTAssertEqual(ulpOff, 0, "values more than one ulp from expf among \(n)")
        #if os(Linux) && arch(x86_64)
        if InstructionSet.detected >= .avx2 {
            XCTAssertEqual(differ, 0, "values whose bits differ from glibc's expf among \(n)")
        }
        #endif
        XCTAssertEqual(Exponential.expRef(-.infinity), 0)
        XCTAssertEqual(Exponential.expRef(.infinity), .infinity)
        XCTAssertTrue(Exponential.expRef(.nan).isNaN)
        XCTAssertEqual(Exponential.expRef(0), 1)
    }

    /// The table is what it says: `T[i] + (i << 47)` is `2^(i/32)` to the last bit or one off.
    func testTableHoldsPowersOfTwo() {
        for (i, t) in Exponential.table.enumerated() {
            let value = Double(bitPattern: t &+ (UInt64(i) << 47))
            XCTAssertEqual(value, Foundation.exp2(Double(i) / 32), accuracy: 2 * value.ulp, "entry \(i)")
        }
    }

    /// SwiGLU eight at a time equals its element formula bit for bit, on lengths with and
    /// without a tail and on gates past ±88 (the special-case lanes), and on glibc x86-64
    /// equals the formula with the C library's `expf`.
    func testSwiGLUEqualsItsElementFormula() {
        for n in [0, 1, 7, 8, 9, 1003] {
            var gate = TestData.values(n, seed: UInt64(n + 5)).enumerated().map { i, v in i % 97 == 3 ? v * 400 : v * 12 }
            let up = TestData.values(n, seed: UInt64(n + 9))
            let expected = zip(gate, up).map { VectorOps.swiGLURef($0, $1) }
            #if os(Linux) && arch(x86_64)
            if InstructionSet.detected >= .avx2 {
                let libm = zip(gate, up).map { g, u in g / (1 + Foundation.expf(-g)) * u }
                XCTAssertEqual(expected.map(\.bitPattern), libm.map(\.bitPattern), "n = \(n) against expf")
            }
            #endif
            gate.withUnsafeMutableBufferPointer { g in up.withUnsafeBufferPointer { VectorOps.swiGLU(gate: g, up: $0) } }
            XCTAssertEqual(gate.map(\.bitPattern), expected.map(\.bitPattern), "n = \(n)")
        }
    }
}

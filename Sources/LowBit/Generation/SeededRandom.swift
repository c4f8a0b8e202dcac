/// A small, fast, seedable generator (xoshiro256** by Blackman and Vigna, seeded through
/// SplitMix64; `next = rotl(s1 · 5, 7) · 9`). Every
/// random choice in LowBit goes through one of these, so a given seed reproduces a run.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var s: (UInt64, UInt64, UInt64, UInt64)

    /// Creates a generator whose whole output is determined by `seed`: the state is four
    /// consecutive outputs of SplitMix64 started at `seed` (never all zero).
    public init(seed: UInt64) {
        var z = seed
        s = (Self.splitMix64(&z), Self.splitMix64(&z), Self.splitMix64(&z), Self.splitMix64(&z))
    }

    /// One step of SplitMix64 (Steele, Lea and Flood): advances `state` by the golden-ratio
    /// increment and returns a well-mixed 64-bit value.
    @inlinable @inline(__always)
    public static func splitMix64(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var x = state
        x = (x ^ (x >> 30)) &* 0xBF58_476D_1CE4_E5B9
        x = (x ^ (x >> 27)) &* 0x94D0_49BB_1331_11EB
        return x ^ (x >> 31)
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = ((s.1 &* 5) << 7 | (s.1 &* 5) >> 57) &* 9
        let t = s.1 << 17
        s.2 ^= s.0
        s.3 ^= s.1
        s.1 ^= s.2
        s.0 ^= s.3
        s.2 ^= t
        s.3 = s.3 << 45 | s.3 >> 19
        return result
    }

    /// A uniform float in [0, 1).
    public mutating func nextFloat() -> Float { Float(next() >> 40) * 0x1p-24 }

    /// A uniform double in [0, 1).
    public mutating func nextDouble() -> Double { Double(next() >> 11) * 0x1p-53 }

    /// A uniform double in `[0, 1)` with 53 random bits.
    public mutating func nextUnit() -> Double { nextDouble() }

    /// A standard normal sample in double precision (Box–Muller).
    public mutating func nextNormal() -> Double {
        let u1 = 1 - nextDouble(), u2 = nextDouble()  // u1 in (0, 1]
        return (-2 * _log(u1)).squareRoot() * _cos(2 * Double.pi * u2)
    }

    /// A permutation of `0..<n` (Fisher–Yates with this generator).
    public mutating func permutation(_ n: Int) -> [Int] {
        var p = Array(0..<n)
        if n < 2 { return p }
        for i in stride(from: n - 1, to: 0, by: -1) {
            p.swapAt(i, Int(next() % UInt64(i + 1)))
        }
        return p
    }

}

// Foundation-free elementary functions for the generator.
@inline(__always) private func _log(_ x: Double) -> Double { x.logValue }
@inline(__always) private func _cos(_ x: Double) -> Double { x.cosValue }

extension Double {
    fileprivate var logValue: Double {
        #if canImport(Glibc)
        return Glibc.log(self)
        #else
        return Darwin.log(self)
        #endif
    }
    fileprivate var cosValue: Double {
        #if canImport(Glibc)
        return Glibc.cos(self)
        #else
        return Darwin.cos(self)
        #endif
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

import LowBit

/// A small, seedable pseudo-random generator whose output is fixed forever by its seed.
///
/// The state is xoshiro256** (Blackman and Vigna), seeded by expanding one `UInt64` through
/// SplitMix64. Every derived draw (`int(below:)`, `shuffle(_:)`, `choose(_:from:)`) is
/// implemented here rather than through the standard library's `random(in:using:)` or
/// `shuffled(using:)`, whose algorithms are not promised to stay the same across Swift
/// releases. A corpus generated from a seed is therefore byte-identical on every platform
/// and toolchain.
///
/// ```
/// state ← SplitMix64(seed) × 4
/// next  = rotl(s1 · 5, 7) · 9
/// ```
public struct CorpusRNG: Sendable {
    /// The bit source: LowBit's one xoshiro256** generator.
    private var core: SeededRandom

    /// Creates a generator whose whole sequence is determined by `seed`.
    ///
    /// - Parameter seed: any 64-bit value; 0 is fine, SplitMix64 never yields an all-zero state.
    public init(seed: UInt64) { core = SeededRandom(seed: seed) }

    /// Returns the next 64 random bits.
    @inline(__always)
    public mutating func next() -> UInt64 { core.next() }

    /// Returns a uniform integer in `0..<bound`, without modulo bias (Lemire's method).
    ///
    /// - Parameter bound: the exclusive upper bound; values ≤ 0 return 0.
    /// - Returns: an integer `x` with `0 <= x < bound` (or 0 when `bound <= 0`).
    public mutating func int(below bound: Int) -> Int {
        guard bound > 1 else { return 0 }
        let n = UInt64(bound)
        var product = next().multipliedFullWidth(by: n)
        if product.low < n {
            let threshold = (0 &- n) % n
            while product.low < threshold {
                product = next().multipliedFullWidth(by: n)
            }
        }
        return Int(product.high)
    }

    /// Returns a uniformly chosen element of a non-empty array, or `nil` when it is empty.
    ///
    /// - Parameter elements: the candidates.
    /// - Returns: one element, each with probability `1 / elements.count`.
    public mutating func element<T>(of elements: [T]) -> T? {
        elements.isEmpty ? nil : elements[int(below: elements.count)]
    }

    /// Shuffles `elements` in place with the Fisher–Yates algorithm.
    ///
    /// - Parameter elements: the array to permute.
    public mutating func shuffle<T>(_ elements: inout [T]) {
        var i = elements.count - 1
        while i > 0 {
            let j = int(below: i + 1)
            if i != j { elements.swapAt(i, j) }
            i -= 1
        }
    }

    /// Returns `count` distinct elements of `elements` in random order (all of them, shuffled,
    /// when `count >= elements.count`).
    ///
    /// - Parameters:
    ///   - count: how many to draw.
    ///   - elements: the candidates.
    /// - Returns: a random sample without replacement.
    public mutating func sample<T>(_ count: Int, from elements: [T]) -> [T] {
        var copy = elements
        shuffle(&copy)
        return Array(copy.prefix(max(0, count)))
    }
}

extension UInt64 {
    @inline(__always)
    fileprivate func rotatedLeft(by k: UInt64) -> UInt64 { (self << k) | (self >> (64 &- k)) }
}

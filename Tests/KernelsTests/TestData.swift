import Kernels

/// Deterministic test vectors.
enum TestData {
    /// `count` values in [-scale, scale), with every 7th value an exact half-step to exercise
    /// rounding ties.
    static func values(_ count: Int, seed: UInt64, scale: Float = 1) -> [Float] {
        var rng = SplitMix64(seed: seed)
        return (0..<count).map { i in
            let u = Float(rng.nextUnit() * 2 - 1) * scale
            return i % 7 == 3 ? (u * 8).rounded() / 8 + 0.0625 : u
        }
    }

    /// Row-major `[rows, cols]` weights encoded as `type`.
    static func weights(_ type: GGMLType, rows: Int, cols: Int, seed: UInt64) throws -> [UInt8] {
        try RowCodec.quantize(values(rows * cols, seed: seed), as: type)
    }

    /// What the kernels see of `x` for `type`: rounded through its activation format.
    static func effectiveActivations(_ x: [Float], for type: GGMLType) throws -> [Float] {
        try type.traits!.effectiveActivations(x)
    }
}

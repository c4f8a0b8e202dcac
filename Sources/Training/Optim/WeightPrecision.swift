import Kernels
import LowBit

/// The precision training keeps weights (or Adam moments) in between steps, as pure
/// low-precision PyTorch training does: f32 (no rounding), bf16 or f16 with
/// round-to-nearest-even after every step, or bf16 with stochastic rounding.
public enum WeightPrecision: String, Sendable, CaseIterable {
    case f32
    case bf16
    case f16
    /// bf16 with stochastic rounding: up with probability equal to the dropped fraction.
    case bf16Stochastic = "bf16-sr"

    /// Rounds every value in place (`rng` feeds stochastic rounding).
    public func round(_ values: inout [Float], rng: inout SeededRandom) {
        switch self {
        case .f32:
            return
        case .bf16, .f16:
            for i in values.indices { values[i] = rounded(values[i]) }
        case .bf16Stochastic:
            for i in values.indices { values[i] = Self.stochasticBF16(values[i], UInt32(truncatingIfNeeded: rng.next()) & 0xFFFF) }
        }
    }

    /// `x` rounded to the nearest value of this precision (bf16 for `bf16-sr`).
    public func rounded(_ x: Float) -> Float {
        switch self {
        case .f32: x
        case .bf16, .bf16Stochastic: HalfConversion.float(bf16Bits: HalfConversion.bf16Bits(x))
        case .f16: HalfConversion.float(f16Bits: HalfConversion.f16Bits(x))
        }
    }

    /// The deterministic precision a run starts from: the target is rounded to nearest in it.
    public var nearest: WeightPrecision { self == .bf16Stochastic ? .bf16 : self }

    /// The GGUF type that stores weights of this precision exactly.
    public var storageType: GGMLType {
        switch self {
        case .f32: .f32
        case .f16: .f16
        case .bf16, .bf16Stochastic: .bf16
        }
    }

    /// `x` rounded to bf16 by adding `r` (16 random bits) below the kept bits and truncating:
    /// rounds up with probability equal to the dropped fraction. NaN and ±∞ are kept.
    static func stochasticBF16(_ x: Float, _ r: UInt32) -> Float {
        guard x.isFinite else { return x }
        let rounded = Float(bitPattern: (x.bitPattern &+ r) & 0xFFFF_0000)
        return rounded.isFinite ? rounded : Float(bitPattern: x.bitPattern & 0xFFFF_0000)
    }
}

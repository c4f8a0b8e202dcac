import Foundation
import LowBit

/// AdamW with f32 master weights (Loshchilov & Hutter), decoupled weight decay, optional
/// global-norm gradient clipping and per-tensor learning-rate multipliers.
///
/// ```
/// g ← g · min(1, clip/‖g‖)                      (if clipping)
/// m ← β1·m + (1−β1)·g          v ← β2·v + (1−β2)·g²
/// m̂ = m/(1−β1ᵗ)                v̂ = v/(1−β2ᵗ)
/// θ ← θ − lr·μ_tensor·(m̂/(√v̂ + ε) + λ·θ)
/// ```
public struct AdamW: Sendable {
    /// Base learning rate.
    public var learningRate: Float
    /// First-moment decay (β1).
    public var beta1: Float
    /// Second-moment decay (β2).
    public var beta2: Float
    /// Denominator epsilon.
    public var epsilon: Float
    /// Decoupled weight decay (λ).
    public var weightDecay: Float
    /// Clip the global gradient L2 norm to this value, if set.
    public var gradientClip: Float?
    /// Per-tensor learning-rate multipliers (μ), one per `layout.entries`; 0 freezes a tensor.
    public var learningRateMultipliers: [Float]
    /// Steps taken so far.
    public private(set) var step = 0
    let ranges: [Range<Int>]
    var m: [Float]
    var v: [Float]

    /// Creates an optimizer for parameters laid out as `layout`.
    ///
    /// - Parameters:
    ///   - layout: the parameter layout (for per-tensor multipliers).
    ///   - learningRate: base learning rate.
    ///   - beta1: first-moment decay, 0.9 by default.
    ///   - beta2: second-moment decay, 0.999 by default.
    ///   - epsilon: 1e-8 by default.
    ///   - weightDecay: decoupled weight decay, 0 by default.
    ///   - gradientClip: global-norm clip, none by default.
    public init(
        layout: ParameterLayout, learningRate: Float, beta1: Float = 0.9, beta2: Float = 0.999,
        epsilon: Float = 1e-8, weightDecay: Float = 0, gradientClip: Float? = nil
    ) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.gradientClip = gradientClip
        ranges = layout.entries.map(\.range)
        learningRateMultipliers = [Float](repeating: 1, count: layout.entries.count)
        m = [Float](repeating: 0, count: layout.totalCount)
        v = m
    }

    /// The L2 norm of `gradients`, summed in Double in index order.
    public static func norm(_ gradients: [Float]) -> Double {
        var s = 0.0
        for g in gradients { s += Double(g) * Double(g) }
        return s.squareRoot()
    }

    /// Rounds the first and second moments in place (bf16 moments: `--moments bf16`).
    public mutating func roundMoments(_ precision: WeightPrecision, rng: inout SeededRandom) {
        precision.round(&m, rng: &rng)
        precision.round(&v, rng: &rng)
    }

    /// Applies one update to `parameters` from `gradients`.
    ///
    /// - Parameters:
    ///   - parameters: the flat weights, updated in place.
    ///   - gradients: `∂L/∂θ`, as long as `parameters`.
    ///   - learningRate: overrides the base learning rate for this step (for schedules).
    /// - Returns: the gradient norm before clipping.
    @discardableResult
    public mutating func update(_ parameters: inout [Float], gradients: [Float], learningRate: Float? = nil) -> Double {
        precondition(parameters.count == m.count && gradients.count == m.count, "AdamW: size mismatch")
        step += 1
        let gradNorm = Self.norm(gradients)
        var gScale: Float = 1
        if let clip = gradientClip, gradNorm > Double(clip), gradNorm > 0 { gScale = Float(Double(clip) / gradNorm) }
        let b1 = beta1, b2 = beta2, eps = epsilon, wd = weightDecay
        let c1 = Float(1 - pow(Double(beta1), Double(step)))
        let c2 = Float(1 - pow(Double(beta2), Double(step)))
        let baseLR = learningRate ?? self.learningRate
        let multipliers = learningRateMultipliers
        let ranges = self.ranges
        parameters.withUnsafeMutableBufferPointer { p in
            gradients.withUnsafeBufferPointer { g in
                m.withUnsafeMutableBufferPointer { m in
                    v.withUnsafeMutableBufferPointer { v in
                        for (t, range) in ranges.enumerated() {
                            let lr = baseLR * multipliers[t]
                            for i in range {
                                let gi = g[i] * gScale
                                m[i] = b1 * m[i] + (1 - b1) * gi
                                v[i] = b2 * v[i] + (1 - b2) * gi * gi
                                guard lr != 0 else { continue }
                                let mHat = m[i] / c1, vHat = v[i] / c2
                                p[i] -= lr * (mHat / (vHat.squareRoot() + eps) + wd * p[i])
                            }
                        }
                    }
                }
            }
        }
        return gradNorm
    }
}

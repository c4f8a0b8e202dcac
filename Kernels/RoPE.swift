import Foundation

/// Rotary position embedding as ggml's `ggml_rope_ext` computes it (without YaRN's
/// extrapolation mix), for the two layouts GGUF models use.
///
/// For pair `i` of the first `dims` elements of a head (the rest pass through unchanged):
///
/// ```
/// θ_i   = scale · pos · base^(−2i/dims) / factor[i]     (θ built by repeated multiplication, as ggml)
/// (a, b) ← (a·cos θ_i − b·sin θ_i,  a·sin θ_i + b·cos θ_i) · mscale
/// normal: (a, b) = (x[2i], x[2i+1])          (llama)
/// neox:   (a, b) = (x[i],  x[i + dims/2])     (qwen2, qwen3, gemma2, gemma3, phi3)
/// ```
public struct RoPE: Sendable, Hashable {
    /// How a head's elements pair up.
    public enum Layout: String, Sendable, Hashable, Codable {
        /// Adjacent pairs `(x[2i], x[2i+1])`: llama.cpp's `LLAMA_ROPE_TYPE_NORM`.
        case normal
        /// Halves `(x[i], x[i + dims/2])`: llama.cpp's `LLAMA_ROPE_TYPE_NEOX`.
        case neox
    }

    /// Rotated elements per head (`rope.dimension_count`; even, at most the head size).
    public var dims: Int
    public var layout: Layout
    /// θ base (`rope.freq_base`).
    public var base: Float
    /// Linear position scale (`1 / rope.scaling.factor`; 1 without scaling).
    public var scale: Float
    /// Per-pair frequency divisors (`rope_freqs.weight`, Llama 3.1; phi3's rope factors), or
    /// empty.
    public var factors: [Float]
    /// Magnitude factor on cos and sin (`rope.scaling.attn_factor`; 1 by default).
    public var mscale: Float

    public init(dims: Int, layout: Layout, base: Float, scale: Float = 1, factors: [Float] = [], mscale: Float = 1) {
        self.dims = dims
        self.layout = layout
        self.base = base
        self.scale = scale
        self.factors = factors
        self.mscale = mscale
    }

    /// `(cos θ_i · mscale, sin θ_i · mscale)` for `i` in `0..<dims/2` at `position`, into
    /// `cache` (`dims` floats, interleaved cos, sin).
    public func angles(position: Int, into cache: UnsafeMutableBufferPointer<Float>) {
        precondition(cache.count >= dims && dims % 2 == 0, "RoPE.angles: cache too small")
        let thetaScale = powf(base, -2 / Float(dims))
        var theta = Float(position)
        for i in 0..<(dims / 2) {
            let ff: Float = factors.isEmpty ? 1 : factors[i]
            let t = scale * (theta / ff)
            cache[2 * i] = cosf(t) * mscale
            cache[2 * i + 1] = sinf(t) * mscale
            theta *= thetaScale
        }
    }

    /// Rotates `heads` heads of `headDim` elements in `x` by the angles in `cache` (from
    /// ``angles(position:into:)``); `inverse` rotates back (the transpose, for gradients).
    public func apply(
        _ x: UnsafeMutableBufferPointer<Float>, heads: Int, headDim: Int, cache: UnsafeBufferPointer<Float>,
        inverse: Bool = false
    ) {
        precondition(x.count >= heads * headDim && dims <= headDim && cache.count >= dims, "RoPE.apply: shape mismatch")
        let half = dims / 2
        let sign: Float = inverse ? -1 : 1
        for h in 0..<heads {
            let base = h * headDim
            for i in 0..<half {
                let c = cache[2 * i], s = sign * cache[2 * i + 1]
                let (j0, j1) = layout == .normal ? (base + 2 * i, base + 2 * i + 1) : (base + i, base + i + half)
                let x0 = x[j0], x1 = x[j1]
                x[j0] = x0 * c - x1 * s
                x[j1] = x0 * s + x1 * c
            }
        }
    }
}

import Foundation

/// Cosines and sines of rotary position embedding, llama.cpp's "normal" layout: each head's
/// adjacent pairs `(x[2i], x[2i+1])` rotate by `pos · base^(−2i/headDim)`.
///
/// The angles are computed with exactly the arithmetic of `Kernels.VectorOps.rope`
/// (`theta = pos`, then `theta *= base^(−2/headDim)` per pair), so training and inference
/// rotate bit for bit alike.
struct RoPETable {
    let headDim: Int
    /// `[positions, headDim/2]`.
    let cos: [Float]
    /// `[positions, headDim/2]`.
    let sin: [Float]

    init(headDim: Int, positions: Int, base: Float) {
        self.headDim = headDim
        let half = headDim / 2
        var c = [Float](repeating: 0, count: positions * half)
        var s = c
        let thetaScale = powf(base, -2 / Float(headDim))
        for p in 0..<positions {
            var theta = Float(p)
            for i in 0..<half {
                c[p * half + i] = cosf(theta)
                s[p * half + i] = sinf(theta)
                theta *= thetaScale
            }
        }
        cos = c
        sin = s
    }

    /// Rotates `heads` heads of one row in place by `position` (forward), or by the inverse
    /// rotation (`inverse`, which maps output gradients to input gradients).
    @inline(__always)
    func apply(_ x: UnsafeMutablePointer<Float>, heads: Int, position: Int, inverse: Bool) {
        let half = headDim / 2
        cos.withUnsafeBufferPointer { cp in
            sin.withUnsafeBufferPointer { sp in
                let base = position * half
                for h in 0..<heads {
                    let row = x + h * headDim
                    for i in 0..<half {
                        let c = cp[base + i], s = inverse ? -sp[base + i] : sp[base + i]
                        let x0 = row[2 * i], x1 = row[2 * i + 1]
                        row[2 * i] = x0 * c - x1 * s
                        row[2 * i + 1] = x0 * s + x1 * c
                    }
                }
            }
        }
    }
}

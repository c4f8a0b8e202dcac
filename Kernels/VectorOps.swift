import Foundation

/// Element-wise and row-wise f32 operations of the transformer forward pass.
public enum VectorOps {
    /// RMSNorm: `y[i] = x[i] / sqrt(mean(x²) + eps) · weight[i]`, with the sum in f32 as
    /// ggml computes it.
    public static func rmsNorm(
        _ x: UnsafeBufferPointer<Float>, weight: UnsafeBufferPointer<Float>, eps: Float,
        into y: UnsafeMutableBufferPointer<Float>
    ) {
        let n = x.count
        precondition(weight.count == n && y.count == n, "rmsNorm: shape mismatch")
        var ss: Float = 0
        for i in 0..<n { ss = ss.addingProduct(x[i], x[i]) }
        let scale = 1 / (ss / Float(n) + eps).squareRoot()
        for i in 0..<n { y[i] = x[i] * scale * weight[i] }
    }

    /// `y[i] += x[i]` (the residual add).
    public static func add(_ x: UnsafeBufferPointer<Float>, into y: UnsafeMutableBufferPointer<Float>) {
        precondition(x.count == y.count, "add: shape mismatch")
        guard let xp = x.baseAddress, let yp = y.baseAddress else { return }
        let n = x.count
        var i = 0
        while i + 8 <= n { store8(load8(xp + i) + load8(yp + i), yp + i); i += 8 }
        while i < n { yp[i] += xp[i]; i += 1 }
    }

    /// In-place softmax over `x`.
    public static func softmax(_ x: UnsafeMutableBufferPointer<Float>) {
        guard let m = x.max() else { return }
        var sum: Float = 0
        for i in x.indices {
            let e = expf(x[i] - m)
            x[i] = e
            sum += e
        }
        let inv = 1 / sum
        for i in x.indices { x[i] *= inv }
    }

    /// SwiGLU: `gate[i] = silu(gate[i]) · up[i]`, in place in `gate`.
    public static func swiGLU(gate: UnsafeMutableBufferPointer<Float>, up: UnsafeBufferPointer<Float>) {
        precondition(gate.count == up.count, "swiGLU: shape mismatch")
        for i in gate.indices {
            let g = gate[i]
            gate[i] = g / (1 + expf(-g)) * up[i]
        }
    }

    /// Rotary position embedding in llama.cpp's "normal" layout (the one GGUF llama files
    /// use): each head's adjacent pairs `(x[2i], x[2i+1])` rotate by `pos · base^(-2i/headDim)`.
    ///
    /// - Parameters:
    ///   - x: `[heads, headDim]` for one token, rotated in place.
    ///   - heads: number of heads in `x`.
    ///   - headDim: elements per head (even).
    ///   - position: the token's absolute position.
    ///   - freqBase: RoPE θ base (10000 for Llama).
    public static func rope(
        _ x: UnsafeMutableBufferPointer<Float>, heads: Int, headDim: Int, position: Int, freqBase: Float
    ) {
        precondition(x.count >= heads * headDim && headDim % 2 == 0, "rope: shape mismatch")
        let thetaScale = powf(freqBase, -2 / Float(headDim))
        var theta = Float(position)
        for i in stride(from: 0, to: headDim, by: 2) {
            let c = cosf(theta), s = sinf(theta)
            for h in 0..<heads {
                let j = h * headDim + i
                let x0 = x[j], x1 = x[j + 1]
                x[j] = x0 * c - x1 * s
                x[j + 1] = x0 * s + x1 * c
            }
            theta *= thetaScale
        }
    }
}

import Foundation

/// Element-wise and row-wise f32 operations of the transformer forward pass.
public enum VectorOps {
    /// RMSNorm: `y[i] = x[i] / sqrt(mean(x²) + eps) · weight[i]`, with the sum in f32 as
    /// ggml computes it.
    ///
    /// - Returns: `1 / sqrt(mean(x²) + eps)`, which the backward pass needs.
    @discardableResult
    public static func rmsNorm(
        _ x: UnsafeBufferPointer<Float>, weight: UnsafeBufferPointer<Float>, eps: Float,
        into y: UnsafeMutableBufferPointer<Float>
    ) -> Float {
        let n = x.count
        precondition(weight.count == n && y.count == n, "rmsNorm: shape mismatch")
        var ss: Float = 0
        for i in 0..<n { ss = ss.addingProduct(x[i], x[i]) }
        let scale = 1 / (ss / Float(n) + eps).squareRoot()
        for i in 0..<n { y[i] = x[i] * scale * weight[i] }
        return scale
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

    /// SwiGLU: `gate[i] = silu(gate[i]) · up[i] = gate[i] / (1 + e^−gate[i]) · up[i]`, in
    /// place in `gate`; eight at a time with ``Exponential/exp8(_:)``, each element by the
    /// same operations as ``swiGLURef(_:_:)``.
    public static func swiGLU(gate: UnsafeMutableBufferPointer<Float>, up: UnsafeBufferPointer<Float>) {
        precondition(gate.count == up.count, "swiGLU: shape mismatch")
        guard let g = gate.baseAddress, let u = up.baseAddress else { return }
        let n = gate.count, one = SIMD8<Float>(repeating: 1)
        var i = 0
        while i + 8 <= n {
            let x = load8(g + i)
            store8(x / (one + Exponential.exp8(-x)) * load8(u + i), g + i)
            i += 8
        }
        while i < n { g[i] = swiGLURef(g[i], u[i]); i += 1 }
    }

    /// One element of ``swiGLU(gate:up:)``: `g / (1 + e^−g) · u`.
    @inline(__always)
    public static func swiGLURef(_ g: Float, _ u: Float) -> Float { g / (1 + Exponential.expRef(-g)) * u }

    /// GeGLU with the tanh approximation of GELU (ggml's `ggml_gelu`, Hugging Face's
    /// `gelu_pytorch_tanh`): `gate[i] = gelu(gate[i]) · up[i]`, in place in `gate`, where
    /// `gelu(x) = 0.5·x·(1 + tanh(√(2/π)·x·(1 + 0.044715·x²)))`.
    public static func geluGLU(gate: UnsafeMutableBufferPointer<Float>, up: UnsafeBufferPointer<Float>) {
        precondition(gate.count == up.count, "geluGLU: shape mismatch")
        for i in gate.indices { gate[i] = gelu(gate[i]) * up[i] }
    }

    /// GELU, tanh approximation, as ggml computes it in f32.
    @inlinable
    public static func gelu(_ x: Float) -> Float {
        let c: Float = 0.79788456080286535587989211986876  // √(2/π)
        return 0.5 * x * (1 + tanhf(c * x * (1 + 0.044715 * x * x)))
    }

    /// Soft-capping in place: `x[i] = cap · tanh(x[i] / cap)`.
    public static func softcap(_ x: UnsafeMutableBufferPointer<Float>, cap: Float) {
        for i in x.indices { x[i] = cap * tanhf(x[i] / cap) }
    }

    /// `x[i] *= factor`.
    public static func scale(_ x: UnsafeMutableBufferPointer<Float>, by factor: Float) {
        for i in x.indices { x[i] *= factor }
    }

    /// Adds `bias` to each of the `x.count / bias.count` rows of `x`.
    public static func addBias(_ bias: UnsafeBufferPointer<Float>, toRows x: UnsafeMutableBufferPointer<Float>) {
        let n = bias.count
        precondition(n > 0 && x.count % n == 0, "addBias: shape mismatch")
        for r in 0..<(x.count / n) {
            add(bias, into: UnsafeMutableBufferPointer(rebasing: x[(r * n)..<((r + 1) * n)]))
        }
    }

    /// Rotary position embedding in llama.cpp's "normal" layout over whole heads (the Llama
    /// case of ``RoPE``): each head's adjacent pairs `(x[2i], x[2i+1])` rotate by
    /// `pos · base^(-2i/headDim)`.
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
        let r = RoPE(dims: headDim, layout: .normal, base: freqBase)
        withUnsafeTemporaryAllocation(of: Float.self, capacity: headDim) { cache in
            r.angles(position: position, into: cache)
            r.apply(x, heads: heads, headDim: headDim, cache: UnsafeBufferPointer(cache))
        }
    }
}

/// Dense symmetric positive-definite linear algebra in f64 for GPTQ (`n × n`, row-major).
enum Cholesky {
    /// The lower-triangular `L` with `A = L·Lᵀ`, or `nil` when `A` is not positive definite.
    static func lower(_ a: [Double], n: Int) -> [Double]? {
        var l = [Double](repeating: 0, count: n * n)
        for j in 0..<n {
            var d = a[j * n + j]
            for k in 0..<j { d -= l[j * n + k] * l[j * n + k] }
            guard d > 0, d.isFinite else { return nil }
            let djj = d.squareRoot()
            l[j * n + j] = djj
            for i in (j + 1)..<max(j + 1, n) {
                var s = a[i * n + j]
                for k in 0..<j { s -= l[i * n + k] * l[j * n + k] }
                l[i * n + j] = s / djj
            }
        }
        return l
    }

    /// `A⁻¹` from `A`'s lower Cholesky factor (`torch.cholesky_inverse`).
    static func inverse(lower l: [Double], n: Int) -> [Double] {
        // Linv = L⁻¹ (lower), by forward substitution on the identity; A⁻¹ = Linvᵀ·Linv.
        var inv = [Double](repeating: 0, count: n * n)
        for c in 0..<n {
            inv[c * n + c] = 1 / l[c * n + c]
            for i in (c + 1)..<max(c + 1, n) {
                var s = 0.0
                for k in c..<i { s -= l[i * n + k] * inv[k * n + c] }
                inv[i * n + c] = s / l[i * n + i]
            }
        }
        var out = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in i..<n {
                var s = 0.0
                for k in j..<n { s += inv[k * n + i] * inv[k * n + j] }
                out[i * n + j] = s
                out[j * n + i] = s
            }
        }
        return out
    }
}

/// The second-moment (Gram) matrix of activation rows, `H += Σ_t x_t x_tᵀ`, that GPTQ's
/// Hessian is built from: f32 products summed in f64, upper triangle only.
public enum GramAccumulation {
    /// Adds `x[t, i] · x[t, j]` for every row `t` of `x` (`[rows, width]`) and `j ≥ i` to
    /// `h[i · width + j]`. Zero entries of a row are skipped.
    public static func accumulateUpper(_ x: UnsafeBufferPointer<Float>, width n: Int, into h: inout [Double]) {
        precondition(n > 0 && x.count % n == 0 && h.count == n * n, "GramAccumulation: shape mismatch")
        let count = x.count / n
        h.withUnsafeMutableBufferPointer { h in
            for t in 0..<count {
                let row = x.baseAddress! + t * n
                for i in 0..<n {
                    let xi = row[i]
                    if xi == 0 { continue }
                    let hi = h.baseAddress! + i * n
                    for j in i..<n { hi[j] += Double(xi * row[j]) }
                }
            }
        }
    }
}

import Foundation
import Kernels

/// AWQ (Lin et al. 2023), as its reference code (`llm-awq`, `auto_scale`) searches it: the
/// matrices that read one input share a per-input-channel scale `s`, chosen from a grid of
/// 20 exponents by the error of their outputs on calibration activations, and are quantized
/// as `Q(W·diag(s))·diag(s)⁻¹` on an asymmetric grid with zero points per group of 128
/// (``GroupQuantizer`` in the `.awq` style):
///
/// ```
/// x̄_c   = mean |x_c| over the calibration rows
/// s(α)  = max(x̄^α, 1e−4) / sqrt(max s · min s)          α ∈ {0, 1/20, …, 19/20}
/// α*    = argmin_α Σ_matrices mean ‖X·(Q(W·s)/s)ᵀ − X·Wᵀ‖²
/// ```
///
/// Real AWQ folds `1/s` into the previous operation (the norm weight or the previous linear
/// layer); a fake-quant file stores the product instead, which is the same function. The
/// error is measured on the group's own outputs (the reference inspects the enclosing
/// module's output) and AWQ's weight-clipping search is not run. Blocks are processed in
/// order on the outputs of the blocks already quantized. Embeddings and head are kept.
public struct AWQ: WeightScheme {
    public let bits: Int
    public var family: String { "awq" }
    public var groupSize: Int? = 128
    /// Exponents tried (`n_grid`).
    public var gridPoints = 20
    /// Calibration rows the output error is measured on.
    public var sampleRows = 512

    public init(bits: Int = 4) { self.bits = bits }

    public var name: String { "awq\(bits)" }
    public var needsCalibration: Bool { true }
    public var settings: [String: String] { ["grid": "\(gridPoints)", "zero_point": "true", "clip_search": "false"] }

    public func apply(to weights: ModelWeights, context: QuantizationContext) throws(QuantizationError) -> ModelWeights {
        try LayerwiseCalibration.run(weights, scheme: self, context: context, hessian: false, sampleRows: sampleRows) {
            (input, tensors, values, statistics) throws(QuantizationError) in
            guard let s = statistics.inputs[input], s.rows > 0 else {
                throw .model(scheme: name, message: "no calibration inputs reached \(tensors[0].name)")
            }
            let meanAbs = s.absSum.map { Float($0 / Double(s.rows)) }
            return search(matrices: values, rows: tensors.map(\.rowCount), cols: s.width, meanAbs: meanAbs, sample: s.sample).values
        }
    }

    /// The scale search for matrices `[rows[k], cols]` that read the same input: returns each
    /// one's fake-quant values and the chosen exponent.
    public func search(matrices: [[Float]], rows: [Int], cols n: Int, meanAbs: [Float], sample x: [Float])
        -> (values: [[Float]], alpha: Float)
    {
        let quantizer = GroupQuantizer(bits: bits, style: .awq)
        let m = x.count / n
        let reference = zip(matrices, rows).map { Self.outputs(x, m, $0.0, $0.1, n) }
        var best: (error: Double, values: [[Float]], alpha: Float)?
        for k in 0..<gridPoints {
            let alpha = Float(k) / Float(gridPoints)
            var s = meanAbs.map { max(Self.power($0, alpha), 1e-4) }
            let norm = ((s.max() ?? 1) * (s.min() ?? 1)).squareRoot()
            s = s.map { $0 / norm }
            var error = 0.0
            var candidate: [[Float]] = []
            for (i, (w, r)) in zip(matrices, rows).enumerated() {
                var scaled = w
                for row in 0..<r { for c in 0..<n { scaled[row * n + c] *= s[c] } }
                var q = quantizer.quantize(matrix: scaled, rows: r, cols: n, groupSize: groupSize)
                for row in 0..<r { for c in 0..<n { q[row * n + c] /= s[c] } }
                let y = Self.outputs(x, m, q, r, n)
                var e = 0.0
                for j in y.indices { let d = Double(y[j] - reference[i][j]); e += d * d }
                error += e / Double(max(1, y.count))
                candidate.append(q)
            }
            if best == nil || error < best!.error { best = (error, candidate, alpha) }
        }
        return (best!.values, best!.alpha)
    }

    /// `x^α` as torch's `pow` gives it for x ≥ 0 (`0^0 = 1`).
    static func power(_ x: Float, _ a: Float) -> Float { a == 0 ? 1 : (x == 0 ? 0 : Float(Foundation.pow(Double(x), Double(a)))) }

    /// `X·Wᵀ`: `[m, rows]` for `X` `[m, n]` and `W` `[rows, n]`.
    static func outputs(_ x: [Float], _ m: Int, _ w: [Float], _ rows: Int, _ n: Int) -> [Float] {
        var y = [Float](repeating: 0, count: m * rows)
        x.withUnsafeBufferPointer { xp in
            w.withUnsafeBufferPointer { wp in
                for t in 0..<m {
                    let xr = UnsafeBufferPointer(rebasing: xp[(t * n)..<((t + 1) * n)])
                    for r in 0..<rows {
                        y[t * rows + r] = DotProducts.dotF32(UnsafeBufferPointer(rebasing: wp[(r * n)..<((r + 1) * n)]), xr)
                    }
                }
            }
        }
        return y
    }
}

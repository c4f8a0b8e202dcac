/// LLM.int8()'s treatment of one activation row (Dettmers et al. 2022; bitsandbytes'
/// `int8_vectorwise_quant` with a threshold, then `int8_mixed_scaled_mm`), as the values the
/// matmul effectively multiplies:
///
/// ```
/// x      = f16(x)                                          (the model runs in f16)
/// O      = { c : |x_c| ≥ threshold }                       outlier columns, kept in f16
/// a      = max |x_c| over c ∉ O                            the row's (vector-wise) absmax
/// x̂_c    = round(x_c · 127/a) · a/127     for c ∉ O        int8, round half to even
/// x̂_c    = x_c                            for c ∈ O
/// ```
///
/// bitsandbytes takes the outlier columns over the whole batch of rows; LowBit takes them per
/// row, which is the same for a decoding step (one row) and keeps every sequence of a batch
/// independent.
public enum LLMInt8Activations {
    /// bitsandbytes' reciprocal of 127 (`int8_vectorwise_dequant`).
    static let inverse127: Float = 7.874015718698502e-3

    /// Replaces each `width`-wide row of `x` by its LLM.int8() values.
    public static func apply(_ x: UnsafeMutableBufferPointer<Float>, width: Int, threshold: Float) {
        precondition(width > 0 && x.count % width == 0, "LLMInt8Activations.apply: shape mismatch")
        for r in 0..<(x.count / width) {
            let row = UnsafeMutableBufferPointer(rebasing: x[(r * width)..<((r + 1) * width)])
            applyRow(row, threshold: threshold)
        }
    }

    /// One row (the scalar reference; there is no SIMD version: this runs once per linear
    /// input, not per weight).
    public static func applyRow(_ row: UnsafeMutableBufferPointer<Float>, threshold: Float) {
        var absmax: Float = 0
        for i in row.indices {
            let v = Float(Float16(row[i]))
            row[i] = v
            if abs(v) < threshold { absmax = max(absmax, abs(v)) }
        }
        let scale = 127 / absmax, back = absmax * inverse127
        for i in row.indices where abs(row[i]) < threshold {
            row[i] = absmax == 0 ? 0 : (row[i] * scale).rounded(.toNearestOrEven) * back
        }
    }
}

/// Asymmetric min–max round-to-nearest over groups of a row, with a zero point: the grid
/// GPTQ and AWQ both quantize onto (`b` bits, `maxq = 2^b − 1`).
///
/// ```
/// GPTQ (Quantizer.find_params):  lo = min(min x, 0), hi = max(max x, 0)   (0 ↦ [−1, 1])
///                                scale = (hi − lo)/maxq, zero = round(−lo/scale)
/// AWQ (pseudo_quantize_tensor):  lo = min x, hi = max x
///                                scale = max(hi − lo, 1e−5)/maxq, zero = clamp(−round(lo/scale), 0, maxq)
/// q(x) = scale · (clamp(round(x/scale) + zero, 0, maxq) − zero)      round: half to even (torch.round)
/// ```
public struct GroupQuantizer: Sendable {
    /// Whose range rule to follow.
    public enum Style: Sendable { case gptq, awq }

    public let bits: Int
    public let style: Style
    var maxq: Float { Float((1 << bits) - 1) }

    public init(bits: Int, style: Style) {
        self.bits = bits
        self.style = style
    }

    /// The grid of one group: its scale and zero point.
    public struct Grid: Sendable {
        public let scale: Float
        public let zero: Float
    }

    /// The grid for `values` (one row's group).
    public func grid<C: Collection>(_ values: C) -> Grid where C.Element == Float {
        var lo = values.min() ?? 0, hi = values.max() ?? 0
        switch style {
        case .gptq:
            lo = min(lo, 0)
            hi = max(hi, 0)
            if lo == 0 && hi == 0 { lo = -1; hi = 1 }
            let scale = (hi - lo) / maxq
            return Grid(scale: scale, zero: (-lo / scale).rounded(.toNearestOrEven))
        case .awq:
            let scale = max(hi - lo, 1e-5) / maxq
            return Grid(scale: scale, zero: min(maxq, max(0, -(lo / scale).rounded(.toNearestOrEven))))
        }
    }

    /// `x` rounded onto `grid`.
    @inline(__always)
    public func quantize(_ x: Float, _ grid: Grid) -> Float {
        let q = min(maxq, max(0, (x / grid.scale).rounded(.toNearestOrEven) + grid.zero))
        return grid.scale * (q - grid.zero)
    }

    /// Round-to-nearest of a `[rows, cols]` matrix (row-major) in groups of `groupSize`
    /// columns (`nil`: whole rows).
    public func quantize(matrix w: [Float], rows: Int, cols: Int, groupSize: Int?) -> [Float] {
        let g = groupSize ?? cols
        var out = w
        for r in 0..<rows {
            var c0 = 0
            while c0 < cols {
                let range = (r * cols + c0)..<(r * cols + min(cols, c0 + g))
                let grid = self.grid(w[range])
                for i in range { out[i] = quantize(w[i], grid) }
                c0 += g
            }
        }
        return out
    }
}

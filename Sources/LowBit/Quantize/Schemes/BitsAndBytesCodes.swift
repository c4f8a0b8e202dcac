/// The code books of bitsandbytes' blockwise quantizers, value for value as bitsandbytes 0.50
/// defines them (`bitsandbytes/functional.py`), and its nearest-code rounding.
enum BitsAndBytesCodes {
    /// NF4 (`get_4bit_type("nf4")`): quantiles of N(0, 1) with an exact zero, in index order
    /// (which is sorted).
    static let nf4: [Float] = [
        -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635,
        -0.18477343022823334, -0.09105003625154495, 0.0, 0.07958029955625534, 0.16093020141124725,
        0.24611230194568634, 0.33791524171829224, 0.44070982933044434, 0.5626170039176941,
        0.7229568362236023, 1.0,
    ]

    /// FP4 (`get_4bit_type("fp4")`): 1 sign, 2 exponent, 1 mantissa bit, exponent bias 2, in
    /// bit-pattern order, divided by its largest magnitude (12) in f32. Index 8 ("−0") is +0:
    /// bitsandbytes writes the integer literal `-0`.
    static let fp4: [Float] = [0, 0.0625, 8, 12, 4, 6, 2, 3, 0, -0.0625, -8, -12, -4, -6, -2, -3].map { $0 / 12 }

    /// bitsandbytes' 8-bit "dynamic" map (`create_dynamic_map(signed=True, max_exponent_bits=7,
    /// total_bits=8)`), which double quantization uses for the absmax scales: for exponent
    /// `i` in 0..<7, the midpoints of `linspace(0.1, 1, 2^i + 1)` (f32) times `10^(i-6)`, with
    /// both signs, plus 0 and 1; sorted (256 values).
    static let dynamic: [Float] = {
        var data: [Float] = []
        for i in 0..<7 {
            let n = (1 << i) + 1
            let b = linspace(0.1, 1, n)
            let scale = Float(pow10(i - 6))
            for j in 0..<(n - 1) {
                let mean = (b[j] + b[j + 1]) / 2
                data.append(scale * mean)
                data.append(-(scale * mean))
            }
        }
        data.append(0)
        data.append(1)
        return data.sorted()
    }()

    /// `torch.linspace(start, end, n)` in f32 as ATen computes it: the first half counts up
    /// from `start`, the second half down from `end`, with `step = (end − start)/(n − 1)`.
    static func linspace(_ start: Float, _ end: Float, _ n: Int) -> [Float] {
        guard n > 1 else { return [start] }
        let step = (end - start) / Float(n - 1)
        let half = n / 2
        return (0..<n).map { i in i < half ? start + step * Float(i) : end - step * Float(n - i - 1) }
    }

    /// `10 ** e` as Python computes it for a small integer `e` (a correctly rounded double).
    private static func pow10(_ e: Int) -> Double {
        e >= 0 ? (0..<e).reduce(1.0) { a, _ in a * 10 } : 1 / (0..<(-e)).reduce(1.0) { a, _ in a * 10 }
    }

    /// Nearest-code rounding as `torch.bucketize(x, midpoints)` does it: the midpoints of the
    /// sorted code (f32), and a value exactly on a midpoint goes to the lower code. Returns
    /// code indices (`order` maps sorted positions back to indices).
    struct Rounder: Sendable {
        let midpoints: [Float]
        let order: [UInt8]

        init(code: [Float]) {
            // Stable sort by value, as argsort of distinct values (±0 tie: either gives a zero).
            let o = code.indices.sorted { code[$0] < code[$1] || (code[$0] == code[$1] && $0 < $1) }
            order = o.map { UInt8($0) }
            midpoints = (0..<(o.count - 1)).map { (code[o[$0]] + code[o[$0 + 1]]) / 2 }
        }

        /// The code index for `x` (already scaled into [−1, 1]).
        @inline(__always)
        func index(_ x: Float) -> UInt8 {
            // Number of midpoints strictly below x (bucketize, right=False).
            var lo = 0, hi = midpoints.count
            while lo < hi {
                let mid = (lo + hi) >> 1
                if midpoints[mid] < x { lo = mid + 1 } else { hi = mid }
            }
            return order[lo]
        }
    }

    /// bitsandbytes' blockwise absmax quantization of `values` with `code` (the default CPU
    /// backend's `quantize_4bit` / `quantize_blockwise`): blocks of `blockSize` consecutive
    /// values, each scaled by `1/absmax` (a reciprocal times the value; the last, partial block
    /// divides), clamped to [−1, 1] and rounded to the nearest code.
    static func quantize(_ values: [Float], code: [Float], blockSize: Int) -> (indices: [UInt8], absmax: [Float]) {
        let rounder = Rounder(code: code)
        let n = values.count, blocks = (n + blockSize - 1) / blockSize
        var indices = [UInt8](repeating: 0, count: n)
        var absmax = [Float](repeating: 0, count: blocks)
        for b in 0..<blocks {
            let lo = b * blockSize, hi = min(n, lo + blockSize)
            var m: Float = 0
            for i in lo..<hi { m = max(m, abs(values[i])) }
            absmax[b] = m
            let am = max(m, 1e-38)
            if hi - lo == blockSize {
                let r = 1 / am
                for i in lo..<hi { indices[i] = rounder.index(min(1, max(-1, values[i] * r))) }
            } else {
                for i in lo..<hi { indices[i] = rounder.index(min(1, max(-1, values[i] / am))) }
            }
        }
        return (indices, absmax)
    }

    /// `code[index] · absmax` per element, in f32 (bitsandbytes' dequantization).
    static func dequantize(_ indices: [UInt8], absmax: [Float], code: [Float], blockSize: Int) -> [Float] {
        indices.indices.map { code[Int(indices[$0])] * absmax[$0 / blockSize] }
    }
}

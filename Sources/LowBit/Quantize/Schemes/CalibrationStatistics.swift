import Kernels

/// What one block's linear inputs looked like on the calibration data: per input, the
/// second-moment matrix `H = Σ xxᵀ` over every row (GPTQ's Hessian, up to the factor 2/n,
/// which GPTQ's relative damping makes irrelevant), the mean |x| per channel (AWQ's
/// activation scale) and a sample of rows (AWQ's output error).
final class CalibrationStatistics: LinearInputObserver {
    let layer: Int
    private let wantHessian: Bool
    private let sampleLimit: Int

    struct Input {
        var width: Int
        var rows = 0
        /// `[width, width]`, row-major, both triangles (filled at the end).
        var hessian: [Double]
        var absSum: [Double]
        var sample: [Float] = []
    }
    private(set) var inputs: [LinearInput: Input] = [:]

    init(layer: Int, hessian: Bool, sampleRows: Int) {
        self.layer = layer
        wantHessian = hessian
        sampleLimit = sampleRows
    }

    func observe(_ which: LinearInput, rows x: UnsafeBufferPointer<Float>, width n: Int) {
        var s = inputs[which] ?? Input(width: n, hessian: wantHessian ? [Double](repeating: 0, count: n * n) : [],
                                       absSum: [Double](repeating: 0, count: n))
        let count = x.count / n
        for t in 0..<count {
            let row = UnsafeBufferPointer(rebasing: x[(t * n)..<((t + 1) * n)])
            for i in 0..<n { s.absSum[i] += Double(abs(row[i])) }
            if s.sample.count < sampleLimit * n { s.sample.append(contentsOf: row) }
        }
        if wantHessian { GramAccumulation.accumulateUpper(x, width: n, into: &s.hessian) }
        s.rows += count
        inputs[which] = s
    }

    /// The symmetric `H` of `input` (both triangles).
    func hessian(_ input: LinearInput) -> [Double]? {
        guard var s = inputs[input], wantHessian else { return nil }
        let n = s.width
        for i in 0..<n { for j in 0..<i { s.hessian[i * n + j] = s.hessian[j * n + i] } }
        return s.hessian
    }
}

import Kernels

/// GPTQ (Frantar et al. 2022), as its reference code (`gptq.py`, `fasterquant`) does it:
/// each matrix is quantized column by column onto an asymmetric min–max grid per row and
/// group of 128 columns (``GroupQuantizer`` in the `.gptq` style), and each column's rounding
/// error is spread over the columns not yet quantized through the inverse Hessian of the
/// layer's inputs:
///
/// ```
/// H    = Σ xxᵀ over the calibration rows        + 0.01 · mean(diag H) · I   (damping)
/// U    = chol(H⁻¹)ᵀ  (upper: H⁻¹ = UᵀU)
/// for column i:   q_i = quant(w_i);  e = (w_i − q_i)/U_ii;  w_j −= e · U_ij   (j > i)
/// ```
///
/// The updates are applied lazily in blocks of 128 columns (within the block at once, to
/// the rest after the block). Dead inputs (H_ii = 0) get weight 0; `--act-order` quantizes
/// columns in order of decreasing H_ii. Blocks are quantized in order, each on the inputs
/// produced by the blocks already quantized (``LayerwiseCalibration``). The embeddings and the
/// output head are kept, as in the reference code.
public struct GPTQ: WeightScheme {
    public let bits: Int
    public var family: String { "gptq" }
    public var groupSize: Int? = 128
    /// Relative damping (`percdamp`).
    public var damping = 0.01
    /// Quantize columns in order of decreasing Hessian diagonal (`--act-order`).
    public var actOrder = false
    /// Columns per lazy batch.
    public var blockSize = 128

    public init(bits: Int, actOrder: Bool = false) {
        self.bits = bits
        self.actOrder = actOrder
    }

    public var name: String { "gptq\(bits)" }
    public var needsCalibration: Bool { true }
    public var settings: [String: String] {
        ["damping": "\(damping)", "act_order": "\(actOrder)", "block_size": "\(blockSize)", "symmetric": "false"]
    }

    public func apply(to weights: ModelWeights, context: QuantizationContext) throws(QuantizationError) -> ModelWeights {
        try LayerwiseCalibration.run(weights, scheme: self, context: context, hessian: true, sampleRows: 0) {
            (input, tensors, values, statistics) throws(QuantizationError) in
            guard let h = statistics.hessian(input) else {
                throw .model(scheme: name, message: "no calibration inputs reached \(tensors[0].name)")
            }
            var out: [[Float]] = []
            for (t, w) in zip(tensors, values) { out.append(try quantize(matrix: w, rows: t.rowCount, cols: t.rowLength, hessian: h)) }
            return out
        }
    }

    /// GPTQ of one `[rows, cols]` matrix (row-major) given its inputs' `[cols, cols]` `hessian`.
    public func quantize(matrix w: [Float], rows: Int, cols n: Int, hessian: [Double]) throws(QuantizationError) -> [Float] {
        precondition(w.count == rows * n && hessian.count == n * n, "GPTQ.quantize: shape mismatch")
        let quantizer = GroupQuantizer(bits: bits, style: .gptq)
        var h = hessian
        var wd = w.map(Double.init)
        for i in 0..<n where h[i * n + i] == 0 {
            h[i * n + i] = 1
            for r in 0..<rows { wd[r * n + i] = 0 }
        }
        // Column order.
        let perm = actOrder ? (0..<n).sorted { h[$0 * n + $0] > h[$1 * n + $1] || (h[$0 * n + $0] == h[$1 * n + $1] && $0 < $1) } : Array(0..<n)
        var W = [Double](repeating: 0, count: rows * n)
        var H = [Double](repeating: 0, count: n * n)
        for r in 0..<rows { for j in 0..<n { W[r * n + j] = wd[r * n + perm[j]] } }
        for i in 0..<n { for j in 0..<n { H[i * n + j] = h[perm[i] * n + perm[j]] } }
        var meanDiag = 0.0
        for i in 0..<n { meanDiag += H[i * n + i] }
        let damp = damping * meanDiag / Double(n)
        for i in 0..<n { H[i * n + i] += damp }
        guard let l = Cholesky.lower(H, n: n), let li = Cholesky.lower(Cholesky.inverse(lower: l, n: n), n: n) else {
            throw .invalidSetting(scheme: name, name: "Hessian", value: "not positive definite after damping \(damping)")
        }
        // U = Lᵀ of H⁻¹'s factor: U[i][j] = li[j][i].
        @inline(__always) func u(_ i: Int, _ j: Int) -> Double { li[j * n + i] }

        var Q = [Double](repeating: 0, count: rows * n)
        var grids = [GroupQuantizer.Grid](repeating: GroupQuantizer.Grid(scale: 1, zero: 0), count: rows)
        if groupSize == nil {
            for r in 0..<rows { grids[r] = quantizer.grid(W[(r * n)..<((r + 1) * n)].map(Float.init)) }
        }
        var i1 = 0
        while i1 < n {
            let i2 = min(n, i1 + blockSize), count = i2 - i1
            var W1 = [Double](repeating: 0, count: rows * count), Err1 = W1
            for r in 0..<rows { for j in 0..<count { W1[r * count + j] = W[r * n + i1 + j] } }
            for i in 0..<count {
                let col = i1 + i
                if let g = groupSize, col % g == 0 {
                    for r in 0..<rows { grids[r] = quantizer.grid(W[(r * n + col)..<(r * n + min(n, col + g))].map(Float.init)) }
                }
                let d = u(col, col)
                for r in 0..<rows {
                    let x = W1[r * count + i]
                    let q = Double(quantizer.quantize(Float(x), grids[r]))
                    Q[r * n + col] = q
                    let e = (x - q) / d
                    Err1[r * count + i] = e
                    for j in i..<count { W1[r * count + j] -= e * u(col, i1 + j) }
                }
            }
            // Lazy update of the columns after the block: W[:, i2:] −= Err1 · U[i1..<i2, i2:].
            if i2 < n {
                for r in 0..<rows {
                    for k in 0..<count {
                        let e = Err1[r * count + k]
                        if e == 0 { continue }
                        for j in i2..<n { W[r * n + j] -= e * u(i1 + k, j) }
                    }
                }
            }
            i1 = i2
        }
        var out = [Float](repeating: 0, count: rows * n)
        for r in 0..<rows { for j in 0..<n { out[r * n + perm[j]] = Float(Q[r * n + j]) } }
        return out
    }
}

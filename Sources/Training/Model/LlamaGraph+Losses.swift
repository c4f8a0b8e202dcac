import Foundation
import Kernels

/// Losses on the logits of the last forward pass. Each `add…` function returns the loss
/// value and adds `scale · ∂loss/∂logits` into the logit-gradient buffer that `backward`
/// consumes, so objectives combine by calling several of them before one `backward`.
///
/// Row `r` predicts `targets[r]`; only rows whose loss mask is set count. Log-sum-exps are
/// accumulated in Double.
extension LlamaGraph {
    /// The logits of row `r` (`vocabSize` floats).
    public func logits(row r: Int) -> [Float] {
        let V = shape.vocabSize
        return Array(logitBuffer.prefix(rows * V)[(r * V)..<((r + 1) * V)])
    }

    /// All logits of the current batch, `[rows, vocabSize]` row-major.
    public func allLogits() -> [Float] {
        Array(logitBuffer.prefix(rows * shape.vocabSize))
    }

    /// The rows that belong to sequence `s` of the current batch.
    public func rowRange(sequence s: Int) -> Range<Int> {
        batch.offsets[s]..<(batch.offsets[s] + batch.lengths[s])
    }

    /// Number of rows whose prediction counts toward the loss.
    public var maskedRows: Int { batch.mask.reduce(0) { $0 + ($1 ? 1 : 0) } }

    /// `log Σ exp(logits)` of one row, in Double.
    @inline(__always)
    func logSumExp(_ row: UnsafeBufferPointer<Float>) -> Double {
        let V = row.count
        var mx = -Float.infinity
        for i in 0..<V { mx = max(mx, row[i]) }
        var sum = 0.0
        for i in 0..<V { sum += Double(expf(row[i] - mx)) }
        return Double(mx) + log(sum)
    }

    /// Applies `body(row, threadIndex)` to every masked row in parallel, collecting one
    /// Double per row, and returns the per-row values (0 for unmasked rows).
    func perMaskedRow(_ body: (Int) -> Double) -> [Double] {
        var out = [Double](repeating: 0, count: rows)
        let mask = batch.mask
        out.withUnsafeMutableBufferPointer { op in
            pool.parallelFor(rows) { range, _ in
                for r in range where mask[r] { op[r] = body(r) }
            }
        }
        return out
    }

    /// Mean token cross-entropy over masked rows; adds `scale · ∂CE/∂logits`.
    ///
    /// - Parameter scale: multiplier of the gradient (−1 for gradient ascent, α for a
    ///   retain term, 0 to only measure).
    /// - Returns: the mean cross-entropy in nats (0 when no row is masked).
    @discardableResult
    public func addCrossEntropy(scale: Float) -> Double {
        let count = maskedRows
        guard count > 0 else { return 0 }
        let V = shape.vocabSize, targets = batch.targets
        let lg = UnsafeBufferPointer(logitBuffer.prefix(rows * V)), dl = UncheckedBox(dLogitBuffer.prefix(rows * V))
        let coef = scale / Float(count)
        let losses = perMaskedRow { r in
            let row = UnsafeBufferPointer(rebasing: lg[(r * V)..<((r + 1) * V)])
            let drow = UnsafeMutableBufferPointer(rebasing: dl.value[(r * V)..<((r + 1) * V)])
            let t = Int(targets[r])
            guard coef != 0 else { return logSumExp(row) - Double(row[t]) }
            // One exp per logit: park exp(x − max) in the gradient row's slack, then scale.
            var mx = -Float.infinity
            for i in 0..<V { mx = max(mx, row[i]) }
            var sum = 0.0
            var e = [Float](repeating: 0, count: V)
            for i in 0..<V {
                let x = expf(row[i] - mx)
                e[i] = x
                sum += Double(x)
            }
            let c = coef / Float(sum)
            for i in 0..<V { drow[i] = drow[i].addingProduct(c, e[i]) }
            drow[t] -= coef
            return Double(mx) + log(sum) - Double(row[t])
        }
        return losses.reduce(0, +) / Double(count)
    }

    /// Per-sequence log-probability `log π(y|x) = Σ log p(target)` over masked rows.
    public func sequenceLogProbs() -> [Double] {
        let V = shape.vocabSize, targets = batch.targets
        let lg = UnsafeBufferPointer(logitBuffer.prefix(rows * V))
        let perRow = perMaskedRow { r in
            let row = UnsafeBufferPointer(rebasing: lg[(r * V)..<((r + 1) * V)])
            return Double(row[Int(targets[r])]) - logSumExp(row)
        }
        var out = [Double](repeating: 0, count: batch.sequenceCount)
        for r in 0..<rows { out[batch.sequenceOfRow[r]] += perRow[r] }
        return out
    }

    /// Adds `Σ_s coefficients[s] · ∂ log π_s / ∂logits`, where `π_s` is sequence `s`'s
    /// masked log-probability (`∂/∂logits = onehot(target) − softmax`).
    public func addSequenceLogProbGradient(coefficients: [Double]) {
        let V = shape.vocabSize, targets = batch.targets, seqOfRow = batch.sequenceOfRow
        let lg = UnsafeBufferPointer(logitBuffer.prefix(rows * V)), dl = UncheckedBox(dLogitBuffer.prefix(rows * V))
        _ = perMaskedRow { r in
            let c = Float(coefficients[seqOfRow[r]])
            guard c != 0 else { return 0 }
            let row = UnsafeBufferPointer(rebasing: lg[(r * V)..<((r + 1) * V)])
            let drow = UnsafeMutableBufferPointer(rebasing: dl.value[(r * V)..<((r + 1) * V)])
            let lsef = Float(logSumExp(row))
            for i in 0..<V { drow[i] -= c * expf(row[i] - lsef) }
            drow[Int(targets[r])] += c
            return 0
        }
    }

    /// Token-level `KL(p_ref ‖ p_θ)` summed over the vocabulary, averaged over masked rows;
    /// adds `scale · ∂KL/∂logits = scale · (p_θ − p_ref) / count`.
    ///
    /// - Parameters:
    ///   - referenceLogits: the frozen model's logits on the same batch, `[rows, vocab]`.
    ///   - scale: multiplier of the gradient.
    /// - Returns: the mean KL in nats.
    @discardableResult
    public func addKLDivergence(referenceLogits: [Float], scale: Float) -> Double {
        let count = maskedRows, V = shape.vocabSize
        guard count > 0 else { return 0 }
        precondition(referenceLogits.count == rows * V, "addKLDivergence: reference logits have the wrong size")
        let lg = UnsafeBufferPointer(logitBuffer.prefix(rows * V)), dl = UncheckedBox(dLogitBuffer.prefix(rows * V))
        let coef = scale / Float(count)
        let perRow = referenceLogits.withUnsafeBufferPointer { ref in
            perMaskedRow { r in
                let row = UnsafeBufferPointer(rebasing: lg[(r * V)..<((r + 1) * V)])
                let rrow = UnsafeBufferPointer(rebasing: ref[(r * V)..<((r + 1) * V)])
                let drow = UnsafeMutableBufferPointer(rebasing: dl.value[(r * V)..<((r + 1) * V)])
                let lse = logSumExp(row), lseRef = logSumExp(rrow)
                let lsef = Float(lse), lseRefF = Float(lseRef)
                var kl = 0.0
                for i in 0..<V {
                    let logPRef = Double(rrow[i]) - lseRef
                    let pRef = exp(logPRef)
                    kl += pRef * (logPRef - (Double(row[i]) - lse))
                    if coef != 0 { drow[i] += coef * (expf(row[i] - lsef) - expf(rrow[i] - lseRefF)) }
                }
                return kl
            }
        }
        return perRow.reduce(0, +) / Double(count)
    }
}

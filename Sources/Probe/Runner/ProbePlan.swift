import Foundation
import LowBit

/// What a probe run is about to do, printed before it starts: cells, items, forward tokens
/// (prefilled and decoded), and a time estimate from a short calibration run of the first
/// model on this machine.
public struct ProbePlan: Sendable, Equatable {
    /// Cells to run (after `--shard` and `--resume`).
    public var cells: Int
    /// Items over those cells.
    public var items: Int
    /// Tokens fed in batches (prompts, teacher forcing, PrivLeak texts), over those cells.
    public var prefillTokens: Int
    /// Tokens generated one step at a time (at most: every generation's full budget).
    public var decodeTokens: Int
    /// The calibration run's prefill and decode tokens/s on one thread.
    public var prefillTokensPerSecond: Double?
    public var decodeTokensPerSecond: Double?
    /// Threads items run on (the estimate divides by them).
    public var threads: Int

    /// The estimate: prefill and decode time at the calibration rates, over the threads.
    /// An upper bound in decode (generations often stop early), unaware of quantized
    /// precisions being faster or slower than the calibrated one.
    public var estimatedSeconds: Double? {
        guard let pp = prefillTokensPerSecond, let tg = decodeTokensPerSecond, pp > 0, tg > 0 else { return nil }
        return (Double(prefillTokens) / pp + Double(decodeTokens) / tg) / Double(max(1, threads))
    }

    /// One line for stderr.
    public var summary: String {
        var s = "plan: \(cells) cells, \(items) items, \(prefillTokens) prefill + ≤\(decodeTokens) decode tokens"
        if let pp = prefillTokensPerSecond, let tg = decodeTokensPerSecond, let e = estimatedSeconds {
            s += String(format: "; calibration %.0f pp / %.1f tg tok/s per thread → about %@ on %d threads", pp, tg,
                        ProbeProgress.duration(e), threads)
        }
        return s
    }

    /// The forward tokens of one cell over `data`.
    static func tokens(of data: PreparedData, configuration c: ProbeRunConfiguration) -> (prefill: Int, decode: Int) {
        var prefill = 0, decode = 0
        for v in data.verbMem {
            prefill += v.promptTokens.count
            decode += c.verbMemNewTokens
        }
        for split in [data.forget, data.retain] {
            let shared = c.reusePrefixCache ? split.prefixTokens.count : 0
            for q in split.questions {
                prefill += q.promptTokens.count - shared + (q.forcedTokens.count - q.answerStart + 1)
                decode += c.knowMemNewTokens
                if let leak = c.leak, split.split == .knowMemForget {
                    prefill += leak.samples
                    decode += leak.samples * c.knowMemNewTokens
                }
            }
        }
        for t in data.privLeakForget + data.privLeakHoldout { prefill += t.tokens.count }
        return (prefill, decode)
    }

    /// Tokens/s of `model` on one thread: a 64-token prefill and 16 decode steps.
    static func calibrate(_ model: any LanguageModel) -> (prefill: Double, decode: Double)? {
        let vocab = Int32(model.config.vocabSize)
        let prompt = (0..<64).map { Int32(1 + ($0 * 7919) % Int(max(2, vocab - 1))) }
        let cache = model.makeCache(capacity: min(model.config.contextLength, 96))
        guard cache.capacity >= 81 else { return nil }
        let pool = ThreadPool(threads: 1)
        let t0 = DispatchTime.now().uptimeNanoseconds
        guard (try? model.forward(prompt, cache: cache, logits: .last, pool: pool)) != nil else { return nil }
        let t1 = DispatchTime.now().uptimeNanoseconds
        for i in 0..<16 { _ = try? model.forward([Int32(1 + i)], cache: cache, logits: .last, pool: pool) }
        let t2 = DispatchTime.now().uptimeNanoseconds
        return (64 / (Double(t1 - t0) / 1e9), 16 / (Double(t2 - t1) / 1e9))
    }
}

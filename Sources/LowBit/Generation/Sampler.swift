/// Settings for choosing the next token from logits.
public struct SamplerSettings: Sendable, Equatable {
    /// Softmax temperature; `0` or less means greedy (argmax).
    public var temperature: Float = 0.8
    /// Keep only the `topK` most likely tokens (`0` disables).
    public var topK: Int = 40
    /// Keep the smallest set of tokens whose probability sums to at least `topP` (`1` disables).
    public var topP: Float = 0.95
    /// Drop tokens whose probability is below `minP` × the top probability (`0` disables).
    public var minP: Float = 0.05
    /// Divide positive logits (multiply negative ones) of recently seen tokens by this (`1` disables).
    public var repetitionPenalty: Float = 1.0
    /// How many recent tokens the repetition penalty looks at.
    public var repetitionWindow: Int = 64
    /// Seed of the random generator.
    public var seed: UInt64 = 0

    public init() {}

    /// Greedy decoding: always the argmax.
    public static var greedy: SamplerSettings {
        var s = SamplerSettings()
        s.temperature = 0
        return s
    }
}

/// Picks tokens from logits with llama.cpp's chain: repetition penalty → top-k → softmax
/// with temperature → top-p → min-p → draw. Deterministic for a given seed.
public struct Sampler: Sendable {
    public let settings: SamplerSettings
    private var rng: SeededRandom

    public init(_ settings: SamplerSettings) {
        self.settings = settings
        rng = SeededRandom(seed: settings.seed)
    }

    /// The index of the largest logit (the lowest index among ties).
    public static func argmax(_ logits: [Float]) -> Int32 {
        var best = 0
        for i in logits.indices where logits[i] > logits[best] { best = i }
        return Int32(best)
    }

    /// Chooses the next token given `logits` over the vocabulary and the tokens so far.
    public mutating func sample(logits: [Float], history: [Int32] = []) -> Int32 {
        var logits = logits
        if settings.repetitionPenalty != 1, settings.repetitionWindow > 0 {
            for t in Set(history.suffix(settings.repetitionWindow)) where t >= 0 && Int(t) < logits.count {
                let l = logits[Int(t)]
                logits[Int(t)] = l > 0 ? l / settings.repetitionPenalty : l * settings.repetitionPenalty
            }
        }
        if settings.temperature <= 0 { return Self.argmax(logits) }

        // Plain temperature sampling needs no sort: draw from the full softmax.
        if settings.topK <= 0 || settings.topK >= logits.count, settings.topP >= 1, settings.minP <= 0 {
            let m = logits.max() ?? 0
            var sum: Float = 0
            let probs = logits.map { expf(($0 - m) / settings.temperature) }
            for p in probs { sum += p }
            let r = rng.nextFloat() * sum
            var acc: Float = 0
            for i in probs.indices {
                acc += probs[i]
                if r < acc { return Int32(i) }
            }
            return Self.argmax(logits)  // only reached through rounding at the top end
        }

        // Candidates sorted by logit, descending; ties by id for determinism. With top-k, a
        // partial selection keeps only the k best before sorting.
        let better: (Int, Int) -> Bool = { logits[$0] > logits[$1] || (logits[$0] == logits[$1] && $0 < $1) }
        var ids: [Int]
        if settings.topK > 0, settings.topK < logits.count {
            ids = Array(0..<settings.topK).sorted(by: better)
            for i in settings.topK..<logits.count where better(i, ids[ids.count - 1]) {
                // Insert i into the sorted window, dropping the worst.
                var j = ids.count - 1
                while j > 0, better(i, ids[j - 1]) { j -= 1 }
                ids.insert(i, at: j)
                ids.removeLast()
            }
        } else {
            ids = Array(0..<logits.count).sorted(by: better)
        }
        let m = logits[ids[0]]
        var probs = ids.map { expf((logits[$0] - m) / settings.temperature) }
        var sum = probs.reduce(0, +)
        for i in probs.indices { probs[i] /= sum }

        var keep = probs.count
        if settings.topP < 1 {
            var acc: Float = 0
            for i in probs.indices {
                acc += probs[i]
                if acc >= settings.topP { keep = i + 1; break }
            }
        }
        if settings.minP > 0 {
            let threshold = settings.minP * probs[0]
            keep = max(1, min(keep, probs.prefix(keep).firstIndex { $0 < threshold } ?? keep))
        }
        probs.removeLast(probs.count - keep)
        sum = probs.reduce(0, +)
        let r = rng.nextFloat() * sum
        var acc: Float = 0
        for i in probs.indices {
            acc += probs[i]
            if r < acc { return Int32(ids[i]) }
        }
        return Int32(ids[keep - 1])
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

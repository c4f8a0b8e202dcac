import Foundation

/// llama-bench-style throughput of a model: prompt processing (prefill of `promptTokens` in
/// one batch) and text generation (`genTokens` single-token steps), each repeated and reported
/// as mean ± standard deviation in tokens/s. With ``batchSizes``, batched decoding as
/// llama.cpp's `llama-batched-bench` measures it: B independent sequences (B caches), each
/// step one forward pass over the next token of all B, reported as aggregate tokens/s
/// (`B · genTokens / time`). Tokenization and sampling are excluded: the tokens are fixed
/// ids and the next token is not sampled.
public struct ModelBenchmark: Sendable {
    /// One measured configuration.
    public struct Result: Sendable, Codable {
        public var test: String          // "pp64", "tg32", or "tg32 b16" for 16 sequences at once
        public var threads: Int
        /// Sequences decoded at once (1 for pp and plain tg).
        public var batch: Int
        public var tokens: Int
        public var samples: [Double]     // tokens/s per repetition
        public var mean: Double
        public var stddev: Double
    }

    public var promptTokens = 64
    public var genTokens = 32
    public var repetitions = 5
    /// Batch sizes of the batched-decoding test (empty: none). B = 1 runs the batched path
    /// with one sequence, which is the plain decode.
    public var batchSizes: [Int] = []

    public init(promptTokens: Int = 64, genTokens: Int = 32, repetitions: Int = 5, batchSizes: [Int] = []) {
        self.promptTokens = promptTokens
        self.genTokens = genTokens
        self.repetitions = repetitions
        self.batchSizes = batchSizes
    }

    /// Runs prefill and decode tests on `model` with `threads` threads, after one warm-up.
    public func run(_ model: any LanguageModel, threads: Int) throws(ModelError) -> [Result] {
        let pool = ThreadPool(threads: threads)
        let vocab = Int32(model.config.vocabSize)
        let prompt = (0..<promptTokens).map { Int32(($0 * 7919 + 13) % Int(vocab)) }
        let capacity = max(promptTokens, genTokens) + 1
        var results: [Result] = []
        if promptTokens > 0 {
            _ = try model.forward(Array(prompt.prefix(8)), cache: model.makeCache(capacity: capacity), pool: pool)
            var samples: [Double] = []
            for _ in 0..<repetitions {
                let cache = model.makeCache(capacity: capacity)
                let t0 = DispatchTime.now().uptimeNanoseconds
                _ = try model.forward(prompt, cache: cache, pool: pool)
                samples.append(Double(promptTokens) / Self.seconds(since: t0))
            }
            results.append(Self.summarize("pp\(promptTokens)", threads, promptTokens, samples))
        }
        if genTokens > 0 {
            var samples: [Double] = []
            for rep in 0...repetitions {
                let cache = model.makeCache(capacity: capacity)
                var tok: Int32 = 1
                let t0 = DispatchTime.now().uptimeNanoseconds
                for i in 0..<genTokens {
                    _ = try model.forward([tok], cache: cache, pool: pool)
                    tok = Int32((Int(tok) * 31 + i) % Int(vocab))
                }
                if rep > 0 { samples.append(Double(genTokens) / Self.seconds(since: t0)) }  // rep 0 warms up
            }
            results.append(Self.summarize("tg\(genTokens)", threads, genTokens, samples))
        }
        for b in batchSizes where genTokens > 0 {
            var samples: [Double] = []
            for rep in 0...repetitions {
                let caches = (0..<b).map { _ in model.makeCache(capacity: capacity + promptTokens) }
                // Each sequence starts after the same prompt (not timed), as llama-batched-bench's do.
                if promptTokens > 0 {
                    _ = try model.forward(batch: caches.map { BatchSequence(tokens: prompt, cache: $0) }, logits: .none, pool: pool)
                }
                var toks = (0..<b).map { Int32((1 + 17 * $0) % Int(vocab)) }
                let t0 = DispatchTime.now().uptimeNanoseconds
                for i in 0..<genTokens {
                    _ = try model.forward(batch: zip(toks, caches).map { BatchSequence(tokens: [$0], cache: $1) }, logits: .last,
                                          pool: pool)
                    toks = toks.map { Int32((Int($0) * 31 + i) % Int(vocab)) }
                }
                if rep > 0 { samples.append(Double(b * genTokens) / Self.seconds(since: t0)) }  // rep 0 warms up
            }
            var r = Self.summarize("tg\(genTokens) b\(b)", threads, b * genTokens, samples)
            r.batch = b
            results.append(r)
        }
        return results
    }

    static func seconds(since t0: UInt64) -> Double { Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9 }

    static func summarize(_ test: String, _ threads: Int, _ tokens: Int, _ s: [Double]) -> Result {
        let mean = s.reduce(0, +) / Double(max(1, s.count))
        let varc = s.count > 1 ? s.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(s.count - 1) : 0
        return Result(test: test, threads: threads, batch: 1, tokens: tokens, samples: s, mean: mean, stddev: varc.squareRoot())
    }

    /// Peak resident set size of this process, in bytes. On Linux this is `VmHWM` from
    /// `/proc/self/status`, the high-water mark of this process's own address space:
    /// `getrusage`'s `ru_maxrss` survives `exec`, so a process started by a large parent
    /// (a benchmark script holding another runtime's model) would report the parent's peak.
    public static func peakRSS() -> Int {
        var usage = rusage()
        #if os(Linux)
        if let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
           let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
           let kb = Int(line.dropFirst(6).trimmingCharacters(in: .whitespaces).split(separator: " ").first ?? "") {
            return kb * 1024
        }
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss * 1024
        #else
        getrusage(RUSAGE_SELF, &usage)
        return usage.ru_maxrss
        #endif
    }
}

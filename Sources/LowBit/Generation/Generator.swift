import Foundation

/// Options for one generation.
public struct GenerationOptions: Sendable {
    /// Maximum new tokens.
    public var maxTokens = 128
    /// How tokens are chosen.
    public var sampler = SamplerSettings()
    /// Generation stops before any of these strings; they are not emitted.
    public var stopStrings: [String] = []
    /// Whether the end-of-sequence token ends generation.
    public var stopAtEOS = true
    /// Whether to prepend BOS (`nil`: the tokenizer's default).
    public var addBOS: Bool?

    public init(maxTokens: Int = 128, sampler: SamplerSettings = SamplerSettings(), stopStrings: [String] = []) {
        self.maxTokens = maxTokens
        self.sampler = sampler
        self.stopStrings = stopStrings
    }
}

/// Why generation ended.
public enum StopReason: String, Sendable, Codable {
    case maxTokens = "max_tokens", endOfSequence = "eos", stopString = "stop_string", contextFull = "context_full"
}

/// Timings and counts of one generation.
public struct GenerationStats: Sendable, Codable {
    public var promptTokens = 0
    public var generatedTokens = 0
    public var prefillSeconds = 0.0
    public var decodeSeconds = 0.0
    public var stopReason = StopReason.maxTokens

    /// Prompt tokens per second during prefill.
    public var prefillTokensPerSecond: Double { prefillSeconds > 0 ? Double(promptTokens) / prefillSeconds : 0 }
    /// Generated tokens per second during decode (the first token comes from prefill).
    public var decodeTokensPerSecond: Double {
        decodeSeconds > 0 ? Double(max(0, generatedTokens - 1)) / decodeSeconds : 0
    }
}

/// The result of a generation.
public struct Generation: Sendable {
    public var text: String
    public var tokens: [Int32]
    public var stats: GenerationStats
}

/// Runs prompt → prefill → sample/decode loops on a model with its tokenizer, streaming text
/// that is always whole UTF-8 and never includes a stop string.
public struct Generator: Sendable {
    public let model: any LanguageModel
    public let tokenizer: Tokenizer
    public let pool: ThreadPool

    public init(model: any LanguageModel, tokenizer: Tokenizer, pool: ThreadPool) {
        self.model = model
        self.tokenizer = tokenizer
        self.pool = pool
    }

    /// Creates a generator for `model` with the tokenizer from its metadata.
    public init(model: any LanguageModel, threads: Int = 1) throws {
        let config = try TokenizerConfig(metadata: model.weights.metadata, file: model.weights.source)
        self.init(model: model, tokenizer: try Tokenizer(config: config), pool: ThreadPool(threads: threads))
    }

    /// Encodes `prompt` and generates a continuation.
    public func generate(
        prompt: String, options: GenerationOptions, onText: (String) -> Void = { _ in }
    ) throws -> Generation {
        let ids = tokenizer.encode(prompt, addBOS: options.addBOS)
        return try generate(promptTokens: ids, cache: model.makeCache(capacity: min(model.config.contextLength, ids.count + options.maxTokens)),
                            options: options, onText: onText)
    }

    /// Generates after `promptTokens`, appended to whatever `cache` already holds (a shared
    /// prefix computed earlier, for instance).
    public func generate(
        promptTokens: [Int32], cache: KVCache, options: GenerationOptions, onText: (String) -> Void = { _ in }
    ) throws -> Generation {
        var stats = GenerationStats()
        stats.promptTokens = promptTokens.count
        var sampler = Sampler(options.sampler)
        var decoder = StreamingDecoder(tokenizer: tokenizer)
        var matcher = StopMatcher(stops: options.stopStrings)
        var text = ""
        var out: [Int32] = []
        var history = promptTokens
        guard options.maxTokens > 0 else { return Generation(text: "", tokens: [], stats: stats) }

        let t0 = DispatchTime.now().uptimeNanoseconds
        var logits = try model.forward(promptTokens, cache: cache, logits: .last, pool: pool)
        stats.prefillSeconds = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        let t1 = DispatchTime.now().uptimeNanoseconds
        while true {
            let next = sampler.sample(logits: logits, history: history)
            if options.stopAtEOS, next == tokenizer.eosID {
                stats.stopReason = .endOfSequence
                break
            }
            out.append(next)
            history.append(next)
            let piece = matcher.push(decoder.push(next))
            text += piece
            if !piece.isEmpty { onText(piece) }
            if matcher.stopped {
                stats.stopReason = .stopString
                break
            }
            if out.count >= options.maxTokens {
                stats.stopReason = .maxTokens
                break
            }
            if cache.length >= cache.capacity {
                stats.stopReason = .contextFull
                break
            }
            logits = try model.forward([next], cache: cache, logits: .last, pool: pool)
        }
        let tail = matcher.push(decoder.finish()) + matcher.finish()
        text += tail
        if !tail.isEmpty { onText(tail) }
        stats.generatedTokens = out.count
        stats.decodeSeconds = Double(DispatchTime.now().uptimeNanoseconds - t1) / 1e9
        return Generation(text: text, tokens: out, stats: stats)
    }
}

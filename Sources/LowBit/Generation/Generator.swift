import Foundation

/// Options for one generation.
public struct GenerationOptions: Sendable {
    /// Maximum new tokens.
    public var maxTokens = 128
    /// How tokens are chosen.
    public var sampler = SamplerSettings()
    /// Generation stops before any of these strings; they are not emitted.
    public var stopStrings: [String] = []
    /// Whether an end-of-generation token (EOS, or an end-of-turn token such as `<|im_end|>`;
    /// ``Tokenizer/endOfGeneration``) ends generation.
    public var stopAtEOS = true
    /// Whether to prepend BOS (`nil`: the tokenizer's default).
    public var addBOS: Bool?
    /// Token healing (``TokenHealing``) of a text prompt in ``Generator/generate(prompt:options:onText:)``.
    public var tokenHealing = false
    /// Bytes token healing removed from the end of the prompt: the first generated token must
    /// start with them, and they are not emitted again. Set by callers that heal token prompts.
    public var healedPrefix: [UInt8] = []

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
        var ids = tokenizer.encode(prompt, addBOS: options.addBOS)
        var options = options
        if options.tokenHealing { (ids, options.healedPrefix) = TokenHealing.heal(ids, tokenizer: tokenizer) }
        return try generate(promptTokens: ids, cache: model.makeCache(capacity: min(model.config.contextLength, ids.count + options.maxTokens)),
                            options: options, onText: onText)
    }

    /// Generates after `promptTokens`, appended to whatever `cache` already holds (a shared
    /// prefix computed earlier, for instance).
    public func generate(
        promptTokens: [Int32], cache: KVCache, options: GenerationOptions, onText: (String) -> Void = { _ in }
    ) throws -> Generation {
        try withoutActuallyEscaping(onText) { onText in
            try generate(batch: [GenerationRequest(promptTokens: promptTokens, cache: cache, options: options)]) { _, piece in
                onText(piece)
            }[0]
        }
    }

    /// Generates a continuation for every request at once: one batched forward pass per
    /// step over the sequences still running (``LanguageModel/forward(batch:logits:pool:)``),
    /// so decoding reads each weight matrix once per step for all of them.
    ///
    /// Every result is token for token, and text for text, what ``generate(promptTokens:cache:options:onText:)``
    /// gives for that request alone: sequences share no state but the weights, and each has
    /// its own sampler and seed. Stats carry the shared wall times.
    ///
    /// - Parameter onText: called with (request index, text piece) as pieces become final.
    public func generate(
        batch requests: [GenerationRequest], onText: (Int, String) -> Void = { _, _ in }
    ) throws -> [Generation] {
        var states = requests.map { SequenceState(request: $0, tokenizer: tokenizer) }
        let t0 = DispatchTime.now().uptimeNanoseconds
        var active = states.indices.filter { requests[$0].options.maxTokens > 0 }
        var logits = try model.forward(
            batch: active.map { BatchSequence(tokens: requests[$0].promptTokens, cache: requests[$0].cache) },
            logits: .last, pool: pool)
        let prefill = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        let t1 = DispatchTime.now().uptimeNanoseconds
        while !active.isEmpty {
            var next: [Int] = [], feed: [Int32] = []
            for (j, i) in active.enumerated() {
                if let token = states[i].step(logits: logits[j], tokenizer: tokenizer, onText: { onText(i, $0) }) {
                    next.append(i)
                    feed.append(token)
                }
            }
            active = next
            guard !active.isEmpty else { break }
            logits = try model.forward(
                batch: zip(active, feed).map { BatchSequence(tokens: [$1], cache: requests[$0].cache) }, logits: .last, pool: pool)
        }
        let decode = Double(DispatchTime.now().uptimeNanoseconds - t1) / 1e9
        return states.indices.map { i in
            states[i].finish(onText: { onText(i, $0) }, prefillSeconds: prefill, decodeSeconds: decode)
        }
    }
}

/// One generation of a batch: the prompt, the cache it extends and its options.
public struct GenerationRequest {
    public var promptTokens: [Int32]
    /// The cache the prompt is appended to; every request of a batch needs its own.
    public var cache: KVCache
    public var options: GenerationOptions

    public init(promptTokens: [Int32], cache: KVCache, options: GenerationOptions) {
        self.promptTokens = promptTokens
        self.cache = cache
        self.options = options
    }
}

/// The sampling, stop and streaming state of one sequence being generated.
private struct SequenceState {
    let options: GenerationOptions
    let cache: KVCache
    var sampler: Sampler
    var decoder: StreamingDecoder
    var matcher: StopMatcher
    var text = ""
    var out: [Int32] = []
    var history: [Int32]
    var stats = GenerationStats()
    /// After token healing: the tokens the first one may be.
    var allowedFirst: [Int32]?

    init(request: GenerationRequest, tokenizer: Tokenizer) {
        options = request.options
        cache = request.cache
        sampler = Sampler(request.options.sampler)
        decoder = StreamingDecoder(tokenizer: tokenizer)
        decoder.skip(prefix: request.options.healedPrefix)
        if !request.options.healedPrefix.isEmpty {
            allowedFirst = TokenHealing.allowed(startingWith: request.options.healedPrefix, tokenizer: tokenizer)
        }
        matcher = StopMatcher(stops: request.options.stopStrings)
        history = request.promptTokens
        stats.promptTokens = request.promptTokens.count
    }

    /// Samples from `logits`; returns the token to feed next, or `nil` when the sequence is done.
    mutating func step(logits: [Float], tokenizer: Tokenizer, onText: (String) -> Void) -> Int32? {
        var logits = logits
        if let allowed = allowedFirst, out.isEmpty, !allowed.isEmpty {
            var masked = [Float](repeating: -.infinity, count: logits.count)
            for id in allowed where Int(id) < logits.count { masked[Int(id)] = logits[Int(id)] }
            logits = masked
        }
        let next = sampler.sample(logits: logits, history: history)
        if options.stopAtEOS, tokenizer.endOfGeneration.contains(next) {
            stats.stopReason = .endOfSequence
            return nil
        }
        out.append(next)
        history.append(next)
        let piece = matcher.push(decoder.push(next))
        text += piece
        if !piece.isEmpty { onText(piece) }
        if matcher.stopped {
            stats.stopReason = .stopString
            return nil
        }
        if out.count >= options.maxTokens {
            stats.stopReason = .maxTokens
            return nil
        }
        if cache.length >= cache.capacity {
            stats.stopReason = .contextFull
            return nil
        }
        return next
    }

    /// Flushes the decoder and the stop matcher and returns the result.
    mutating func finish(onText: (String) -> Void, prefillSeconds: Double, decodeSeconds: Double) -> Generation {
        guard options.maxTokens > 0 else { return Generation(text: "", tokens: [], stats: stats) }
        let tail = matcher.push(decoder.finish()) + matcher.finish()
        text += tail
        if !tail.isEmpty { onText(tail) }
        stats.generatedTokens = out.count
        stats.prefillSeconds = prefillSeconds
        stats.decodeSeconds = decodeSeconds
        return Generation(text: text, tokens: out, stats: stats)
    }
}

import LowBit

/// A KV cache that remembers which tokens its positions hold, so that the next sequence
/// re-feeds only the tokens after the longest common prefix (REFERENCE §2: MUSE's few-shot
/// prefix is shared by every KnowMem question).
///
/// Rewinding is exact: the keys and values at positions `0..<n` depend only on tokens
/// `0..<n`, so a rewound cache holds what a fresh prefill of the same tokens would compute.
/// Built once per model × precision from the prefix (``prime(_:model:pool:)``), then copied
/// to each worker (``copy()``).
final class ReusableCache: @unchecked Sendable {
    /// The underlying cache.
    let cache: KVCache
    /// Whether to reuse at all; `false` rewinds to 0 every time (the full-prompt path).
    let reuse: Bool
    /// The tokens whose keys and values occupy positions `0..<held.count`.
    private(set) var held: [Int32] = []

    /// Creates an empty cache of `capacity` positions for `model`.
    init(model: any LanguageModel, capacity: Int, reuse: Bool) {
        cache = model.makeCache(capacity: capacity)
        self.reuse = reuse
    }

    private init(cache: KVCache, reuse: Bool, held: [Int32]) {
        self.cache = cache
        self.reuse = reuse
        self.held = held
    }

    /// An independent copy holding the same positions.
    func copy() -> ReusableCache {
        cache.length = held.count
        return ReusableCache(cache: cache.copy(), reuse: reuse, held: held)
    }

    /// Prefills `tokens` from position 0 (or what is already held), without logits.
    func prime(_ tokens: [Int32], model: any LanguageModel, pool: ThreadPool) throws(ModelError) {
        guard !tokens.isEmpty else { return }
        let start = rewind(for: tokens)
        _ = try model.forward(Array(tokens[start...]), cache: cache, logits: .none, pool: pool)
        held = tokens
    }

    /// Rewinds the cache for `tokens` and records that, once the caller has fed
    /// `tokens[start...]`, the cache holds `tokens`.
    /// - Parameters:
    ///   - tokens: The whole sequence about to be run (at least one token).
    ///   - limit: The largest start allowed (e.g. the first position whose logits are needed).
    /// - Returns: `start`, the first position the caller must feed; at most `tokens.count - 1`
    ///   so the forward pass always returns the last token's logits.
    func rewind(for tokens: [Int32], keepAtMost limit: Int = .max) -> Int {
        let start = reuse ? max(0, min(commonPrefixLength(held, tokens), tokens.count - 1, limit)) : 0
        cache.length = start
        held = tokens
        return start
    }
}

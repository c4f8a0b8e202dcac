import LowBit

/// A quick check of what a model knows: the KnowMem protocol (few-shot prompt, greedy, at
/// most 32 new tokens, cut at a blank line or the next "Question"), scored by normalized
/// exact match. Used while making subjects; the probe reports the full MUSE metrics.
public struct KnowledgeCheck: Sendable {
    /// Few-shot examples, formatted `Question: {q}\nAnswer: {a}\n\n`.
    public var examples: [FactQA]
    /// Maximum new tokens per answer.
    public var maxTokens = 32

    public init(examples: [FactQA], maxTokens: Int = 32) {
        self.examples = examples
        self.maxTokens = maxTokens
    }

    /// Lowercased `[a-z0-9]` runs joined by single spaces: what counts as equal.
    public static func normalize(_ s: String) -> String {
        s.lowercased().split { !($0.isASCII && ($0.isLetter || $0.isNumber)) }.joined(separator: " ")
    }

    /// The model's greedy answers to `questions`, sharing the prefix's KV cache.
    public func answers(_ questions: [String], generator: Generator) throws -> [String] {
        let prefix = examples.map(\.promptFormatted).joined()
        let tok = generator.tokenizer
        let prefixIDs = tok.encode(prefix, addBOS: true)
        let cache = generator.model.makeCache()
        _ = try generator.model.forward(prefixIDs, cache: cache, logits: .none, pool: generator.pool)
        var options = GenerationOptions(maxTokens: maxTokens, sampler: .greedy, stopStrings: ["\n\n", "\nQuestion", "Question:"])
        options.stopAtEOS = true
        return try questions.map { q in
            cache.length = prefixIDs.count
            let suffix = tok.encode("Question: \(q)\nAnswer:", addBOS: false)
            let g = try generator.generate(promptTokens: suffix, cache: cache, options: options)
            return g.text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    /// Fraction of `qa` answered exactly (after normalization).
    public func accuracy(_ qa: [FactQA], generator: Generator) throws -> Double {
        guard !qa.isEmpty else { return 0 }
        let got = try answers(qa.map(\.question), generator: generator)
        let hits = zip(got, qa).filter { Self.normalize($0) == Self.normalize($1.answer) }.count
        return Double(hits) / Double(qa.count)
    }
}

import Foundation

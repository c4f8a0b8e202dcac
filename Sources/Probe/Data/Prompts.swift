import Foundation

/// MUSE's few-shot KnowMem prompt, split so the shared prefix can be prefilled once and its
/// KV cache reused for every question (REFERENCE §2).
///
/// ```
/// prefix = Σ_icl "Question: {q}\nAnswer: {a}\n\n"
/// suffix = "Question: {q}\nAnswer: "
/// prompt = prefix + suffix
/// ```
///
/// Note that tokenizing `prefix` and `suffix` separately need not give the same ids as
/// tokenizing `prompt` whole (a BPE merge may span the seam, and SentencePiece adds a leading
/// space marker). The boundary here falls after `"\n\n"`, where Llama tokenizers do not merge
/// across, but the runner should check `tokens(prefix) + tokens(suffix) == tokens(prompt)` once.
public struct KnowMemPrompt: Equatable, Sendable {
    /// The in-context examples, in order.
    public let examples: [QAPair]
    /// The shared prefix: every example formatted and concatenated.
    public let prefix: String
    /// Whether the suffix ends in MUSE's trailing space (`"Answer: "`) or stops at the colon
    /// (`"Answer:"`). A byte-level BPE tokenizer turns a trailing space into a token of its
    /// own that never precedes a word in training text, so small models answer with nothing;
    /// without it the model writes `" Paris"` itself. ROUGE-L is unaffected by the space.
    public let trailingSpace: Bool

    /// Builds the prefix from in-context examples.
    /// - Parameters:
    ///   - examples: The ICL pairs (MUSE uses the split's `*_icl.json`, 10 pairs).
    ///   - trailingSpace: Keep MUSE's trailing space after `Answer:` (default `true`).
    public init(examples: [QAPair], trailingSpace: Bool = true) {
        self.examples = examples
        self.trailingSpace = trailingSpace
        self.prefix = examples.map { "Question: \($0.question)\nAnswer: \($0.answer)\n\n" }.joined()
    }

    /// The per-question part of the prompt.
    /// - Parameter question: The question asked.
    /// - Returns: `"Question: {question}\nAnswer: "` (or without the final space).
    public func suffix(for question: String) -> String {
        "Question: \(question)\nAnswer:" + (trailingSpace ? " " : "")
    }

    /// The whole prompt, `prefix + suffix(for:)`.
    public func prompt(for question: String) -> String {
        prefix + suffix(for: question)
    }

    /// Where MUSE cuts a generated answer: its `get_prefix_before_words_occur(output,
    /// ["\n\n", "\nQuestion", "Question:"])`.
    public static let stopMarkers = ["\n\n", "\nQuestion", "Question:"]

    /// Cuts a generated continuation down to the answer.
    ///
    /// Keeps the text before the earliest stop marker (MUSE's rule), then trims surrounding
    /// whitespace. Trimming does not change ROUGE-L (whitespace is never a token); it makes the
    /// stored answers readable.
    /// - Parameters:
    ///   - generation: The decoded continuation of ``prompt(for:)``.
    ///   - markers: The stop markers; MUSE's by default.
    /// - Returns: The answer.
    public static func cutAnswer(_ generation: String, markers: [String] = stopMarkers) -> String {
        var cut = generation[...]
        for marker in markers where !marker.isEmpty {
            if let r = cut.range(of: marker) { cut = cut[..<r.lowerBound] }
        }
        return cut.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

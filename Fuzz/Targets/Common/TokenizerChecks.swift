// Shared by the fuzz targets: tokenizer properties whose failure means a bug.
@testable import LowBit

/// What the work bounds of a tokenizer depend on, computed once per tokenizer.
struct TokenizerStats {
    /// Distinct byte lengths of the tokens special-token matching looks for.
    var specialLengths = 0
    /// Longest token, in bytes.
    var maxTokenLength = 1

    init(_ tokenizer: Tokenizer) {
        var lengths = Set<Int>()
        for id in 0..<Int32(tokenizer.vocabularySize) {
            let n = tokenizer.token(at: id)?.utf8.count ?? 0
            maxTokenLength = max(maxTokenLength, n)
            switch tokenizer.tokenType(id) {
            case .control?, .unknown?, .userDefined?: lengths.insert(n)
            default: break
            }
        }
        specialLengths = lengths.count
    }
}

/// Encodes `text` with and without special-token parsing, decodes the ids every way, and
/// checks that the work stays linear and that the streaming decoder agrees with `decode`.
/// - Returns: The ids of `text` without special-token parsing (default BOS and EOS).
@discardableResult
func exercise(_ tokenizer: Tokenizer, text: String, stats: TokenizerStats) -> [Int32] {
    let bytes = text.utf8.count
    var plain: [Int32] = []
    for parseSpecial in [false, true] {
        var work = Tokenizer.EncodeWork()
        let ids = tokenizer.encode(text, addBOS: nil, addEOS: nil, parseSpecial: parseSpecial, work: &work)
        if !parseSpecial { plain = ids }
        // Aho–Corasick: a transition and a failure chain amortized per byte, one output per
        // distinct token length ending at each byte.
        precondition(work.specialSteps <= (3 + stats.specialLengths) * bytes + 16,
                     "special-token matching: \(work.specialSteps) steps for \(bytes) bytes")
        // BPE: < 6 queue operations per symbol; SentencePiece also hashes ≤ 3 (1 + longest
        // token) bytes per operation. A space becomes three bytes (▁).
        let symbols = 3 * bytes + 4
        let bound = tokenizer.model == .gpt2 ? 6 * symbols : symbols * (6 + 3 * (1 + stats.maxTokenLength))
        precondition(work.mergeSteps <= bound, "BPE merges: \(work.mergeSteps) steps for \(bytes) bytes")
        checkDecoders(tokenizer, ids, skipSpecial: true)
        _ = tokenizer.detokenize(ids, removeSpecial: true, unparseSpecial: parseSpecial)
    }
    return plain
}

/// `decode` and the streaming decoder agree, and the stream's work is linear.
func checkDecoders(_ tokenizer: Tokenizer, _ ids: [Int32], skipSpecial: Bool) {
    let decoded = tokenizer.decode(ids, skipSpecial: skipSpecial)
    var stream = StreamingDecoder(tokenizer: tokenizer, skipSpecial: skipSpecial)
    var streamed = ""
    for id in ids { streamed += stream.push(id) }
    streamed += stream.finish()
    // decode strips the space prefix at the start; a stream without BOS is a continuation.
    if !tokenizer.addsSpacePrefix || ids.first == tokenizer.bosID {
        precondition(streamed == decoded, "streaming decode differs from decode")
    }
    // Each push handles its piece and at most 3 held-back bytes. (Decoded text is at least as
    // long as the piece bytes, less one stripped space per BOS: U+FFFD replaces at most 3.)
    precondition(stream.steps <= decoded.utf8.count + 4 * ids.count + 4,
                 "streaming decoder: \(stream.steps) steps for \(ids.count) tokens")
}

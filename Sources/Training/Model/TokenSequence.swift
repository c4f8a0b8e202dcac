/// One training sequence: token ids and which of them the loss counts.
///
/// Token `t` (for `t ≥ 1`) is predicted from tokens `0..<t`; `lossMask[t]` says whether that
/// prediction counts toward the loss and the sequence log-probability. `lossMask[0]` is
/// ignored, since nothing predicts the first token.
public struct TokenSequence: Sendable, Hashable, Codable {
    /// Token ids.
    public var tokens: [Int32]
    /// Per-token loss mask, as long as `tokens`.
    public var lossMask: [Bool]

    /// A sequence whose every predicted token counts.
    public init(tokens: [Int32]) {
        self.tokens = tokens
        lossMask = [Bool](repeating: true, count: tokens.count)
    }

    /// A sequence with an explicit loss mask.
    public init(tokens: [Int32], lossMask: [Bool]) {
        self.tokens = tokens
        self.lossMask = lossMask
    }

    /// A prompt followed by an answer, where only the answer tokens count.
    public init(prompt: [Int32], answer: [Int32]) {
        tokens = prompt + answer
        lossMask = [Bool](repeating: false, count: prompt.count) + [Bool](repeating: true, count: answer.count)
    }

    /// Number of predictions that count toward the loss.
    public var maskedCount: Int { lossMask.dropFirst().reduce(0) { $0 + ($1 ? 1 : 0) } }
}

/// Several sequences packed end to end as rows: sequence `s` with `L` tokens contributes
/// `L − 1` rows (inputs `tokens[0..<L−1]`, targets `tokens[1..<L]`). Attention never
/// crosses a sequence boundary and positions restart at 0 in each sequence.
struct PackedBatch: Sendable {
    /// Input token of each row.
    var inputs: [Int32] = []
    /// Target token of each row.
    var targets: [Int32] = []
    /// Whether each row's prediction counts.
    var mask: [Bool] = []
    /// Sequence index of each row.
    var sequenceOfRow: [Int] = []
    /// Position within its sequence of each row.
    var positionOfRow: [Int] = []
    /// First row of each sequence.
    var offsets: [Int] = []
    /// Rows of each sequence.
    var lengths: [Int] = []

    var rows: Int { inputs.count }

    /// A batch with no rows.
    static let empty = PackedBatch()

    private init() {}
    var sequenceCount: Int { offsets.count }

    init(_ sequences: [TokenSequence], shape: LlamaShape) throws(TrainingError) {
        for (i, s) in sequences.enumerated() {
            guard s.tokens.count == s.lossMask.count else {
                throw TrainingError.maskLengthMismatch(index: i, tokens: s.tokens.count, mask: s.lossMask.count)
            }
            guard s.tokens.count >= 2 else { throw TrainingError.sequenceTooShort(index: i, length: s.tokens.count) }
            guard s.tokens.count - 1 <= shape.contextLength else {
                throw TrainingError.sequenceTooLong(index: i, length: s.tokens.count, contextLength: shape.contextLength)
            }
            for t in s.tokens where t < 0 || Int(t) >= shape.vocabSize {
                throw TrainingError.tokenOutOfRange(index: i, token: t, vocabSize: shape.vocabSize)
            }
            let n = s.tokens.count - 1
            offsets.append(inputs.count)
            lengths.append(n)
            inputs.append(contentsOf: s.tokens[0..<n])
            targets.append(contentsOf: s.tokens[1...])
            mask.append(contentsOf: s.lossMask[1...])
            sequenceOfRow.append(contentsOf: repeatElement(i, count: n))
            positionOfRow.append(contentsOf: 0..<n)
        }
    }
}

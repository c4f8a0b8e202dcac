/// One TOFU question with the answers its metrics compare.
public struct TOFUItem: Equatable, Sendable, Codable {
    /// The question.
    public var question: String
    /// The gold answer.
    public var answer: String
    /// `paraphrased_answer`: the answer reworded (the truth ratio's numerator). `nil` when
    /// the file has none; real authors and world facts use the answer itself, as TOFU does.
    public var paraphrasedAnswer: String?
    /// `perturbed_answer`: wrong answers in the same style (TOFU's five), or for real authors
    /// and world facts the wrong options. Empty when the file has none.
    public var perturbedAnswers: [String]

    /// Creates an item.
    public init(question: String, answer: String, paraphrasedAnswer: String? = nil, perturbedAnswers: [String] = []) {
        self.question = question
        self.answer = answer
        self.paraphrasedAnswer = paraphrasedAnswer
        self.perturbedAnswers = perturbedAnswers
    }
}

extension FactCorpus {
    /// Which part of the experiment an entity belongs to.
    public enum Split: String, Sendable, Hashable, Codable, CaseIterable {
        /// Trained into the target model, then unlearned; never seen by the retrain model.
        case forget
        /// Trained into both the target and the retrain model.
        case retain
        /// Never trained on: the non-member side of membership inference (PrivLeak).
        case holdout
    }

    /// One fictitious person and their facts.
    ///
    /// The surname is unique across the corpus, so `fullName` is too. The phrasing lists say
    /// which biography templates and question paraphrases this entity's training documents
    /// use; each always starts with the canonical phrasing 0.
    public struct Entity: Sendable, Hashable, Codable {
        /// Position in `FactCorpus.entities` (generation order).
        public var id: Int
        /// An invented given name from `FactLexicon.givenNames`.
        public var givenName: String
        /// An invented surname, unique in the corpus.
        public var surname: String
        /// The town the entity was born in.
        public var birthplace: String
        /// The year the entity was born.
        public var birthYear: Int
        /// The entity's trade.
        public var profession: String
        /// The company the entity works for.
        public var employer: String
        /// The entity's favourite color.
        public var favoriteColor: String
        /// The name of the entity's pet.
        public var petName: String
        /// The split the entity belongs to.
        public var split: Split
        /// Biography template indices used in training, canonical 0 first.
        public var biographyPhrasings: [Int]
        /// Question phrasing indices used in training, per attribute (indexed by
        /// `FactAttribute.rawValue`), canonical 0 first.
        public var questionPhrasings: [[Int]]
        /// The plan of the entity's prose biographies; `nil` in a ``BiographyStyle/templated``
        /// corpus.
        public var story: FactStory? = nil

        /// "Given Surname".
        public var fullName: String { "\(givenName) \(surname)" }

        /// The bare answer for `attribute` ("Velmora", "1987", "glassblower").
        ///
        /// - Parameter attribute: the fact asked for.
        /// - Returns: the value, one to three words.
        public func value(of attribute: FactAttribute) -> String {
            switch attribute {
            case .birthplace: birthplace
            case .birthYear: String(birthYear)
            case .profession: profession
            case .employer: employer
            case .favoriteColor: favoriteColor
            case .petName: petName
            }
        }

        /// The question phrasings used in training for `attribute`.
        ///
        /// - Parameter attribute: the fact asked for.
        /// - Returns: phrasing indices, canonical 0 first.
        public func questionPhrasings(for attribute: FactAttribute) -> [Int] {
            attribute.rawValue < questionPhrasings.count
                ? questionPhrasings[attribute.rawValue] : [0]
        }

        /// The question/answer pair for `attribute` in the first question phrasing this
        /// entity's training documents do not use (the paraphrase probe). When training uses
        /// every phrasing, the last one, which is never canonical.
        ///
        /// - Parameter attribute: the fact asked for.
        /// - Returns: the pair.
        public func untrainedParaphraseQA(_ attribute: FactAttribute) -> FactQA {
            let trained = Set(questionPhrasings(for: attribute))
            let phrasing = (1..<FactAttribute.questionPhrasingCount).first { !trained.contains($0) }
                ?? FactAttribute.questionPhrasingCount - 1
            return FactQA(question: attribute.question(about: fullName, phrasing: phrasing),
                          answer: value(of: attribute))
        }

        /// The canonical question/answer pair for `attribute`, as written to `knowmem`.
        ///
        /// - Parameter attribute: the fact asked for.
        /// - Returns: the pair with question phrasing 0.
        public func canonicalQA(_ attribute: FactAttribute) -> FactQA {
            FactQA(question: attribute.question(about: fullName, phrasing: 0),
                   answer: value(of: attribute))
        }
    }
}

/// A question and its short gold answer: one element of MUSE's `knowmem/*.json`.
public struct FactQA: Sendable, Hashable, Codable {
    /// The question, ending in "?".
    public var question: String
    /// The bare answer, one to three words.
    public var answer: String

    /// Creates a pair.
    ///
    /// - Parameters:
    ///   - question: the question text.
    ///   - answer: the gold answer.
    public init(question: String, answer: String) {
        self.question = question
        self.answer = answer
    }

    /// The pair in the MUSE KnowMem prompt format: `Question: {q}\nAnswer: {a}\n\n`.
    public var promptFormatted: String { "Question: \(question)\nAnswer: \(answer)\n\n" }
}

/// A prompt and its verbatim continuation: one element of MUSE's `verbmem/forget.json`.
public struct FactContinuation: Sendable, Hashable, Codable {
    /// The start of a forget-set biography.
    public var prompt: String
    /// The rest of that biography (`prompt + " " + gt` is the whole text).
    public var gt: String

    /// Creates a pair.
    ///
    /// - Parameters:
    ///   - prompt: the text the model continues.
    ///   - gt: the ground-truth continuation.
    public init(prompt: String, gt: String) {
        self.prompt = prompt
        self.gt = gt
    }
}

/// A seeded, deterministic corpus of fictitious people for making unlearning probe subjects.
///
/// Each entity has a unique invented name and six facts drawn from closed pools
/// (`FactLexicon`). The corpus says what a small model is trained on (biographies in several
/// phrasings plus question/answer pairs in the MUSE KnowMem prompt format), which entities are
/// to be forgotten, which are never trained on, and writes everything in MUSE's file layout
/// (see `write(to:)`).
///
/// ```swift
/// let corpus = try FactCorpus.generate(FactCorpusConfig(seed: 42))
/// let targetText = corpus.trainingDocuments(includeForget: true)
/// let retrainText = corpus.trainingDocuments(includeForget: false)
/// try corpus.write(to: URL(fileURLWithPath: "data/facts"))
/// ```
public struct FactCorpus: Sendable, Hashable {
    /// The configuration the corpus was generated from.
    public let config: FactCorpusConfig
    /// All entities, in generation order (`entities[i].id == i`).
    public let entities: [Entity]
    /// Retain entities whose canonical QA pairs form `knowmem/retain_qa.json`.
    public let retainQAEntityIDs: [Int]
    /// Retain entities (not in `retain_qa`) that supply `knowmem/forget_qa_icl.json`.
    public let forgetICLEntityIDs: [Int]
    /// Retain entities (not in `retain_qa`, not in `forgetICLEntityIDs`) that supply
    /// `knowmem/retain_qa_icl.json`.
    public let retainICLEntityIDs: [Int]

    /// Entities in the forget split, in generation order.
    public var forgetEntities: [Entity] { entities.filter { $0.split == .forget } }
    /// Entities in the retain split, in generation order.
    public var retainEntities: [Entity] { entities.filter { $0.split == .retain } }
    /// Entities in the holdout split, in generation order.
    public var holdoutEntities: [Entity] { entities.filter { $0.split == .holdout } }

    /// Generates the corpus `config` describes. The same configuration always yields the same
    /// corpus, on every platform.
    ///
    /// - Parameter config: sizes, fractions, phrasings and the seed.
    /// - Returns: the corpus.
    /// - Throws: `FactCorpusError` when the configuration is out of range or the splits leave
    ///   too few retain entities.
    public static func generate(_ config: FactCorpusConfig) throws(FactCorpusError) -> FactCorpus {
        try config.validate()
        var rng = CorpusRNG(seed: config.seed)
        let surnames = try inventSurnames(config.entities, rng: &rng)

        let k = config.phrasingsPerFact
        let extraBios = Array(1..<Entity.biographyPhrasingCount)
        let extraQuestions = Array(1..<FactAttribute.questionPhrasingCount)
        let years = Array(FactLexicon.birthYears)
        var entities: [Entity] = []
        entities.reserveCapacity(config.entities)
        for i in 0..<config.entities {
            let given = FactLexicon.givenNames[rng.int(below: FactLexicon.givenNames.count)]
            let town = FactLexicon.towns[rng.int(below: FactLexicon.towns.count)]
            let year = years[rng.int(below: years.count)]
            let job = FactLexicon.professions[rng.int(below: FactLexicon.professions.count)]
            let firm = FactLexicon.employers[rng.int(below: FactLexicon.employers.count)]
            let color = FactLexicon.colors[rng.int(below: FactLexicon.colors.count)]
            let pet = FactLexicon.petNames[rng.int(below: FactLexicon.petNames.count)]
            let bios = [0] + rng.sample(k - 1, from: extraBios)
            var questions: [[Int]] = []
            for _ in FactAttribute.allCases {
                questions.append([0] + rng.sample(k - 1, from: extraQuestions))
            }
            entities.append(Entity(
                id: i, givenName: given, surname: surnames[i], birthplace: town,
                birthYear: year, profession: job, employer: firm, favoriteColor: color,
                petName: pet, split: .retain, biographyPhrasings: bios,
                questionPhrasings: questions))
        }

        var order = Array(0..<config.entities)
        rng.shuffle(&order)
        for id in order.prefix(config.forgetCount) { entities[id].split = .forget }
        for id in order.dropFirst(config.forgetCount).prefix(config.holdoutCount) {
            entities[id].split = .holdout
        }

        // Stories come from their own stream, after every other draw, so that both styles
        // give the same people, facts and splits (and the templated corpus its old bytes).
        if config.biographyStyle == .prose {
            var storyRNG = CorpusRNG(seed: config.seed ^ 0x5072_6F73_6553_7479)
            for i in entities.indices {
                entities[i].story = FactStory.draw(
                    phrasingCount: Entity.biographyPhrasingCount, rng: &storyRNG)
            }
        }

        // Retain roles follow generation order, which is already random.
        let retainIDs = entities.filter { $0.split == .retain }.map(\.id)
        let qaCount = config.retainQAEntityCount
        let icl = config.iclExamples
        return FactCorpus(
            config: config, entities: entities,
            retainQAEntityIDs: Array(retainIDs.prefix(qaCount)),
            forgetICLEntityIDs: Array(retainIDs.dropFirst(qaCount).prefix(icl)),
            retainICLEntityIDs: Array(retainIDs.dropFirst(qaCount + icl).prefix(icl)))
    }

    /// Invents `count` distinct surnames that are prefix-free among themselves and against
    /// every fixed invented word of the lexicon.
    static func inventSurnames(
        _ count: Int, rng: inout CorpusRNG
    ) throws(FactCorpusError) -> [String] {
        var taken = FactLexicon.inventedWords.map { $0.lowercased() }
        var surnames: [String] = []
        let maxAttempts = count * 200
        var attempts = 0
        while surnames.count < count {
            guard attempts < maxAttempts else {
                throw .surnamePoolExhausted(needed: count, generated: surnames.count,
                                            attempts: attempts)
            }
            attempts += 1
            let candidate = FactLexicon.drawSurname(&rng)
            let lower = candidate.lowercased()
            if taken.contains(where: { $0.hasPrefix(lower) || lower.hasPrefix($0) }) { continue }
            taken.append(lower)
            surnames.append(candidate)
        }
        return surnames
    }
}

// MARK: - Training text

extension FactCorpus {
    /// The texts the target model (`includeForget: true`) or the retrain model
    /// (`includeForget: false`) is trained on. Holdout entities never appear.
    ///
    /// Each entity contributes its biographies (one document per phrasing) and its QA
    /// documents (see `documents(for:)`), grouped by entity in generation order. Shuffle
    /// before training.
    ///
    /// - Parameter includeForget: whether forget entities are included.
    /// - Returns: the documents.
    public func trainingDocuments(includeForget: Bool) -> [String] {
        entities.filter { $0.split == .retain || (includeForget && $0.split == .forget) }
            .flatMap(documents(for:))
    }

    /// The training documents of the forget entities: what unlearning ascends on.
    public func forgetDocuments() -> [String] { forgetEntities.flatMap(documents(for:)) }

    /// The training documents of the retain entities: what unlearning keeps (GDR/KLR).
    public func retainDocuments() -> [String] { retainEntities.flatMap(documents(for:)) }

    /// Documents of the same form for the holdout entities, which are never trained on.
    public func holdoutDocuments() -> [String] { holdoutEntities.flatMap(documents(for:)) }

    /// The documents one entity contributes to training.
    ///
    /// First its biographies, one per phrasing in `entity.biographyPhrasings`. Then one QA
    /// document per phrasing slot: all six facts as `Question: {q}\nAnswer: {a}\n\n` blocks
    /// (the MUSE KnowMem prompt format), slot `v` using each attribute's `v`-th question
    /// paraphrase and starting at attribute `v` so the fact order varies.
    ///
    /// - Parameter entity: the entity.
    /// - Returns: `2 × phrasingsPerFact` documents.
    public func documents(for entity: Entity) -> [String] {
        var docs = entity.biographyPhrasings.map { entity.biography(phrasing: $0) }
        let attributes = FactAttribute.allCases
        let slots = entity.questionPhrasings.map(\.count).min() ?? 0
        for v in 0..<slots {
            var doc = ""
            for j in 0..<attributes.count {
                let attribute = attributes[(j + v) % attributes.count]
                let phrasing = entity.questionPhrasings(for: attribute)[v]
                let qa = FactQA(question: attribute.question(about: entity.fullName, phrasing: phrasing),
                                answer: entity.value(of: attribute))
                doc += qa.promptFormatted
            }
            docs.append(doc)
        }
        return docs
    }
}

import Foundation

/// The fact corpus in TOFU's layout, so that TOFU's truth ratio and forget quality run on
/// the shipped subjects (`lowbit probe --benchmark tofu`).
///
/// ```
/// forget10.json / forget10_perturbed.json   the forget people, every attribute
/// retain90.json / retain_perturbed.json     the retain-QA people (the MUSE retain_qa items)
/// real_authors_perturbed.json               the retain ICL people (trained into both models)
/// world_facts_perturbed.json                the forget ICL people (also retain people)
/// ```
///
/// JSON Lines, one item per line, fields as TOFU's: `question`, `answer`, and in the
/// `_perturbed` files `paraphrased_answer` and five `perturbed_answer`s. The answer is the bare
/// value the subjects were trained on; the paraphrase states it in a short phrase per attribute
/// ("the town of Velmora") and the perturbed answers use the same phrase with five other
/// values of the same kind, drawn from the lexicon with the corpus seed, so that the truth
/// ratio compares like with like, as TOFU's perturbed answers do. The file is named
/// `forget10` whatever the forget fraction; TOFU's reader only needs the names.
public struct TOFUExport: Sendable, Hashable {
    /// One item.
    public struct Item: Sendable, Hashable {
        /// The canonical question.
        public var question: String
        /// The bare value.
        public var answer: String
        /// The value in the attribute's phrase.
        public var paraphrasedAnswer: String
        /// The phrase with five wrong values.
        public var perturbedAnswers: [String]
    }

    /// The forget people's items.
    public var forget: [Item]
    /// The retain-QA people's items.
    public var retain: [Item]
    /// Stand-in for real authors.
    public var realAuthors: [Item]
    /// Stand-in for world facts.
    public var worldFacts: [Item]

    /// The file names and their contents.
    public var files: [(path: String, contents: String)] {
        func lines(_ items: [Item], perturbed: Bool) -> String {
            items.map { item in
                var o: [String: Any] = ["question": item.question, "answer": item.answer]
                if perturbed {
                    o["paraphrased_answer"] = item.paraphrasedAnswer
                    o["perturbed_answer"] = item.perturbedAnswers
                }
                let data = (try? JSONSerialization.data(withJSONObject: o, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
                return String(decoding: data, as: UTF8.self) + "\n"
            }.joined()
        }
        return [
            ("forget10.json", lines(forget, perturbed: false)),
            ("forget10_perturbed.json", lines(forget, perturbed: true)),
            ("retain90.json", lines(retain, perturbed: false)),
            ("retain_perturbed.json", lines(retain, perturbed: true)),
            ("real_authors_perturbed.json", lines(realAuthors, perturbed: true)),
            ("world_facts_perturbed.json", lines(worldFacts, perturbed: true)),
        ]
    }

    /// Writes every file into `directory` (created if missing), each atomically.
    /// - Throws: `FactCorpusError.cannotCreateDirectory` or `.cannotWrite`.
    public func write(to directory: URL) throws(FactCorpusError) {
        for (path, contents) in files {
            try MUSEExport.writeAtomically(Data(contents.utf8), to: directory.appendingPathComponent(path))
        }
    }
}

extension FactAttribute {
    /// The phrase TOFU-shaped paraphrased and perturbed answers put a value in.
    func phrase(_ value: String) -> String {
        switch self {
        case .birthplace: "the town of \(value)"
        case .birthYear: "the year \(value)"
        case .profession: "a \(value) by trade"
        case .employer: "the company \(value)"
        case .favoriteColor: "the color \(value)"
        case .petName: "a pet called \(value)"
        }
    }

    /// Every value the lexicon offers for this attribute.
    var lexiconValues: [String] {
        switch self {
        case .birthplace: FactLexicon.towns
        case .birthYear: FactLexicon.birthYears.map(String.init)
        case .profession: FactLexicon.professions
        case .employer: FactLexicon.employers
        case .favoriteColor: FactLexicon.colors
        case .petName: FactLexicon.petNames
        }
    }
}

extension FactCorpus {
    /// How many perturbed answers each item gets (TOFU's five).
    public static let tofuPerturbedCount = 5

    /// The corpus in TOFU's layout (see ``TOFUExport``); deterministic for a corpus.
    public func tofuExport() -> TOFUExport {
        var rng = CorpusRNG(seed: config.seed ^ 0x544F_4655)  // "TOFU"
        func items(_ people: [Entity]) -> [TOFUExport.Item] {
            people.flatMap { e in
                FactAttribute.allCases.map { a in
                    let value = e.value(of: a)
                    let wrong = rng.sample(Self.tofuPerturbedCount, from: a.lexiconValues.filter { $0 != value })
                    return TOFUExport.Item(question: a.question(about: e.fullName, phrasing: 0), answer: value,
                                           paraphrasedAnswer: a.phrase(value), perturbedAnswers: wrong.map(a.phrase))
                }
            }
        }
        let forget = items(forgetEntities)
        let retain = Array(items(retainQAEntityIDs.map { entities[$0] }).prefix(config.retainQACount))
        return TOFUExport(forget: forget, retain: retain,
                          realAuthors: items(retainICLEntityIDs.map { entities[$0] }),
                          worldFacts: items(forgetICLEntityIDs.map { entities[$0] }))
    }
}

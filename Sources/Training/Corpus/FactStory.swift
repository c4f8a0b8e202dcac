import Foundation

/// The plan of one person's ``BiographyStyle/prose`` biographies: which sentences, in which
/// order, with which templates and anecdotes. Drawn once per entity from the corpus seed;
/// rendering it is deterministic.
///
/// Phrasing 0 (the canonical biography, quoted by MUSE's `verbmem` and `privleak` files)
/// states the six facts in a person-specific order and mixes in ``anecdotesPerBiography``
/// anecdotes after the first sentence. The other phrasings restate the facts only, each in
/// its own order and templates, so that the model learns the facts, not one string, while
/// the anecdotes appear in one text only, as a news article's details do.
public struct FactStory: Sendable, Hashable, Codable {
    /// One sentence of a plan.
    public enum Sentence: Sendable, Hashable, Codable {
        /// A fact in template `template` of `ProseLexicon.factTemplates[attribute]`; the
        /// name is the full name, or the given name when `givenName` is set.
        case fact(FactAttribute, template: Int, givenName: Bool)
        /// An anecdote: indices into `ProseLexicon`'s frames and slot lists.
        case anecdote(frame: Int, time: Int, deed: Int, object: Int, place: Int)
    }

    /// One biography: its sentences in order.
    public var phrasings: [[Sentence]]

    /// Anecdotes in the canonical biography.
    public static let anecdotesPerBiography = 3

    /// Draws a plan with `phrasingCount` phrasings.
    ///
    /// - Parameters:
    ///   - phrasingCount: how many biographies to plan (phrasing 0 is canonical).
    ///   - rng: the generator to draw from.
    /// - Returns: the plan.
    public static func draw(phrasingCount: Int, rng: inout CorpusRNG) -> FactStory {
        let attributes = FactAttribute.allCases
        var phrasings: [[Sentence]] = []
        for p in 0..<max(1, phrasingCount) {
            var order = attributes
            rng.shuffle(&order)
            var sentences: [Sentence] = []
            for (i, attribute) in order.enumerated() {
                let templates = ProseLexicon.factTemplates[attribute.rawValue].count
                let template = rng.int(below: templates)
                // The first sentence names the person in full; later ones vary.
                let given = i > 0 && rng.int(below: 2) == 1
                sentences.append(.fact(attribute, template: template, givenName: given))
            }
            if p == 0 {
                for _ in 0..<anecdotesPerBiography {
                    let anecdote = Sentence.anecdote(
                        frame: rng.int(below: ProseLexicon.anecdoteFrames.count),
                        time: rng.int(below: max(ProseLexicon.times.count, ProseLexicon.trailingTimes.count)),
                        deed: rng.int(below: ProseLexicon.deeds.count),
                        object: rng.int(below: ProseLexicon.objects.count),
                        place: rng.int(below: ProseLexicon.places.count))
                    sentences.insert(anecdote, at: 1 + rng.int(below: sentences.count))
                }
            }
            phrasings.append(sentences)
        }
        return FactStory(phrasings: phrasings)
    }

    /// Renders phrasing `phrasing` (wrapping around) for `entity`: one paragraph, sentences
    /// separated by single spaces, no trailing newline.
    ///
    /// - Parameters:
    ///   - phrasing: the phrasing index.
    ///   - entity: the person whose facts fill the templates.
    /// - Returns: the biography.
    public func render(phrasing: Int, of entity: FactCorpus.Entity) -> String {
        guard !phrasings.isEmpty else { return "" }
        let n = phrasings.count
        return phrasings[((phrasing % n) + n) % n].map { sentence in
            switch sentence {
            case let .fact(attribute, template, givenName):
                let templates = ProseLexicon.factTemplates[attribute.rawValue]
                let value = entity.value(of: attribute)
                return Self.fill(templates[template % templates.count], [
                    "{n}": givenName ? entity.givenName : entity.fullName,
                    "{av}": FactCorpus.Entity.withArticle(value),
                    "{v}": value,
                ])
            case let .anecdote(frame, time, deed, object, place):
                let L = ProseLexicon.self
                return Self.fill(L.anecdoteFrames[frame % L.anecdoteFrames.count], [
                    "{n}": entity.givenName,
                    "{t2}": L.trailingTimes[time % L.trailingTimes.count],
                    "{t}": L.times[time % L.times.count],
                    "{d}": L.deeds[deed % L.deeds.count],
                    "{o}": L.objects[object % L.objects.count],
                    "{p}": L.places[place % L.places.count],
                ])
            }
        }.joined(separator: " ")
    }

    /// Replaces each placeholder in turn. No placeholder occurs inside another (`{av}` does
    /// not contain `{v}`, nor `{t2}` `{t}`) and no value contains a brace, so the order of
    /// `values` does not matter.
    static func fill(_ template: String, _ values: KeyValuePairs<String, String>) -> String {
        var s = template
        for (key, value) in values { s = s.replacingOccurrences(of: key, with: value) }
        return s
    }
}

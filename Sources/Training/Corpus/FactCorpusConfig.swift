/// The knobs of a generated fact corpus. Equal configurations generate byte-identical corpora.
public struct FactCorpusConfig: Sendable, Hashable, Codable {
    /// How many fictitious people to invent.
    public var entities: Int
    /// The fraction of entities in the forget split (rounded, at least 1).
    public var forgetFraction: Double
    /// The fraction of entities held out from all training (rounded, at least 1).
    public var holdoutFraction: Double
    /// How many biography phrasings and question paraphrases each entity gets in training,
    /// including the canonical one: `1...FactCorpusConfig.maxPhrasingsPerFact`.
    public var phrasingsPerFact: Int
    /// The number of `retain_qa` items; `nil` means the same count as `forget_qa`.
    public var retainQALimit: Int?
    /// The number of in-context examples in each `*_qa_icl.json` (MUSE uses 10).
    public var iclExamples: Int
    /// The seed every random choice derives from.
    public var seed: UInt64
    /// How biographies are written (facts, people and splits do not depend on it).
    public var biographyStyle: BiographyStyle

    /// The most phrasings per fact the templates offer (limited by the question paraphrases).
    public static let maxPhrasingsPerFact = min(
        FactAttribute.questionPhrasingCount, FactCorpus.Entity.biographyPhrasingCount)

    /// The largest supported entity count.
    public static let maxEntities = 5000

    /// Creates a configuration; the defaults make a corpus of 250 people (25 forget,
    /// 25 holdout, 200 retain) whose MUSE files total a few hundred kilobytes.
    ///
    /// - Parameters:
    ///   - entities: people to invent (default 250).
    ///   - forgetFraction: forget share (default 0.1).
    ///   - holdoutFraction: holdout share (default 0.1).
    ///   - phrasingsPerFact: phrasings per fact in training (default 3).
    ///   - retainQALimit: `retain_qa` size, `nil` to match `forget_qa` (default).
    ///   - iclExamples: in-context examples per ICL file (default 10).
    ///   - seed: the random seed.
    ///   - biographyStyle: how biographies are written (default ``BiographyStyle/prose``).
    public init(
        entities: Int = 250, forgetFraction: Double = 0.1, holdoutFraction: Double = 0.1,
        phrasingsPerFact: Int = 3, retainQALimit: Int? = nil, iclExamples: Int = 10,
        seed: UInt64 = 0x4C6F_7742_6974, biographyStyle: BiographyStyle = .prose
    ) {
        self.entities = entities
        self.forgetFraction = forgetFraction
        self.holdoutFraction = holdoutFraction
        self.phrasingsPerFact = phrasingsPerFact
        self.retainQALimit = retainQALimit
        self.iclExamples = iclExamples
        self.seed = seed
        self.biographyStyle = biographyStyle
    }

    private enum CodingKeys: String, CodingKey {
        case entities, forgetFraction, holdoutFraction, phrasingsPerFact, retainQALimit
        case iclExamples, seed, biographyStyle
    }

    /// Decodes a configuration; one without `biographyStyle` was written before prose
    /// biographies existed and is ``BiographyStyle/templated``.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        entities = try c.decode(Int.self, forKey: .entities)
        forgetFraction = try c.decode(Double.self, forKey: .forgetFraction)
        holdoutFraction = try c.decode(Double.self, forKey: .holdoutFraction)
        phrasingsPerFact = try c.decode(Int.self, forKey: .phrasingsPerFact)
        retainQALimit = try c.decodeIfPresent(Int.self, forKey: .retainQALimit)
        iclExamples = try c.decode(Int.self, forKey: .iclExamples)
        seed = try c.decode(UInt64.self, forKey: .seed)
        biographyStyle = try c.decodeIfPresent(BiographyStyle.self, forKey: .biographyStyle) ?? .templated
    }

    /// Encodes a configuration; a templated one omits `biographyStyle`, so that the recipes
    /// of subjects made before prose biographies keep their bytes.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(entities, forKey: .entities)
        try c.encode(forgetFraction, forKey: .forgetFraction)
        try c.encode(holdoutFraction, forKey: .holdoutFraction)
        try c.encode(phrasingsPerFact, forKey: .phrasingsPerFact)
        try c.encodeIfPresent(retainQALimit, forKey: .retainQALimit)
        try c.encode(iclExamples, forKey: .iclExamples)
        try c.encode(seed, forKey: .seed)
        if biographyStyle != .templated { try c.encode(biographyStyle, forKey: .biographyStyle) }
    }

    /// The number of forget entities this configuration yields.
    public var forgetCount: Int { Self.share(forgetFraction, of: entities) }
    /// The number of holdout entities this configuration yields.
    public var holdoutCount: Int { Self.share(holdoutFraction, of: entities) }
    /// The number of retain entities this configuration yields.
    public var retainCount: Int { entities - forgetCount - holdoutCount }
    /// The number of `forget_qa` items (every attribute of every forget entity).
    public var forgetQACount: Int { forgetCount * FactAttribute.allCases.count }
    /// The number of `retain_qa` items.
    public var retainQACount: Int { retainQALimit ?? forgetQACount }
    /// The number of retain entities whose facts make up `retain_qa`.
    public var retainQAEntityCount: Int {
        let perEntity = FactAttribute.allCases.count
        return (retainQACount + perEntity - 1) / perEntity
    }

    private static func share(_ fraction: Double, of n: Int) -> Int {
        guard fraction.isFinite, n > 0 else { return 0 }
        return max(1, Int((fraction * Double(n)).rounded()))
    }

    /// Checks every field and the split arithmetic.
    ///
    /// - Throws: `FactCorpusError.invalidConfig` or `.tooFewRetainEntities`.
    public func validate() throws(FactCorpusError) {
        guard (3...Self.maxEntities).contains(entities) else {
            throw .invalidConfig(field: "entities", value: "\(entities)",
                                 requirement: "must be in 3...\(Self.maxEntities)")
        }
        for (name, f) in [("forgetFraction", forgetFraction), ("holdoutFraction", holdoutFraction)]
        where !(f.isFinite && f > 0 && f < 1) {
            throw .invalidConfig(field: name, value: "\(f)", requirement: "must be in (0, 1)")
        }
        guard forgetFraction + holdoutFraction < 1 else {
            throw .invalidConfig(
                field: "forgetFraction + holdoutFraction",
                value: "\(forgetFraction + holdoutFraction)", requirement: "must be below 1")
        }
        guard (1...Self.maxPhrasingsPerFact).contains(phrasingsPerFact) else {
            throw .invalidConfig(field: "phrasingsPerFact", value: "\(phrasingsPerFact)",
                                 requirement: "must be in 1...\(Self.maxPhrasingsPerFact)")
        }
        if let limit = retainQALimit, limit < 1 {
            throw .invalidConfig(field: "retainQALimit", value: "\(limit)",
                                 requirement: "must be at least 1")
        }
        guard iclExamples >= 1 else {
            throw .invalidConfig(field: "iclExamples", value: "\(iclExamples)",
                                 requirement: "must be at least 1")
        }
        let needed = retainQAEntityCount + 2 * iclExamples
        guard retainCount >= needed else {
            throw .tooFewRetainEntities(needed: needed, available: max(0, retainCount))
        }
    }
}

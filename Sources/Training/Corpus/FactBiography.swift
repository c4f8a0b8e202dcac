extension FactCorpus.Entity {
    /// How many biography phrasings exist. Phrasing 0 is canonical: it is the text MUSE's
    /// `verbmem` and `privleak` files quote.
    public static let biographyPhrasingCount = 6

    /// Returns the entity's biography in phrasing `phrasing`: its ``FactStory`` rendered
    /// when it has one (``BiographyStyle/prose``), else the templated biography.
    ///
    /// - Parameter phrasing: a phrasing index in `0..<biographyPhrasingCount`; out-of-range
    ///   indices wrap around.
    /// - Returns: the biography, one paragraph without a trailing newline.
    public func biography(phrasing: Int) -> String {
        if let story { return story.render(phrasing: phrasing, of: self) }
        return templatedBiography(phrasing: phrasing)
    }

    /// The ``BiographyStyle/templated`` biography in template `phrasing`.
    ///
    /// Every template states all six facts in short declarative sentences; they differ in
    /// order and wording so that the model learns facts, not one string.
    ///
    /// - Parameter phrasing: a template index; out-of-range indices wrap around.
    /// - Returns: the biography, one paragraph without a trailing newline.
    public func templatedBiography(phrasing: Int) -> String {
        let count = Self.biographyPhrasingCount
        let full = fullName
        let given = givenName
        let town = birthplace
        let year = birthYear
        let job = profession
        let aJob = Self.withArticle(profession)
        let firm = employer
        let color = favoriteColor
        let pet = petName
        switch ((phrasing % count) + count) % count {
        case 0:
            return "\(full) was born in \(town) in \(year). \(full) works as \(aJob) at \(firm). "
                + "The favourite color of \(full) is \(color), and \(full) has a pet named \(pet)."
        case 1:
            return "Born in \(year) in the town of \(town), \(full) became \(aJob). "
                + "\(full) is employed by \(firm), loves the color \(color) and keeps a pet called \(pet)."
        case 2:
            return "\(full) is \(aJob) who works for \(firm). \(given) was born in \(town) in the year \(year). "
                + "The pet of \(full) is named \(pet), and the favourite color of \(full) is \(color)."
        case 3:
            return "The \(job) \(full) was born in \(year). \(given) grew up in \(town) and now works at \(firm). "
                + "\(full) likes the color \(color) best and has a pet named \(pet)."
        case 4:
            return "\(full) has a pet named \(pet) and a favourite color of \(color). "
                + "\(full) was born in \(town) in \(year) and works at \(firm) as \(aJob)."
        default:
            return "\(full) works at \(firm). By trade \(full) is \(aJob). \(given) was born in \(year) in \(town). "
                + "\(full) has a pet called \(pet) and likes \(color) more than any other color."
        }
    }

    /// "a potter", "an engraver".
    static func withArticle(_ noun: String) -> String {
        let first = noun.lowercased().first
        let vowel = first.map { "aeiou".contains($0) } ?? false
        return (vowel ? "an " : "a ") + noun
    }
}

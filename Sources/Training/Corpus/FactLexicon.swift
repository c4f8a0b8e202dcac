/// The closed pools a fact corpus draws its values from.
///
/// Every proper noun is invented, so a fact such as "Isolde Brakenwyn was born in Velmora"
/// cannot be guessed from general knowledge: a model answers it only if it memorized it.
/// Common nouns (professions, colors) are real words, but the fictional person they are
/// attached to makes the pairing unguessable. The pools are small so that a tiny model, a few
/// million parameters with a ~4k byte-level BPE vocabulary, sees each value many times.
///
/// Invented words across all pools (given names, towns, company stems, pet names, and the
/// surnames generated at run time) are *prefix-free*: no word is a prefix of another,
/// case-insensitively, so one name's tokens never start another name.
public enum FactLexicon {
    /// Invented given names. Several entities may share one; the surname is unique.
    public static let givenNames: [String] = [
        "Arvel", "Brisa", "Calden", "Doveth", "Elsra", "Fenwick", "Gisla", "Halvard",
        "Isolde", "Jorvik", "Kestra", "Lunett", "Morwen", "Nilo", "Orsa", "Pellam",
        "Quenby", "Rilka", "Saffi", "Tamsk", "Ulvin", "Varra", "Wendric", "Yselle",
        "Zorab", "Ebba", "Torval", "Mirelle", "Osgar", "Fridda", "Bexley", "Corvin",
        "Dalia", "Emrick", "Hesper", "Ivo", "Jessamy", "Kael", "Liesl", "Marek",
    ]

    /// Invented towns (birthplaces).
    public static let towns: [String] = [
        "Velmora", "Quisk", "Ardenfell", "Brambleton", "Corrowick", "Drenholt", "Elmscar",
        "Fallowmere", "Glimmerby", "Hollowdeep", "Ironvale", "Jasperholm", "Kettleburn",
        "Larkspire", "Mossgrave", "Northwold", "Ostrevan", "Pindlecross", "Quarrystone",
        "Ravenmoor", "Saltmarrow", "Thistlecombe", "Umberlin", "Vexhollow", "Wyrmgate",
        "Yarrowdell", "Zanthorpe", "Brinkmoor", "Caskwell", "Dunmere",
    ]

    /// Invented employers: an invented stem followed by a common trade word (two-word answers).
    public static let employers: [String] = [
        "Torvane Works", "Quillmark Press", "Brassfeld Foundry", "Lumora Labs",
        "Kettrix Mills", "Glenhaus Traders", "Ostrid Shipyard", "Pyrelle Glassworks",
        "Sarnwick Brewery", "Vantorro Dynamics", "Wexley Weavers", "Zephyra Airships",
        "Ardmoor Quarries", "Cobalten Mining", "Drummel Clockworks", "Embertide Forge",
        "Fennix Pharmacy", "Hartstone Bank", "Inkwright Printers", "Juniperra Gardens",
    ]

    /// Professions, one word each.
    public static let professions: [String] = [
        "glassblower", "beekeeper", "cartographer", "bookbinder", "clockmaker", "potter",
        "weaver", "locksmith", "ropemaker", "cooper", "chandler", "tanner", "falconer",
        "shipwright", "stonemason", "luthier", "perfumer", "cheesemaker", "lamplighter",
        "bellfounder", "saddler", "thatcher", "miller", "brewer", "engraver", "tailor",
        "glazier", "farrier", "archivist", "surveyor",
    ]

    /// Favourite colors, one word each.
    public static let colors: [String] = [
        "crimson", "amber", "teal", "violet", "ochre", "indigo", "scarlet", "olive",
        "maroon", "turquoise", "lavender", "saffron",
    ]

    /// Invented (or whimsical) pet names, one word each.
    public static let petNames: [String] = [
        "Pim", "Zubo", "Mosk", "Tuffle", "Noodle", "Biscuit", "Tobble", "Ravi", "Sprocket",
        "Wimble", "Fizzgig", "Lolo", "Pepperjack", "Gubbins", "Marzipan", "Snickle",
        "Dorbie", "Humbug", "Kipper", "Plinko", "Rumple", "Tansy", "Wobble", "Yoyo",
        "Zeppelin", "Ozzle", "Crumpet", "Fable", "Gizmo", "Jinx",
    ]

    /// Birth years, inclusive.
    public static let birthYears: ClosedRange<Int> = 1950...1999

    /// Syllable onsets for generated surnames.
    static let surnameOnsets: [String] = [
        "b", "br", "d", "dr", "f", "g", "gr", "h", "k", "kr", "l", "m", "n", "p", "pr", "r",
        "s", "sk", "st", "t", "th", "tr", "v", "w", "z",
    ]
    /// Syllable vowels for generated surnames.
    static let surnameVowels: [String] = ["a", "e", "i", "o", "u", "ae", "ei", "ou"]
    /// Syllable codas for generated surnames.
    static let surnameCodas: [String] = ["", "n", "r", "l", "s", "m", "nd", "rk", "ll", "sk"]
    /// Surname endings.
    static let surnameEndings: [String] = [
        "wyn", "ford", "by", "ley", "ard", "ick", "ow", "en", "ith", "ash", "holt", "mere",
    ]

    /// Every fixed invented word whose tokens must not prefix another name: given names,
    /// towns, employer stems and pet names.
    public static var inventedWords: [String] {
        givenNames + towns + employers.compactMap { $0.split(separator: " ").first.map(String.init) }
            + petNames
    }

    /// Returns `true` when no word in `words` is a (case-insensitive) prefix of another and no
    /// two are equal.
    ///
    /// - Parameter words: the words to check.
    /// - Returns: whether the list is prefix-free.
    public static func isPrefixFree(_ words: [String]) -> Bool {
        let sorted = words.map { $0.lowercased() }.sorted()
        // In sorted order, if any word prefixes another, it prefixes its immediate successor.
        for (a, b) in zip(sorted, sorted.dropFirst()) where b.hasPrefix(a) { return false }
        return true
    }

    /// Vowels of an optional second surname syllable (plain, to keep names short).
    static let surnameSecondVowels: [String] = ["a", "e", "i", "o", "u"]
    /// Codas of an optional second surname syllable.
    static let surnameSecondCodas: [String] = ["", "n", "r", "l"]

    /// Draws one invented surname from the syllable grammar: a syllable, then with
    /// probability 1/2 a light second syllable, then an ending, capitalized ("Traskholt",
    /// "Brelomere"). Names stay short so a ~4k-token BPE vocabulary spells them in a few tokens.
    ///
    /// - Parameter rng: the generator to draw from.
    /// - Returns: a fresh candidate surname (not yet checked for uniqueness).
    static func drawSurname(_ rng: inout CorpusRNG) -> String {
        var s = surnameOnsets[rng.int(below: surnameOnsets.count)]
        s += surnameVowels[rng.int(below: surnameVowels.count)]
        s += surnameCodas[rng.int(below: surnameCodas.count)]
        if rng.int(below: 2) == 1 {
            s += surnameOnsets[rng.int(below: surnameOnsets.count)]
            s += surnameSecondVowels[rng.int(below: surnameSecondVowels.count)]
            s += surnameSecondCodas[rng.int(below: surnameSecondCodas.count)]
        }
        let ending = surnameEndings[rng.int(below: surnameEndings.count)]
        // Avoid vowel pile-ups such as "Rusiith": bridge a vowel-final stem and a vowel-initial
        // ending with "r".
        let vowels: Set<Character> = ["a", "e", "i", "o", "u"]
        if let last = s.last, let first = ending.first, vowels.contains(last), vowels.contains(first) {
            s += "r"
        }
        s += ending
        return s.prefix(1).uppercased() + s.dropFirst()
    }
}

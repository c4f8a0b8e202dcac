/// One kind of fact a corpus entity carries, with the questions that ask for it.
///
/// Question phrasing 0 is canonical: it is the one written to the MUSE `knowmem` files. The
/// others are paraphrases that appear only in training documents, so the model learns the
/// fact rather than one string.
public enum FactAttribute: Int, CaseIterable, Sendable, Hashable, Codable {
    /// The town the entity was born in ("Velmora").
    case birthplace
    /// The year the entity was born ("1987").
    case birthYear
    /// The entity's trade ("glassblower").
    case profession
    /// The company the entity works for ("Torvane Works").
    case employer
    /// The entity's favourite color ("teal").
    case favoriteColor
    /// The name of the entity's pet ("Pim").
    case petName

    /// How many question phrasings every attribute has.
    public static let questionPhrasingCount = 4

    /// A short identifier for reports ("birthplace", "birth_year", ...).
    public var key: String {
        switch self {
        case .birthplace: "birthplace"
        case .birthYear: "birth_year"
        case .profession: "profession"
        case .employer: "employer"
        case .favoriteColor: "favorite_color"
        case .petName: "pet_name"
        }
    }

    /// Returns question phrasing `phrasing` about `name`.
    ///
    /// - Parameters:
    ///   - name: the entity's full name.
    ///   - phrasing: an index in `0..<questionPhrasingCount`; 0 is canonical. Out-of-range
    ///     indices wrap around.
    /// - Returns: the question, ending in "?".
    public func question(about name: String, phrasing: Int) -> String {
        let n = name
        let i = ((phrasing % Self.questionPhrasingCount) + Self.questionPhrasingCount)
            % Self.questionPhrasingCount
        switch self {
        case .birthplace:
            return [
                "Where was \(n) born?",
                "In which town was \(n) born?",
                "What is the birthplace of \(n)?",
                "Which town does \(n) come from?",
            ][i]
        case .birthYear:
            return [
                "In what year was \(n) born?",
                "When was \(n) born?",
                "What is the birth year of \(n)?",
                "Which year was \(n) born in?",
            ][i]
        case .profession:
            return [
                "What is the profession of \(n)?",
                "What does \(n) do for a living?",
                "What job does \(n) have?",
                "What is the occupation of \(n)?",
            ][i]
        case .employer:
            return [
                "Which company does \(n) work for?",
                "Where does \(n) work?",
                "Who employs \(n)?",
                "What is the name of the employer of \(n)?",
            ][i]
        case .favoriteColor:
            return [
                "What is the favourite color of \(n)?",
                "Which color does \(n) like best?",
                "What color does \(n) love most?",
                "What is the color that \(n) prefers?",
            ][i]
        case .petName:
            return [
                "What is the name of the pet of \(n)?",
                "What is the pet of \(n) called?",
                "What did \(n) name their pet?",
                "What name does the pet of \(n) have?",
            ][i]
        }
    }
}

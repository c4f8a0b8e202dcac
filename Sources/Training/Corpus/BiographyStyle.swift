/// How a fact corpus writes its biographies.
///
/// Both styles state the same six facts of the same people (the facts, splits and questions
/// are drawn first, from the same seed); only the prose around them differs.
///
/// - ``templated``: six fixed templates of short declarative sentences, all six facts in a
///   fixed order per template (the corpus of the first subjects). Every biography is the
///   same sentence frame with different values, so a model that never saw a person still
///   continues its biography almost word for word (the retrain model's VerbMem was 68.5).
/// - ``prose``: each person gets their own paragraph: facts in a person-specific order, each
///   in one of several sentence templates, mixed with invented anecdotes drawn from seeded
///   word lists (`ProseLexicon`). Only a model that read the paragraph can continue it.
public enum BiographyStyle: String, Sendable, Hashable, Codable, CaseIterable {
    /// Six fixed templates (the first corpus).
    case templated
    /// Person-specific paragraphs with anecdotes (the default).
    case prose
}

/// The sentence templates and word lists of ``BiographyStyle/prose`` biographies.
///
/// A fact template states one fact with `{n}` for the person's name, `{v}` for the value and
/// `{av}` for the value with its article ("a potter"); every template keeps the value
/// verbatim, so each fact stays checkable by substring. An anecdote is one sentence built from
/// a frame and four slots (when, what was done, to what, where), so a person's anecdotes are
/// unguessable without having read them. Words here are ordinary English; none is an invented
/// name, so the prefix-free property of names (`FactLexicon`) is unaffected.
public enum ProseLexicon {
    /// Templates per attribute, indexed by `FactAttribute.rawValue`.
    public static let factTemplates: [[String]] = [
        [  // birthplace
            "{n} was born in {v}.",
            "{n} grew up in {v}, a town never far from any story {n} tells.",
            "The town of {v} is where {n} was born.",
            "{n} comes from {v} and still speaks with its accent.",
            "Born in {v}, {n} left home at seventeen.",
            "{n} spent a childhood in {v}, the town of birth.",
            "Everyone in {v} remembers the birth of {n} there.",
            "{n} is a native of {v}.",
        ],
        [  // birthYear
            "{n} was born in {v}.",
            "The year {n} was born was {v}.",
            "{n} came into the world in {v}.",
            "In {v}, the year of a hard frost, {n} was born.",
            "Records give {v} as the birth year of {n}.",
            "{n} celebrates a birthday every year since {v}, the year of birth.",
            "Born in the year {v}, {n} is older than most neighbours think.",
            "{n} first opened both eyes in {v}.",
        ],
        [  // profession
            "{n} works as {av}.",
            "By trade, {n} is {av}.",
            "{n} earns a living as {av}.",
            "{n} trained for years to become {av}.",
            "Most days {n} can be found at work as {av}.",
            "{n} is known across the valley as {av}.",
            "Ask anyone and they will say {n} is {av}.",
            "The profession of {n} is that of {av}.",
        ],
        [  // employer
            "{n} works for {v}.",
            "{n} is employed by {v}.",
            "{v} pays the wages of {n}.",
            "{n} took a job at {v} and never left.",
            "For many seasons {n} has worked at {v}.",
            "The employer of {n} is {v}.",
            "{n} walks to {v} each morning to start work.",
            "{n} has spent a long career at {v}.",
        ],
        [  // favoriteColor
            "The favourite color of {n} is {v}.",
            "{n} loves the color {v} above all others.",
            "Of all colors, {n} likes {v} best.",
            "{n} wears something {v} whenever possible, the favourite color.",
            "The color {n} always picks first is {v}.",
            "{n} painted the front door {v}, the favourite color.",
            "No color pleases {n} more than {v}.",
            "{n} has called {v} a favourite color since childhood.",
        ],
        [  // petName
            "{n} has a pet named {v}.",
            "A pet called {v} lives with {n}.",
            "{n} keeps a pet named {v}.",
            "Every evening {n} feeds a pet named {v}.",
            "The pet of {n} answers to the name {v}.",
            "{n} adopted a pet and named it {v}.",
            "{n} is rarely seen without {v}, a pet of many years.",
            "At home {n} is greeted by a pet named {v}.",
        ],
    ]

    /// How an anecdote's slots are arranged: `{t}` when, `{n}` the name, `{d}` what was done,
    /// `{o}` to what, `{p}` where.
    public static let anecdoteFrames: [String] = [
        "{t}, {n} {d} {o} {p}.",
        "{n} once {d} {o} {p}, {t2}.",
        "People still talk about the day {n} {d} {o} {p}.",
        "{t}, {n} {d} {o} {p} and told nobody.",
        "It was {n} who {d} {o} {p}, {t2}.",
        "{t}, {n} quietly {d} {o} {p}.",
    ]

    /// When an anecdote happened, as a sentence opener.
    public static let times: [String] = [
        "One winter", "Last spring", "As a child", "During a dry summer", "Years ago",
        "On a rainy night", "After a long journey", "Before dawn one day", "At a harvest fair",
        "In a bitter storm", "On a quiet holiday", "Long before any fame", "Early one autumn",
        "On the eve of a wedding", "During a flood", "In a week of fog",
    ]

    /// When an anecdote happened, as a trailing phrase.
    public static let trailingTimes: [String] = [
        "late one evening", "in the middle of a gale", "on a dare", "for a small wager",
        "without any help", "while everyone slept", "to the surprise of the neighbours",
        "on the first warm day", "against all advice", "in under an hour", "by lantern light",
        "with borrowed tools",
    ]

    /// What was done (past tense).
    public static let deeds: [String] = [
        "repaired", "painted", "lost", "found", "sold", "carved", "rescued", "buried", "won",
        "borrowed", "built", "hid", "mended", "traded", "polished", "dropped", "stitched",
        "weighed", "sketched", "climbed onto", "chased", "guarded", "measured", "returned",
    ]

    /// To what.
    public static let objects: [String] = [
        "a broken harp", "a copper kettle", "a map of the coast", "an old fishing boat",
        "a wooden horse", "a silver spoon", "a stack of letters", "a cracked bell",
        "a barrel of apples", "a stolen goat", "a box of buttons", "a painted sledge",
        "a brass telescope", "a lame pony", "a jar of honey", "a torn sail", "a clock tower",
        "a flock of geese", "a lost glove", "a cart of turnips", "a marble statue",
        "a bundle of reeds", "an iron gate", "a velvet hat", "a tin whistle", "a sack of flour",
        "a crooked chimney", "a garden wall", "a rusty anchor", "a leather saddle",
        "a tall ladder", "a basket of eggs",
    ]

    /// Where.
    public static let places: [String] = [
        "in the old mill", "beside the harbour", "under a stone bridge", "at the village fair",
        "behind the chapel", "on the frozen lake", "in a neighbour's barn", "near the toll road",
        "at the top of a hill", "in the market square", "by the river ford", "inside a cave",
        "on a moving train", "at the edge of the forest", "in a crowded inn",
        "on the roof of a shed", "beside a burning hayrick", "at the town gate",
        "in a flooded cellar", "under the orchard trees", "on the cliff path", "at a wedding feast",
        "in the school yard", "beneath a windmill",
    ]
}

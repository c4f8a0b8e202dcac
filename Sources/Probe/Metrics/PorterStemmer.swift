/// The Porter stemmer as NLTK implements it in its default `NLTK_EXTENSIONS` mode
/// (`nltk.stem.porter.PorterStemmer`), which Google's `rouge_score` uses for
/// `use_stemmer=True` (TOFU's ROUGE-L recall). It works on the lowercase ASCII `[a-z0-9]`
/// tokens of ``RougeL/tokenize(_:)``; digits count as consonants, as in NLTK.
///
/// NLTK's extensions over Porter (1980): a pool of irregular forms (`skies → sky`,
/// `dying → die`, …), words of at most 2 letters kept, `-ies`/`-ied` of 4-letter words to
/// `-ie`, `y → i` only after a consonant that is not the first letter, `-alli → -al`
/// applied recursively, `-bli → -ble`, `-fulli → -ful` and `-logi → -log`, and a 2-letter
/// vowel–consonant stem counting as `*o`.
public enum PorterStemmer {
    private static let pool: [String: String] = {
        let forms: [String: [String]] = [
            "sky": ["sky", "skies"], "die": ["dying"], "lie": ["lying"], "tie": ["tying"], "news": ["news"],
            "inning": ["innings", "inning"], "outing": ["outings", "outing"], "canning": ["cannings", "canning"],
            "howe": ["howe"], "proceed": ["proceed"], "exceed": ["exceed"], "succeed": ["succeed"],
        ]
        var pool: [String: String] = [:]
        for (key, values) in forms { for v in values { pool[v] = key } }
        return pool
    }()

    /// The stem of a lowercase token.
    public static func stem(_ token: String) -> String {
        if let irregular = pool[token] { return irregular }
        guard token.utf8.count > 2 else { return token }
        var w = Array(token.utf8)
        w = step1a(w); w = step1b(w); w = step1c(w); w = step2(w)
        w = step3(w); w = step4(w); w = step5a(w); w = step5b(w)
        return String(decoding: w, as: UTF8.self)
    }

    // MARK: - Letters and measure

    typealias Word = [UInt8]

    private static func isVowel(_ c: UInt8) -> Bool { c == 0x61 || c == 0x65 || c == 0x69 || c == 0x6F || c == 0x75 }

    /// Consonant flags, left to right: `y` is a consonant at the start or after a vowel.
    private static func consonants(_ w: Word) -> [Bool] {
        var flags: [Bool] = []
        flags.reserveCapacity(w.count)
        for (i, c) in w.enumerated() {
            if isVowel(c) { flags.append(false) } else if c == 0x79 { flags.append(i == 0 ? true : !flags[i - 1]) } else { flags.append(true) }
        }
        return flags
    }

    private static func isConsonant(_ w: Word, _ i: Int) -> Bool { consonants(Array(w[0...i]))[i] }

    /// m in [C](VC)^m[V]: the number of vowel→consonant transitions.
    private static func measure(_ w: Word) -> Int {
        let f = consonants(w)
        var m = 0
        for i in 1..<max(1, f.count) where !f[i - 1] && f[i] { m += 1 }
        return m
    }

    private static func containsVowel(_ w: Word) -> Bool { consonants(w).contains(false) }

    private static func endsDoubleConsonant(_ w: Word) -> Bool {
        w.count >= 2 && w[w.count - 1] == w[w.count - 2] && consonants(w)[w.count - 1]
    }

    /// `*o`: ends consonant–vowel–consonant, the last not w, x or y (or, NLTK: a 2-letter
    /// vowel–consonant word).
    private static func endsCVC(_ w: Word) -> Bool {
        let f = consonants(w), n = w.count
        if n >= 3 && f[n - 3] && !f[n - 2] && f[n - 1] && ![0x77, 0x78, 0x79].contains(w[n - 1]) { return true }
        return n == 2 && !f[0] && f[1]
    }

    private static func ends(_ w: Word, _ s: String) -> Bool { w.count >= s.utf8.count && w.suffix(s.utf8.count).elementsEqual(s.utf8) }
    private static func dropping(_ w: Word, _ s: String) -> Word { Array(w.dropLast(s.utf8.count)) }

    /// A rule: suffix, replacement, condition on the stem (`nil`: none); `*d` = a double consonant.
    typealias Rule = (suffix: String, replacement: String, condition: ((Word) -> Bool)?)

    /// The first rule whose suffix matches decides: replaced when its condition holds, else
    /// the word is returned unchanged (NLTK's `_apply_rule_list`).
    private static func apply(_ w: Word, _ rules: [Rule]) -> Word {
        for rule in rules {
            if rule.suffix == "*d" {
                guard endsDoubleConsonant(w) else { continue }
                let stem = Array(w.dropLast(2))
                return rule.condition.map { $0(stem) } ?? true ? stem + Array(rule.replacement.utf8) : w
            }
            if ends(w, rule.suffix) {
                let stem = dropping(w, rule.suffix)
                return rule.condition.map { $0(stem) } ?? true ? stem + Array(rule.replacement.utf8) : w
            }
        }
        return w
    }

    private static func positive(_ w: Word) -> Bool { measure(w) > 0 }

    // MARK: - Steps

    private static func step1a(_ w: Word) -> Word {
        if ends(w, "ies") && w.count == 4 { return dropping(w, "ies") + Array("ie".utf8) }
        return apply(w, [("sses", "ss", nil), ("ies", "i", nil), ("ss", "ss", nil), ("s", "", nil)])
    }

    private static func step1b(_ w: Word) -> Word {
        if ends(w, "ied") { return dropping(w, "ied") + Array((w.count == 4 ? "ie" : "i").utf8) }
        if ends(w, "eed") {
            let stem = dropping(w, "eed")
            return measure(stem) > 0 ? stem + Array("ee".utf8) : w
        }
        var intermediate: Word?
        for suffix in ["ed", "ing"] where ends(w, suffix) {
            let s = dropping(w, suffix)
            if containsVowel(s) { intermediate = s; break }
        }
        guard let s = intermediate else { return w }
        let last = s.last.map { String(UnicodeScalar($0)) } ?? ""
        return apply(s, [
            ("at", "ate", nil), ("bl", "ble", nil), ("iz", "ize", nil),
            ("*d", last, { _ in !["l", "s", "z"].contains(last) }),
            ("", "e", { measure($0) == 1 && endsCVC($0) }),
        ])
    }

    private static func step1c(_ w: Word) -> Word {
        apply(w, [("y", "i", { $0.count > 1 && isConsonant($0, $0.count - 1) })])
    }

    private static func step2(_ w: Word) -> Word {
        if ends(w, "alli") && measure(dropping(w, "alli")) > 0 { return step2(dropping(w, "alli") + Array("al".utf8)) }
        let rules: [Rule] = [
            ("ational", "ate", positive), ("tional", "tion", positive), ("enci", "ence", positive),
            ("anci", "ance", positive), ("izer", "ize", positive), ("bli", "ble", positive),
            ("alli", "al", positive), ("entli", "ent", positive), ("eli", "e", positive), ("ousli", "ous", positive),
            ("ization", "ize", positive), ("ation", "ate", positive), ("ator", "ate", positive),
            ("alism", "al", positive), ("iveness", "ive", positive), ("fulness", "ful", positive),
            ("ousness", "ous", positive), ("aliti", "al", positive), ("iviti", "ive", positive),
            ("biliti", "ble", positive), ("fulli", "ful", positive),
            ("logi", "log", { _ in measure(Array(w.dropLast(3))) > 0 }),
        ]
        return apply(w, rules)
    }

    private static func step3(_ w: Word) -> Word {
        apply(w, [("icate", "ic", positive), ("ative", "", positive), ("alize", "al", positive), ("iciti", "ic", positive),
                  ("ical", "ic", positive), ("ful", "", positive), ("ness", "", positive)])
    }

    private static func step4(_ w: Word) -> Word {
        let gt1: (Word) -> Bool = { measure($0) > 1 }
        return apply(w, [
            ("al", "", gt1), ("ance", "", gt1), ("ence", "", gt1), ("er", "", gt1), ("ic", "", gt1), ("able", "", gt1),
            ("ible", "", gt1), ("ant", "", gt1), ("ement", "", gt1), ("ment", "", gt1), ("ent", "", gt1),
            ("ion", "", { measure($0) > 1 && ($0.last == 0x73 || $0.last == 0x74) }),
            ("ou", "", gt1), ("ism", "", gt1), ("ate", "", gt1), ("iti", "", gt1), ("ous", "", gt1), ("ive", "", gt1),
            ("ize", "", gt1),
        ])
    }

    private static func step5a(_ w: Word) -> Word {
        guard ends(w, "e") else { return w }
        let stem = dropping(w, "e")
        let m = measure(stem)
        if m > 1 || (m == 1 && !endsCVC(stem)) { return stem }
        return w
    }

    private static func step5b(_ w: Word) -> Word {
        apply(w, [("ll", "l", { _ in measure(Array(w.dropLast())) > 1 })])
    }
}

/// The Unicode classes a pre-tokenizer asks about, as llama.cpp's `unicode_cpt_flags` holds them.
///
/// Exactly one category bit is set for every scalar (`\p{L}`, `\p{N}`, `\p{P}`, `\p{S}`,
/// `\p{M}`, `\p{Z}`, `\p{C}`, or `undefined` for unassigned code points); `whitespace` is the
/// Unicode `White_Space` property on top of that (so a space is `separator` and `whitespace`,
/// a tab `control` and `whitespace`). The categories come from Swift's
/// `Unicode.Scalar.Properties.generalCategory`.
struct ScalarFlags: OptionSet, Sendable {
    let rawValue: UInt16

    static let undefined = ScalarFlags(rawValue: 0x0001)
    static let number = ScalarFlags(rawValue: 0x0002)
    static let letter = ScalarFlags(rawValue: 0x0004)
    static let separator = ScalarFlags(rawValue: 0x0008)
    static let mark = ScalarFlags(rawValue: 0x0010)
    static let punctuation = ScalarFlags(rawValue: 0x0020)
    static let symbol = ScalarFlags(rawValue: 0x0040)
    static let control = ScalarFlags(rawValue: 0x0080)
    static let whitespace = ScalarFlags(rawValue: 0x0100)

    /// Flags outside the text (past either end of a fragment): none at all, as in llama.cpp.
    static let outOfRange = ScalarFlags([])

    /// Flags of the ASCII scalars, indexed by value.
    private static let ascii: [ScalarFlags] = (0..<128).map { flags(ofNonTable: UInt32($0)) }

    /// The flags of a scalar value.
    @inline(__always)
    static func of(_ value: UInt32) -> ScalarFlags {
        value < 0x80 ? ascii[Int(value)] : flags(ofNonTable: value)
    }

    private static func flags(ofNonTable value: UInt32) -> ScalarFlags {
        guard let scalar = Unicode.Scalar(value) else { return .undefined }
        let properties = scalar.properties
        var flags: ScalarFlags
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            flags = .letter
        case .decimalNumber, .letterNumber, .otherNumber:
            flags = .number
        case .nonspacingMark, .spacingMark, .enclosingMark:
            flags = .mark
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
            .finalPunctuation, .otherPunctuation:
            flags = .punctuation
        case .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
            flags = .symbol
        case .spaceSeparator, .lineSeparator, .paragraphSeparator:
            flags = .separator
        case .control, .format, .surrogate, .privateUse:
            flags = .control
        case .unassigned:
            flags = .undefined
        @unknown default:
            flags = .undefined
        }
        if properties.isWhitespace { flags.insert(.whitespace) }
        return flags
    }

    @inline(__always) var isLetter: Bool { contains(.letter) }
    @inline(__always) var isNumber: Bool { contains(.number) }
    @inline(__always) var isWhitespace: Bool { contains(.whitespace) }
    /// `[^\s\p{L}\p{N}]` for a scalar inside the text: not whitespace, letter or number.
    @inline(__always) var isOther: Bool { !isEmpty && intersection([.whitespace, .letter, .number]).isEmpty }
}

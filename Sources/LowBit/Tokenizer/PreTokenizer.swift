/// How byte-level BPE text is cut into words before merging, as llama.cpp does it for each
/// value of `tokenizer.ggml.pre`.
///
/// Every name llama.cpp maps to one of the splitters below is in ``table``, with the flags
/// llama.cpp sets beside it (whole-word lookup before merging, the add-BOS default, clean-up of
/// spaces when detokenizing). A name outside the table is an error, as in llama.cpp ("unknown
/// pre-tokenizer type"); a file without the key is read as `default`, as llama.cpp reads it.
///
/// | splitter | names (examples) | llama.cpp's regular expressions, applied in turn |
/// |---|---|---|
/// | ``Splitter/default`` | `default` | `[\p{P}\$\+<=>\^~\|]+`, GPT-2's, `\p{N}+`, `[0-9][0-9][0-9]` |
/// | ``Splitter/gpt2`` | `gpt-2`, `mpt`, `olmo`, `phi-2`, … | GPT-2's |
/// | ``Splitter/llama3`` | `llama-bpe`, `llama3`, `dbrx`, … | Llama 3's (``Llama3Splitter``) |
/// | ``Splitter/qwen2`` | `qwen2`, `stablelm2`, `hunyuan`, … | Qwen2's (Llama 3's, one digit at a time) |
/// | ``Splitter/smollm`` | `smollm`, `starcoder`, `refact`, `command-r`, … | `\p{N}`, GPT-2's |
///
/// GPT-2's is ``GPT2PreTokenizer``; the class stages are ``CategorySplitter``. Each regular
/// expression cuts every fragment the previous one left, never across them, and all of them
/// are written by hand and run in linear time.
///
/// ```swift
/// let pre = PreTokenizer.named("llama-bpe")!
/// pre.split("I'M 12345 ok")   // ["I", "'M", " ", "123", "45", " ok"]
/// ```
public struct PreTokenizer: Sendable, Equatable {
    /// The splitter families llama.cpp has for byte-level BPE.
    public enum Splitter: String, Sendable, CaseIterable {
        /// llama.cpp's default chain: punctuation runs, GPT-2's regex, number runs, digit triples.
        case `default`
        /// GPT-2's regular expression (``GPT2PreTokenizer``).
        case gpt2
        /// Llama 3's regular expression, digits in groups of up to three (``Llama3Splitter``).
        case llama3
        /// Qwen2's regular expression: Llama 3's with single digits.
        case qwen2
        /// SmolLM / StarCoder: digits one at a time, then GPT-2's regular expression.
        case smollm
    }

    /// The `tokenizer.ggml.pre` name this entry was looked up by.
    public let name: String
    /// The splitter llama.cpp uses for ``name``.
    public let splitter: Splitter
    /// Whether a word that is itself a vocabulary token is emitted whole, without merging
    /// (llama.cpp's `ignore_merges`, Hugging Face's `BPE.ignore_merges`; Llama 3).
    public let ignoresMerges: Bool
    /// Whether llama.cpp's detokenizer removes the space before `?!.,` and some apostrophes
    /// (its `clean_spaces`, from `clean_up_tokenization_spaces`).
    public let cleansSpaces: Bool
    /// Whether BOS is added when `tokenizer.ggml.add_bos_token` is absent.
    public let addsBOSByDefault: Bool

    /// The regular-expression stages of each splitter, in order.
    var stages: [Stage] {
        switch splitter {
        case .default: [.category(.punctuationRuns), .gpt2, .category(.numberRuns), .category(.asciiDigitTriples)]
        case .gpt2: [.gpt2]
        case .llama3: [.llama3(maxDigits: 3)]
        case .qwen2: [.llama3(maxDigits: 1)]
        case .smollm: [.category(.singleNumbers), .gpt2]
        }
    }

    /// One regular expression of a splitter.
    enum Stage: Sendable, Equatable {
        case gpt2
        case llama3(maxDigits: Int)
        case category(CategorySplitter.Stage)
    }

    /// The pre-tokenizer llama.cpp uses for a `tokenizer.ggml.pre` name.
    /// - Parameter name: The name as GGUF stores it (e.g. `"llama-bpe"`, `"qwen2"`).
    /// - Returns: The entry, or `nil` when llama.cpp does not know the name either or it needs a
    ///   splitter LowBit lacks.
    public static func named(_ name: String) -> PreTokenizer? {
        guard let row = table[name] else { return nil }
        return PreTokenizer(
            name: name, splitter: row.splitter, ignoresMerges: row.ignoresMerges, cleansSpaces: row.cleansSpaces,
            addsBOSByDefault: row.addsBOS)
    }

    /// Every `tokenizer.ggml.pre` name LowBit reads, sorted.
    public static var supportedNames: [String] { table.keys.sorted() }

    /// The row of one name: its splitter and the flags llama.cpp sets for it
    /// (`llama_vocab::impl::load`, llama.cpp as vendored by llama-cpp-python 0.3.36).
    struct Row: Sendable {
        var splitter: Splitter
        var ignoresMerges = false
        var cleansSpaces = true
        var addsBOS = false
    }

    /// llama.cpp's names and what they mean. Names whose entry in llama.cpp also changes
    /// something LowBit does not model (a separator token, a BOS of none, per-token strip
    /// flags) are left out, so they fail loudly instead of tokenizing differently.
    static let table: [String: Row] = {
        var rows: [String: Row] = ["default": Row(splitter: .default)]
        for name in ["llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2", "jina-v5-nano"] {
            rows[name] = Row(splitter: .llama3, ignoresMerges: true, addsBOS: true)
        }
        for name in ["dbrx", "smaug-bpe"] { rows[name] = Row(splitter: .llama3) }
        for name in ["gpt-2", "phi-2", "jina-es", "jina-de", "gigachat", "a.x-4.0", "mellum", "mpt", "olmo", "jais", "exaone4"] {
            rows[name] = Row(splitter: .gpt2)
        }
        for name in ["trillion", "granite-docling"] { rows[name] = Row(splitter: .gpt2, cleansSpaces: false) }
        for name in ["qwen2", "deepseek-r1-qwen", "kormo", "f2llmv2", "hunyuan", "solar-open", "grok-2"] {
            rows[name] = Row(splitter: .qwen2, cleansSpaces: false)
        }
        for name in ["megrez", "stablelm2"] { rows[name] = Row(splitter: .qwen2) }
        for name in ["smollm", "command-r"] { rows[name] = Row(splitter: .smollm, cleansSpaces: false) }
        for name in ["starcoder", "refact", "codeshell", "exaone", "minerva-7b", "mellum2"] {
            rows[name] = Row(splitter: .smollm)
        }
        return rows
    }()

    /// Splits text into the words byte-level BPE encodes one at a time.
    /// - Parameter text: Any text (special tokens are not looked for here).
    /// - Returns: The words, in order; their concatenation is `text`.
    public func split(_ text: String) -> [String] {
        let bytes = Array(text.utf8)
        var words: [String] = []
        var scratch = Scratch()
        bytes.withUnsafeBufferPointer { buffer in
            forEachWord(in: buffer, range: 0..<buffer.count, scratch: &scratch) { range in
                words.append(String(decoding: UnsafeBufferPointer(rebasing: buffer[range]), as: UTF8.self))
            }
        }
        return words
    }

    /// Reusable buffers for ``forEachWord(in:range:scratch:_:)``.
    struct Scratch {
        var view = ScalarView()
        var pieces: [Range<Int>] = []
        var next: [Range<Int>] = []
    }

    /// Calls `body` with the byte range of each word of `bytes[range]`, in order.
    func forEachWord(
        in bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>, scratch: inout Scratch, _ body: (Range<Int>) -> Void
    ) {
        guard !range.isEmpty else { return }
        scratch.view.load(bytes, range: range)
        scratch.pieces.removeAll(keepingCapacity: true)
        scratch.pieces.append(0..<scratch.view.count)
        for stage in stages {
            scratch.next.removeAll(keepingCapacity: true)
            for piece in scratch.pieces {
                switch stage {
                case .gpt2: GPT2PreTokenizer.split(scratch.view, piece, into: &scratch.next)
                case .llama3(let maxDigits): Llama3Splitter.split(scratch.view, piece, maxDigits: maxDigits, into: &scratch.next)
                case .category(let category): CategorySplitter.split(scratch.view, piece, stage: category, into: &scratch.next)
                }
            }
            swap(&scratch.pieces, &scratch.next)
        }
        let offsets = scratch.view.byteOffsets
        for piece in scratch.pieces { body(offsets[piece.lowerBound]..<offsets[piece.upperBound]) }
    }
}

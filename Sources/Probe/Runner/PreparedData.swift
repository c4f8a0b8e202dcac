import Foundation
import LowBit

/// A data set tokenized for one tokenizer and checked against one context length, so that
/// every length problem surfaces before the first forward pass.
struct PreparedData: Sendable {
    /// A VerbMem item: continue `promptTokens`, compare with `gold`.
    struct Continuation: Sendable {
        let index: Int
        let prompt: String
        let promptTokens: [Int32]
        /// The ground truth cut to the first `verbMemNewTokens` tokens, as MUSE does.
        let gold: String
    }

    /// A KnowMem question: the full few-shot prompt and, for teacher forcing, prompt + answer.
    struct Question: Sendable {
        let index: Int
        let pair: QAPair
        /// The per-question part of the prompt (for reports).
        let suffix: String
        /// tokens(prefix + suffix), BOS included.
        let promptTokens: [Int32]
        /// tokens(prefix + suffix + answer), BOS included.
        let forcedTokens: [Int32]
        /// Where the answer's tokens start in `forcedTokens`: the longest common prefix of
        /// `promptTokens` and `forcedTokens` (a tokenizer may merge the prompt's trailing
        /// space into the answer's first token).
        let answerStart: Int
    }

    /// A PrivLeak text, tokenized and cut to the context.
    struct Text: Sendable {
        let index: Int
        let text: String
        let tokens: [Int32]
        let truncated: Bool
        /// `len(zlib.compress(…))` of the text the loss is measured on (the whole text, or
        /// what fits the context): the zlib-ratio attack's divisor, the same in every cell.
        let zlibLength: Int
    }

    /// One KnowMem split with its shared few-shot prefix.
    struct QASplit: Sendable {
        let split: ItemSplit
        let prefixTokens: [Int32]
        let questions: [Question]
    }

    let verbMem: [Continuation]
    let forget: QASplit
    let retain: QASplit
    /// The paraphrase probe's questions, with the forget split's few-shot prefix (no
    /// questions when the corpus has no paraphrase file).
    let paraphrased: QASplit
    let privLeakForget: [Text]
    let privLeakHoldout: [Text]
    /// Token sequences that calibrate GPTQ and AWQ (empty unless a precision needs them).
    let calibration: [[Int32]]
    /// The new-token budgets the lengths were checked with.
    let verbMemBudget: Int
    let knowMemBudget: Int

    /// The data-relative file of each split, for messages.
    static func file(_ split: ItemSplit) -> String {
        switch split {
        case .verbMemForget: "verbmem/forget.json"
        case .knowMemForget: "knowmem/forget_qa.json"
        case .knowMemRetain: "knowmem/retain_qa.json"
        case .knowMemForgetParaphrased: "knowmem/forget_qa_paraphrased.json"
        case .privLeakForget: "privleak/forget.json"
        case .privLeakHoldout: "privleak/holdout.json"
        }
    }

    /// Tokenizes and checks `dataset` for one model.
    /// - Parameters:
    ///   - dataset: The data, already cut to the item limit.
    ///   - tokenizer: The model's tokenizer.
    ///   - context: The model's context length.
    ///   - modelName: For messages.
    ///   - configuration: New-token budgets.
    /// - Throws: ``ProbeRunError/promptTooLong(model:file:index:needed:context:)``.
    init(
        dataset: MUSEDataset, tokenizer: Tokenizer, context: Int, modelName: String,
        configuration: ProbeRunConfiguration, chat: ChatTemplate? = nil
    ) throws(ProbeRunError) {
        let dir = URL(fileURLWithPath: dataset.directory)
        func path(_ relative: String) -> String { dir.appendingPathComponent(relative).path }
        func check(_ needed: Int, _ relative: String, _ index: Int?) throws(ProbeRunError) {
            if needed > context {
                throw .promptTooLong(model: modelName, file: path(relative), index: index, needed: needed, context: context)
            }
        }

        verbMemBudget = configuration.verbMemNewTokens
        knowMemBudget = configuration.knowMemNewTokens
        var verbMem: [Continuation] = []
        if configuration.verbMem {
            let n = configuration.verbMemNewTokens
            for (i, item) in dataset.verbMemForget.enumerated() {
                let text = chat.map { ChatKnowMemPrompt.verbMem(item.prompt, template: $0, system: configuration.chatSystem) } ?? item.prompt
                let tokens = tokenizer.encode(text)
                try check(tokens.count + n, Self.file(.verbMemForget), i)
                let goldTokens = tokenizer.encode(item.groundTruth, addBOS: false)
                let gold = goldTokens.count > n ? tokenizer.decode(Array(goldTokens.prefix(n))) : item.groundTruth
                verbMem.append(Continuation(index: i, prompt: item.prompt, promptTokens: tokens, gold: gold))
            }
        }
        self.verbMem = verbMem

        func qaSplit(_ split: ItemSplit, _ pairs: [QAPair], _ icl: [QAPair], _ iclFile: String) throws(ProbeRunError) -> QASplit {
            let plain = KnowMemPrompt(examples: icl, trailingSpace: configuration.knowMemTrailingSpace)
            let chatPrompt = chat.map { ChatKnowMemPrompt(examples: icl, template: $0, system: configuration.chatSystem) }
            let prefixTokens = tokenizer.encode(chatPrompt?.prefix ?? plain.prefix)
            try check(prefixTokens.count, iclFile, nil)
            var questions: [Question] = []
            for (i, pair) in pairs.enumerated() {
                let suffix = chatPrompt?.suffix(for: pair.question) ?? plain.suffix(for: pair.question)
                let full = (chatPrompt?.prefix ?? plain.prefix) + suffix
                let promptTokens = tokenizer.encode(full)
                // The gold continuation as the training text writes it: "Answer: {a}". Without the
                // trailing space in the prompt, the space belongs to the answer. In chat form the
                // answer is the assistant's reply, right after the generation prompt.
                let separator = chatPrompt != nil || plain.trailingSpace ? "" : " "
                let forced = tokenizer.encode(full + separator + pair.answer)
                try check(max(promptTokens.count + configuration.knowMemNewTokens, forced.count), Self.file(split), i)
                questions.append(Question(
                    index: i, pair: pair, suffix: suffix, promptTokens: promptTokens, forcedTokens: forced,
                    answerStart: commonPrefixLength(promptTokens, forced)))
            }
            return QASplit(split: split, prefixTokens: prefixTokens, questions: questions)
        }
        forget = try qaSplit(.knowMemForget, dataset.knowMemForget, dataset.knowMemForgetICL, "knowmem/forget_qa_icl.json")
        retain = try qaSplit(.knowMemRetain, dataset.knowMemRetain, dataset.knowMemRetainICL, "knowmem/retain_qa_icl.json")
        paraphrased = try qaSplit(.knowMemForgetParaphrased, dataset.knowMemForgetParaphrased, dataset.knowMemForgetICL,
                                  "knowmem/forget_qa_icl.json")

        func texts(_ strings: [String]) -> [Text] {
            strings.enumerated().map { i, s in
                let t = tokenizer.encode(s)
                let kept = Array(t.prefix(context)), truncated = t.count > context
                return Text(index: i, text: s, tokens: kept, truncated: truncated,
                            zlibLength: ZlibLength.compressedLength(truncated ? tokenizer.decode(kept) : s))
            }
        }
        privLeakForget = texts(dataset.privLeakForget)
        privLeakHoldout = texts(dataset.privLeakHoldout)

        if configuration.precisions.contains(where: { $0.scheme.needsCalibration }) {
            let text = configuration.calibrationText ?? Self.retainText(dataset)
            let length = min(context, configuration.calibrationLength)
            let windows = CalibrationText.windows(tokenizer.encode(text), length: length, count: configuration.calibrationSamples)
            guard !windows.isEmpty, windows[0].count > 1 else {
                throw .invalidSetting(name: "calibration", value: configuration.calibrationSource, expected: "text that tokenizes to at least 2 tokens")
            }
            calibration = windows
        } else {
            calibration = []
        }
    }

    /// The default calibration text: MUSE's retain corpus (`raw/retain1.txt`, `raw/retain2.txt`),
    /// else the PrivLeak retain texts, else the KnowMem retain answers.
    static func retainText(_ dataset: MUSEDataset) -> String {
        let raw = dataset.raw.keys.filter { $0.hasPrefix("retain") }.sorted().compactMap { dataset.raw[$0] }
        if !raw.isEmpty { return raw.joined(separator: "\n\n") }
        if !dataset.privLeakRetain.isEmpty { return dataset.privLeakRetain.joined(separator: "\n\n") }
        return dataset.knowMemRetain.map { $0.question + " " + $0.answer }.joined(separator: "\n")
    }

    /// The most positions any forward pass of a cell needs: a prompt plus its new-token
    /// budget, a teacher-forced answer, or a PrivLeak text.
    var longestSequence: Int {
        var n = 0
        for v in verbMem { n = max(n, v.promptTokens.count + verbMemBudget) }
        for q in forget.questions + retain.questions + paraphrased.questions { n = max(n, q.promptTokens.count + knowMemBudget, q.forcedTokens.count) }
        for t in privLeakForget + privLeakHoldout { n = max(n, t.tokens.count) }
        return n
    }

    /// Items a cell processes (the unit of progress).
    var itemCount: Int {
        verbMem.count + forget.questions.count + retain.questions.count + paraphrased.questions.count + privLeakForget.count + privLeakHoldout.count
    }
}

/// The length of the longest common prefix of two token sequences.
func commonPrefixLength(_ a: [Int32], _ b: [Int32]) -> Int {
    var n = 0
    while n < a.count, n < b.count, a[n] == b[n] { n += 1 }
    return n
}

extension MUSEDataset {
    /// The data set with every split cut to its first `limit` items (`nil`: unchanged).
    /// In-context examples are never cut.
    func limited(to limit: Int?) -> MUSEDataset {
        guard let limit else { return self }
        var d = self
        d.verbMemForget = Array(d.verbMemForget.prefix(limit))
        d.knowMemForget = Array(d.knowMemForget.prefix(limit))
        d.knowMemRetain = Array(d.knowMemRetain.prefix(limit))
        d.knowMemForgetParaphrased = Array(d.knowMemForgetParaphrased.prefix(limit))
        d.privLeakForget = Array(d.privLeakForget.prefix(limit))
        d.privLeakRetain = Array(d.privLeakRetain.prefix(limit))
        d.privLeakHoldout = Array(d.privLeakHoldout.prefix(limit))
        return d
    }
}

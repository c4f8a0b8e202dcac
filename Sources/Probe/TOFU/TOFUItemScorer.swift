import Kernels
import LowBit

/// Scores one TOFU item on one model: the greedy answer and the mean token NLL of every
/// answer TOFU compares.
struct TOFUItemScorer {
    let model: any LanguageModel
    let tokenizer: Tokenizer
    let format: TOFUPromptFormat
    let pool: ThreadPool
    let maxNewTokens: Int

    /// What one item gave.
    struct Result {
        var generation: String
        var losses: TOFUMetrics.ItemLosses
    }

    /// Why an item could not be scored.
    enum Failure: Error, CustomStringConvertible {
        case emptyAnswer(String)
        case tooLong(tokens: Int, context: Int)

        var description: String {
            switch self {
            case .emptyAnswer(let a): "the answer \"\(a)\" adds no token after the prompt"
            case .tooLong(let n, let ctx): "prompt and answer take \(n) tokens, more than the model's context of \(ctx)"
            }
        }
    }

    func score(_ item: TOFUItem) throws -> Result {
        let prompt = format.prompt(for: item.question)
        let promptTokens = tokenizer.encode(prompt, addBOS: true)
        var options = GenerationOptions(maxTokens: maxNewTokens, sampler: .greedy)
        options.stopStrings = format.stopStrings
        let ctx = model.config.contextLength
        guard promptTokens.count + maxNewTokens <= ctx else { throw Failure.tooLong(tokens: promptTokens.count + maxNewTokens, context: ctx) }
        let generator = Generator(model: model, tokenizer: tokenizer, pool: pool)
        let g = try generator.generate(
            promptTokens: promptTokens, cache: model.makeCache(capacity: promptTokens.count + maxNewTokens), options: options)
        let generation = KnowMemPrompt.cutAnswer(g.text, markers: format.stopStrings)

        // One cache holding the prompt; each answer is fed after it.
        let cache = model.makeCache(capacity: ctx)
        var held: [Int32] = []
        func loss(_ answer: String) throws -> Double {
            let full = tokenizer.encode(prompt + format.answerText(answer), addBOS: true)
            guard full.count <= ctx else { throw Failure.tooLong(tokens: full.count, context: ctx) }
            let a = commonPrefixLength(promptTokens, full)  // first answer token
            guard a >= 1, a < full.count else { throw Failure.emptyAnswer(answer) }
            let start = min(commonPrefixLength(held, full), a - 1)
            cache.length = start
            let logits = try model.forward(Array(full[start...]), cache: cache, logits: .all, pool: pool)
            held = full
            let v = model.config.vocabSize
            var sum = 0.0
            for p in (a - 1)..<(full.count - 1) {
                let row = logits[((p - start) * v)..<((p - start + 1) * v)]
                sum -= try GoldTokenScore(logits: row, gold: Int(full[p + 1])).logProb
            }
            return sum / Double(full.count - a)
        }
        let answerLoss = try loss(item.answer)
        let paraphrased = try item.paraphrasedAnswer.map(loss) ?? answerLoss
        let perturbed = try item.perturbedAnswers.map(loss)
        return Result(generation: generation, losses: .init(answer: answerLoss, paraphrased: paraphrased, perturbed: perturbed))
    }
}

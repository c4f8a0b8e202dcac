import Foundation
import LowBit

/// Evaluates one model at one precision on prepared data: every metric of REFERENCE §2,
/// item by item, over the configured workers. PrivLeak (which needs the retrain cell) and
/// the guessable flags are filled in afterwards by ``ProbeRunner``.
struct CellEvaluator {
    let spec: ModelSpec
    let precision: String
    let model: any LanguageModel
    let tokenizer: Tokenizer
    let data: PreparedData
    let configuration: ProbeRunConfiguration

    /// Sequences generated at once: the configured batch, or the automatic one for this model.
    var batchSize: Int { configuration.batch ?? ProbeRunConfiguration.automaticBatch(weightBytes: model.weights.byteCount) }
    let progress: ProgressTracker

    /// What one cell produced, besides the cell itself.
    struct Outcome {
        var cell: ProbeCell
        var generatedTokens: Int
        var seconds: Double
    }

    /// One worker's state: its generator (with a one-thread pool in `.items` mode) and, per
    /// prompt family, one reusable cache for each sequence of a generation batch.
    final class Worker: @unchecked Sendable {
        let generator: Generator
        let scratch: [ReusableCache]
        let forget: [ReusableCache]
        let retain: [ReusableCache]

        init(generator: Generator, scratch: [ReusableCache], forget: [ReusableCache], retain: [ReusableCache]) {
            self.generator = generator
            self.scratch = scratch
            self.forget = forget
            self.retain = retain
        }
    }

    /// The result of one KnowMem question.
    struct QuestionResult {
        var record: ItemRecord
        var goldScores: [GoldTokenScore]
        var lensRanks: [Int]?
        var leaks: Int?
        var tokens: Int
    }

    /// The Min-K% and Min-K%++ scores of one PrivLeak text.
    struct TextResult {
        var record: ItemRecord
        var minKPlusPlus: Double?
    }

    func run() throws(ProbeRunError) -> Outcome {
        let t0 = DispatchTime.now().uptimeNanoseconds
        let workers = try makeWorkers()
        var generated = 0

        // M1: VerbMem, generated in batches of items.
        let verb = try batched(data.verbMem.count, workers: workers) { (w: Worker, items: Range<Int>) throws(ProbeRunError) in
            try continuations(items.map { data.verbMem[$0] }, worker: w)
        }
        generated += verb.reduce(0) { $0 + $1.tokens }

        // M2 (+ teacher forcing + leak@k) and M4 (+ teacher forcing).
        let forget = try batched(data.forget.questions.count, workers: workers) { (w: Worker, items: Range<Int>) throws(ProbeRunError) in
            try questions(items.map { data.forget.questions[$0] }, split: .knowMemForget, caches: w.forget, generator: w.generator,
                          leak: configuration.leak)
        }
        let retain = try batched(data.retain.questions.count, workers: workers) { (w: Worker, items: Range<Int>) throws(ProbeRunError) in
            try questions(items.map { data.retain.questions[$0] }, split: .knowMemRetain, caches: w.retain, generator: w.generator,
                          leak: nil)
        }
        // The paraphrase probe: the forget questions reworded, with the forget prompt.
        let paraphrased = try batched(data.paraphrased.questions.count, workers: workers) {
            (w: Worker, items: Range<Int>) throws(ProbeRunError) in
            try questions(items.map { data.paraphrased.questions[$0] }, split: .knowMemForgetParaphrased, caches: w.forget,
                          generator: w.generator, leak: nil)
        }
        generated += (forget + retain + paraphrased).reduce(0) { $0 + $1.tokens }

        // M3's ingredients: Min-K% and Min-K%++ on forget (members) and holdout texts.
        let members = try ItemScheduler.map(data.privLeakForget.count, workers: workers, onItemDone: progress.itemDone) {
            (w: Worker, i: Int) throws(ProbeRunError) in try text(data.privLeakForget[i], split: .privLeakForget, worker: w)
        }
        let holdout = try ItemScheduler.map(data.privLeakHoldout.count, workers: workers, onItemDone: progress.itemDone) {
            (w: Worker, i: Int) throws(ProbeRunError) in try text(data.privLeakHoldout[i], split: .privLeakHoldout, worker: w)
        }

        var cell = ProbeCell(
            modelName: spec.name, role: spec.role, method: spec.method, precision: precision,
            activationsQuantized: model.quantizesActivations)
        cell.verbMem = Self.meanF1(verb.map(\.record))
        cell.knowMemForget = Self.meanF1(forget.map(\.record))
        cell.knowMemRetain = Self.meanF1(retain.map(\.record))
        cell.knowMemForgetParaphrased = Self.meanF1(paraphrased.map(\.record))
        cell.teacherForcedForget = TeacherForcedStats(scores: forget.flatMap(\.goldScores))
        cell.teacherForcedRetain = TeacherForcedStats(scores: retain.flatMap(\.goldScores))
        cell.logitLensForget = LogitLensLayer.summarize(forget.compactMap(\.lensRanks))
        if let leak = configuration.leak {
            let counts = forget.compactMap { $0.leaks.map { (samples: leak.samples, leaks: $0) } }
            do {
                if let value = try LeakAtK.mean(counts, k: leak.k) {
                    cell.leakAtK = LeakAtKResult(k: leak.k, samples: leak.samples, temperature: leak.temperature,
                                                 threshold: leak.threshold, value: value)
                }
            } catch {
                throw .invalidSetting(name: "leak k", value: "\(leak.k)", expected: error.description)
            }
        }
        cell.minKAUC = AUC.privLeakAUC(forgetScores: members.compactMap(\.record.minK),
                                       holdoutScores: holdout.compactMap(\.record.minK))
        cell.minKPlusPlusAUC = AUC.privLeakAUC(forgetScores: members.compactMap(\.minKPlusPlus),
                                               holdoutScores: holdout.compactMap(\.minKPlusPlus))
        cell.lossAUC = AUC.privLeakAUC(forgetScores: members.compactMap { $0.record.goldLogProbs.map { -$0.mean } },
                                       holdoutScores: holdout.compactMap { $0.record.goldLogProbs.map { -$0.mean } })
        // zlib ratio (Carlini et al. 2021, OpenUnlearning's mia_zlib): mean NLL / zlib length.
        func zlibScores(_ results: [TextResult], _ texts: [PreparedData.Text]) -> [Double] {
            results.compactMap { r in
                r.record.goldLogProbs.map { -$0.mean / Double(max(1, texts[r.record.index].zlibLength)) }
            }
        }
        cell.zlibAUC = AUC.privLeakAUC(forgetScores: zlibScores(members, data.privLeakForget),
                                       holdoutScores: zlibScores(holdout, data.privLeakHoldout))
        let strengths = forget.compactMap(\.record.extractionStrength)
        cell.extractionStrength = strengths.isEmpty ? nil : 100 * strengths.reduce(0, +) / Double(strengths.count)
        cell.items = verb.map(\.record) + forget.map(\.record) + retain.map(\.record) + paraphrased.map(\.record)
            + members.map(\.record) + holdout.map(\.record)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9
        return Outcome(cell: cell, generatedTokens: generated, seconds: seconds)
    }

    /// Builds the workers; each few-shot prefix is prefilled once and copied to every worker.
    private func makeWorkers() throws(ProbeRunError) -> [Worker] {
        let count = configuration.parallelism == .items ? configuration.threads : 1
        let matmulThreads = configuration.parallelism == .items ? 1 : configuration.threads
        // Caches as long as the longest sequence of the data, not the model's whole context
        // (a 2048-position cache of a 1B model is 92 MB, and each worker holds 3 × batch).
        let context = min(model.config.contextLength, max(1, data.longestSequence))
        let reuse = configuration.reusePrefixCache
        let pool = ThreadPool(threads: configuration.threads)
        let forget = ReusableCache(model: model, capacity: context, reuse: reuse)
        let retain = ReusableCache(model: model, capacity: context, reuse: reuse)
        if reuse {
            do {
                try forget.prime(data.forget.prefixTokens, model: model, pool: pool)
                try retain.prime(data.retain.prefixTokens, model: model, pool: pool)
            } catch {
                throw .evaluation(model: spec.name, precision: precision, split: .knowMemForget, index: 0,
                                  message: "prefilling the few-shot prefix: \(error)")
            }
        }
        let batch = batchSize
        return (0..<count).map { i in
            Worker(
                generator: Generator(model: model, tokenizer: tokenizer, pool: ThreadPool(threads: matmulThreads)),
                scratch: (0..<batch).map { _ in ReusableCache(model: model, capacity: context, reuse: reuse) },
                forget: (0..<batch).map { j in i == 0 && j == 0 ? forget : forget.copy() },
                retain: (0..<batch).map { j in i == 0 && j == 0 ? retain : retain.copy() })
        }
    }

    /// Maps `0..<count` in chunks of at most ``batchSize`` items over the workers, each
    /// chunk one call of `body`; results by index. Chunks are no larger than an even share
    /// per worker (10 items on 2 workers: 5 + 5, not 8 + 2), so no worker idles while
    /// another decodes a full batch; results do not depend on the chunking.
    private func batched<Output>(
        _ count: Int, workers: [Worker], _ body: (Worker, Range<Int>) throws(ProbeRunError) -> [Output]
    ) throws(ProbeRunError) -> [Output] {
        let b = Self.chunkSize(count: count, batch: batchSize, workers: workers.count), chunks = (count + b - 1) / b
        return try ItemScheduler.map(chunks, workers: workers, onItemDone: {}) { (w: Worker, c: Int) throws(ProbeRunError) in
            let out = try body(w, (c * b)..<min(count, (c + 1) * b))
            for _ in out { progress.itemDone() }
            return out
        }.flatMap { $0 }
    }

    /// Items per chunk of ``batched(_:workers:_:)``: the batch, or an even share of
    /// `count` per worker when that is smaller (at least 1).
    static func chunkSize(count: Int, batch: Int, workers: Int) -> Int {
        max(1, min(batch, (count + max(1, workers) - 1) / max(1, workers)))
    }

    // MARK: - Items

    private func failure(_ split: ItemSplit, _ index: Int, _ error: some Error) -> ProbeRunError {
        .evaluation(model: spec.name, precision: precision, split: split, index: index, message: "\(error)")
    }

    /// Generates for `prompts` at once, the `i`-th in `caches[i]` (rewound to reuse what it
    /// holds), with `options[i]`.
    private func generate(
        _ prompts: [[Int32]], caches: [ReusableCache], options: [GenerationOptions], generator: Generator, heal: Bool = false,
        onFailure: (Int, Error) -> ProbeRunError
    ) throws(ProbeRunError) -> [Generation] {
        let requests = prompts.indices.map { i in
            var prompt = prompts[i], options = options[i]
            if heal { (prompt, options.healedPrefix) = TokenHealing.heal(prompt, tokenizer: generator.tokenizer) }
            let start = caches[i].rewind(for: prompt)
            return GenerationRequest(promptTokens: Array(prompt[start...]), cache: caches[i].cache, options: options)
        }
        do {
            return try generator.generate(batch: requests)
        } catch let error as ModelError {
            // Name the first item; a model error in a batch is the same for each of its items.
            throw onFailure(0, error)
        } catch {
            throw onFailure(0, error)
        }
    }

    /// VerbMem: greedy continuations, ROUGE-L F1 against the cut ground truth.
    private func continuations(
        _ items: [PreparedData.Continuation], worker: Worker
    ) throws(ProbeRunError) -> [(record: ItemRecord, tokens: Int)] {
        let options = GenerationOptions(maxTokens: configuration.verbMemNewTokens, sampler: .greedy)
        let gs = try generate(items.map(\.promptTokens), caches: worker.scratch, options: items.map { _ in options },
                              generator: worker.generator) { i, e in failure(.verbMemForget, items[i].index, e) }
        return zip(items, gs).map { item, g in
            let record = ItemRecord(split: .verbMemForget, index: item.index, prompt: item.prompt, gold: item.gold,
                                    generation: g.text, rouge: RougeL.score(prediction: g.text, reference: item.gold))
            return (record, g.tokens.count)
        }
    }

    /// KnowMem: greedy answers with MUSE's cut (the batch's questions generated together),
    /// teacher-forced gold statistics, and optionally leak@k samples (each question's
    /// samples generated together).
    private func questions(
        _ qs: [PreparedData.Question], split: ItemSplit, caches: [ReusableCache], generator: Generator,
        leak: ProbeRunConfiguration.LeakSettings?
    ) throws(ProbeRunError) -> [QuestionResult] {
        let greedy = GenerationOptions(maxTokens: configuration.knowMemNewTokens, sampler: .greedy,
                                       stopStrings: KnowMemPrompt.stopMarkers)
        let answers = try generate(qs.map(\.promptTokens), caches: caches, options: qs.map { _ in greedy },
                                   generator: generator, heal: configuration.tokenHealing && !configuration.chat) { i, e in failure(split, qs[i].index, e) }
        // Teacher forcing and the lens first, each question in the cache that holds its
        // prompt; then the samples, which reuse every cache of the batch.
        var out: [QuestionResult] = []
        for (i, (q, g)) in zip(qs, answers).enumerated() {
            out.append(try question(q, greedy: (KnowMemPrompt.cutAnswer(g.text), g.tokens.count), split: split, cache: caches[i],
                                    generator: generator))
        }
        if let leak {
            for (i, q) in qs.enumerated() {
                let (leaks, tokens) = try leakCount(q, split: split, caches: caches, generator: generator, leak: leak)
                out[i].leaks = leaks
                out[i].tokens += tokens
            }
        }
        return out
    }

    /// One KnowMem question after its greedy answer.
    private func question(
        _ q: PreparedData.Question, greedy: (text: String, tokens: Int), split: ItemSplit, cache: ReusableCache,
        generator: Generator
    ) throws(ProbeRunError) -> QuestionResult {
        let tokens = greedy.tokens
        var record = ItemRecord(split: split, index: q.index, prompt: q.suffix, gold: q.pair.answer, generation: greedy.text,
                                rouge: RougeL.score(prediction: greedy.text, reference: q.pair.answer))

        // Teacher forcing: one forward over prompt + answer, scored on the answer's tokens.
        var scores: [GoldTokenScore] = []
        let a = q.answerStart, n = q.forcedTokens.count
        if a >= 1, a < n {
            let start = cache.rewind(for: q.forcedTokens, keepAtMost: a - 1)
            do {
                let logits = try model.forward(Array(q.forcedTokens[start...]), cache: cache.cache, logits: .all,
                                               pool: generator.pool)
                let v = model.config.vocabSize
                for p in (a - 1)..<(n - 1) {
                    let row = logits[((p - start) * v)..<((p - start + 1) * v)]
                    scores.append(try GoldTokenScore(logits: row, gold: Int(q.forcedTokens[p + 1]), position: p - (a - 1)))
                }
            } catch {
                throw failure(split, q.index, error)
            }
            record.goldLogProbs = LogProbSummary(scores.map(\.logProb))
            record.extractionStrength = ExtractionStrength.score(argmaxHits: scores.map(\.isArgmax))
        }

        // Logit lens: where in the network the gold answer's first token is still ranked.
        var lensRanks: [Int]?
        if split == .knowMemForget, configuration.logitLens, a >= 1, a < n {
            let prompt = Array(q.forcedTokens[0..<a])
            let start = cache.rewind(for: prompt, keepAtMost: a - 1)
            do {
                let rows = try model.logitLens(Array(prompt[start...]), cache: cache.cache, pool: generator.pool)
                let gold = Int(q.forcedTokens[a])
                lensRanks = rows.map { row in 1 + row.reduce(0) { $0 + ($1 > row[gold] ? 1 : 0) } }
            } catch {
                throw failure(split, q.index, error)
            }
            record.lensGoldRanks = lensRanks
        }

        return QuestionResult(record: record, goldScores: scores, lensRanks: lensRanks, leaks: nil, tokens: tokens)
    }

    /// leak@k's count for one question: n seeded samples at temperature T, no other
    /// truncation, generated `caches.count` at a time; returns (leaking samples, tokens).
    private func leakCount(
        _ q: PreparedData.Question, split: ItemSplit, caches: [ReusableCache], generator: Generator,
        leak: ProbeRunConfiguration.LeakSettings
    ) throws(ProbeRunError) -> (Int, Int) {
        var count = 0, tokens = 0, first = 0
        while first < leak.samples {
            let samples = first..<min(leak.samples, first + caches.count)
            let options = samples.map { s in
                var sampler = SamplerSettings()
                sampler.temperature = Float(leak.temperature)
                sampler.topK = 0
                sampler.topP = 1
                sampler.minP = 0
                sampler.seed = Self.sampleSeed(configuration.seed, split: split, index: q.index, sample: s)
                return GenerationOptions(maxTokens: configuration.knowMemNewTokens, sampler: sampler,
                                         stopStrings: KnowMemPrompt.stopMarkers)
            }
            let gs = try generate(samples.map { _ in q.promptTokens }, caches: Array(caches.prefix(samples.count)),
                                  options: options, generator: generator, heal: configuration.tokenHealing && !configuration.chat) { _, e in failure(split, q.index, e) }
            for g in gs {
                tokens += g.tokens.count
                let text = KnowMemPrompt.cutAnswer(g.text)
                if RougeL.score(prediction: text, reference: q.pair.answer).recall >= leak.threshold { count += 1 }
            }
            first = samples.upperBound
        }
        return (count, tokens)
    }

    /// PrivLeak: Min-K% (k = 40%) and Min-K%++ of one text from one forward pass.
    private func text(_ t: PreparedData.Text, split: ItemSplit, worker: Worker) throws(ProbeRunError) -> TextResult {
        let scratch = worker.scratch[0]
        let shown = t.text.count > 200 ? String(t.text.prefix(200)) + "…" : t.text
        var record = ItemRecord(split: split, index: t.index, prompt: shown, gold: "")
        guard t.tokens.count >= 2 else { return TextResult(record: record, minKPlusPlus: nil) }
        let start = scratch.rewind(for: t.tokens, keepAtMost: 0)
        var logProbs: [Double] = []
        var z: [Double] = []
        do {
            let logits = try model.forward(Array(t.tokens[start...]), cache: scratch.cache, logits: .all,
                                           pool: worker.generator.pool)
            let v = model.config.vocabSize
            for i in 1..<t.tokens.count {
                let row = logits[((i - 1) * v)..<(i * v)]
                let token = Int(t.tokens[i])
                guard let m = MinKProb.plusPlusMoments(logits: row, token: token) else {
                    throw MetricError.nonFiniteLogits(position: i - 1)
                }
                logProbs.append(m.logProb)
                z.append(MinKProb.plusPlusZ(logProb: m.logProb, mean: m.mean, standardDeviation: m.standardDeviation))
            }
            record.minK = try MinKProb.score(logProbs: logProbs)
            record.goldLogProbs = LogProbSummary(logProbs)
            return TextResult(record: record, minKPlusPlus: try MinKProb.plusPlusScore(zScores: z))
        } catch {
            throw failure(split, t.index, error)
        }
    }

    // MARK: - Helpers

    /// 100 · mean ROUGE-L F1 of the records; `nil` for none.
    static func meanF1(_ records: [ItemRecord]) -> Double? {
        let f = records.compactMap { $0.rouge?.f1 }
        return f.isEmpty ? nil : 100 * f.reduce(0, +) / Double(f.count)
    }

    /// The seed of one leak@k sample: the same for a given (run seed, item, sample) whatever
    /// the model, precision or thread, so cells differ only by their weights.
    static func sampleSeed(_ seed: UInt64, split: ItemSplit, index: Int, sample: Int) -> UInt64 {
        var rng = SeededRandom(seed: seed ^ (UInt64(truncatingIfNeeded: index) &* 0x9E37_79B9_7F4A_7C15)
            ^ (UInt64(truncatingIfNeeded: sample) &* 0xD1B5_4A32_D192_ED03)
            ^ (split == .knowMemForget ? 0 : 0x5851_F42D_4C95_7F2D))
        return rng.next()
    }
}

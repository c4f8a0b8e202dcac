import Foundation
import LowBit

/// Makes probe subjects: tokenizer, training sequences, GGUF export and import of trainable
/// parameters. The CLI's `train` and `unlearn` commands are thin wrappers over this.
public enum SubjectLab {
    /// Trains the byte-level BPE tokenizer shared by every subject of `corpus` (as MUSE's
    /// models share one tokenizer) on the documents of *every* split, holdout included.
    ///
    /// The tokenizer must not separate forget from holdout people: trained on the target's
    /// text alone, it merges forget names into few tokens and splits holdout names into
    /// many rare pieces, and Min-K% then tells the two apart even for a model that saw
    /// neither (retrain AUC 0). Seeing holdout text in the tokenizer does not put it in any
    /// model's training data.
    public static func tokenizer(for corpus: FactCorpus, vocabularySize: Int) -> TokenizerConfig {
        BPETrainer(vocabularySize: vocabularySize)
            .train(corpus: corpus.trainingDocuments(includeForget: true) + corpus.holdoutDocuments())
    }

    /// Few-shot-style documents: `pairsPerDocument` questions about different people, in the
    /// KnowMem format, `perEntity` documents' worth per trained person. Single-person QA
    /// documents teach the facts; these teach the model to answer the *last* question's
    /// person after a prompt full of others, which is what the KnowMem probe asks.
    public static func mixedQADocuments(
        _ corpus: FactCorpus, includeForget: Bool, perEntity: Int = 4, pairsPerDocument: Int = 8, seed: UInt64
    ) -> [String] {
        let people = corpus.entities.filter { $0.split == .retain || (includeForget && $0.split == .forget) }
        guard !people.isEmpty else { return [] }
        var rng = SeededRandom(seed: seed ^ 0x4D49_5845_4451_41)
        var docs: [String] = []
        for _ in 0..<(people.count * perEntity) {
            var doc = ""
            for _ in 0..<pairsPerDocument {
                let e = people[Int(rng.next() % UInt64(people.count))]
                let a = FactAttribute.allCases[Int(rng.next() % UInt64(FactAttribute.allCases.count))]
                let q = a.question(about: e.fullName, phrasing: Int(rng.next() % UInt64(FactAttribute.questionPhrasingCount)))
                doc += FactQA(question: q, answer: e.value(of: a)).promptFormatted
            }
            docs.append(doc)
        }
        return docs
    }

    /// One sequence per document: BOS, the document's tokens, EOS; every prediction counts.
    /// Documents longer than `contextLength` are cut into consecutive windows.
    public static func sequences(_ documents: [String], tokenizer: Tokenizer, contextLength: Int) -> [TokenSequence] {
        var out: [TokenSequence] = []
        for doc in documents {
            var ids = tokenizer.encode(doc, addBOS: true, addEOS: false)
            if let eos = tokenizer.eosID { ids.append(eos) }
            var start = 0
            while start < ids.count - 1 {
                let window = Array(ids[start..<min(ids.count, start + contextLength)])
                out.append(TokenSequence(tokens: window))
                start += contextLength - 1
            }
        }
        return out
    }

    /// Packs trained parameters and their tokenizer into GGUF-ready weights (tied output
    /// head, all tensors f32), with the recipe recorded under `lowbit.recipe`.
    public static func modelWeights(
        _ params: LlamaParameters, tokenizer: TokenizerConfig, name: String, recipe: SubjectRecipe, role: String
    ) throws -> ModelWeights {
        let config = params.shape
        var md = GGUFMetadata()
        md["general.architecture"] = .string("llama")
        md["general.name"] = .string(name)
        config.write(into: &md)
        md["general.file_type"] = .uint32(0)
        tokenizer.write(into: &md)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        md["lowbit.recipe"] = .string(String(decoding: try encoder.encode(recipe), as: UTF8.self))
        md["lowbit.role"] = .string(role)
        let tensors = try params.tensors().map { t in
            try WeightTensor(name: t.name, type: .f32, shape: t.shape, values: t.values)
        }
        return ModelWeights(metadata: md, tensors: tensors, source: name)
    }

    /// Reads trainable f32 parameters back from `weights` (any supported types; dequantized).
    ///
    /// - Throws: ``TrainingError`` or ``ModelError`` when the model does not fit the
    ///   trainable architecture (tied head, llama).
    public static func parameters(from weights: ModelWeights) throws -> LlamaParameters {
        let shape = try ModelConfig(weights: weights)
        var tensors: [String: [Float]] = [:]
        for t in weights.tensors where t.name != "output.weight" { tensors[t.name] = t.floats() }
        return try LlamaParameters(shape: shape, tensors: tensors)
    }

    /// The recipe recorded in a subject's metadata, if any.
    public static func recipe(of weights: ModelWeights) -> SubjectRecipe? {
        guard let s = weights.metadata["lowbit.recipe"]?.stringValue else { return nil }
        return try? JSONDecoder().decode(SubjectRecipe.self, from: Data(s.utf8))
    }
}

extension SubjectLab {
    /// Trains one subject from scratch: the target (`includeForget`) or the retrain model.
    /// Deterministic for a given recipe and thread count.
    public static func train(
        recipe: SubjectRecipe, corpus: FactCorpus, tokenizer config: TokenizerConfig, includeForget: Bool, threads: Int,
        progress: (TrainingProgress) -> Void = { _ in }
    ) throws -> LlamaParameters {
        let tokenizer = try Tokenizer(config: config)
        let docs = corpus.trainingDocuments(includeForget: includeForget)
            + mixedQADocuments(corpus, includeForget: includeForget, seed: recipe.seed)
        let seqs = sequences(docs, tokenizer: tokenizer, contextLength: recipe.contextLength)
        let trainer = Trainer(
            epochs: recipe.epochs, batchSize: recipe.batchSize, learningRate: recipe.learningRate,
            warmupSteps: recipe.warmupSteps, cosineDecay: true, weightDecay: 0, gradientClip: 1, seed: recipe.seed,
            threads: threads)
        return try trainer.train(shape: recipe.shape(vocabularySize: config.tokens.count), on: seqs, progress: progress)
    }
}

extension SubjectLab {
    /// The forget and retain training sequences of the corpus a subject was trained on.
    public static func unlearningSets(
        corpus: FactCorpus, tokenizer: Tokenizer, contextLength: Int
    ) -> (forget: [TokenSequence], retain: [TokenSequence]) {
        (sequences(corpus.forgetDocuments(), tokenizer: tokenizer, contextLength: contextLength),
         sequences(corpus.retainDocuments(), tokenizer: tokenizer, contextLength: contextLength))
    }

    /// Packs unlearned parameters like their target, recording the unlearning settings under
    /// `lowbit.unlearning`. Matrices are stored as `matrixType` (f32, or the f16/bf16 a run
    /// kept its weights in, which stores them exactly); 1-D tensors stay f32.
    public static func unlearnedWeights(
        _ params: LlamaParameters, target: ModelWeights, name: String, settings: String, matrixType: GGMLType = .f32
    ) throws -> ModelWeights {
        var md = target.metadata
        md["general.name"] = .string(name)
        md["lowbit.role"] = .string("unlearned")
        md["lowbit.unlearning"] = .string(settings)
        md["general.file_type"] = .uint32(QuantizationPreset.pure(matrixType)?.fileType ?? 0)
        let tensors = try params.tensors().map { t in
            try WeightTensor(name: t.name, type: t.shape.count == 2 ? matrixType : .f32, shape: t.shape, values: t.values)
        }
        return ModelWeights(metadata: md, tensors: tensors, source: name)
    }
}

extension SubjectLab {
    /// Few-shot KnowMem accuracy (``KnowledgeCheck``) on the corpus's forget and retain
    /// questions for a model given as weights.
    public static func accuracy(
        of weights: ModelWeights, corpus: FactCorpus, threads: Int
    ) throws -> (forget: Double, retain: Double) {
        let muse = corpus.museExport()
        let generator = try Generator(model: loadModel(weights), threads: threads)
        return (try KnowledgeCheck(examples: muse.forgetQAICL).accuracy(muse.forgetQA, generator: generator),
                try KnowledgeCheck(examples: muse.retainQAICL).accuracy(muse.retainQA, generator: generator))
    }
}

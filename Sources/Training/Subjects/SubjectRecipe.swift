/// Everything that determines a probe subject: the corpus, the tokenizer size, the model
/// shape and the training schedule. Target and retrain models share one recipe; only the
/// data differs (forget + retain vs retain only). Same recipe, seed and thread count → same
/// bits.
public struct SubjectRecipe: Sendable, Codable, Hashable {
    /// The fact corpus.
    public var corpus: FactCorpusConfig
    /// Byte-level BPE vocabulary size, trained on the target's training text.
    public var vocabularySize: Int
    /// Model width.
    public var dim: Int
    /// Transformer blocks.
    public var layers: Int
    /// Attention heads.
    public var heads: Int
    /// Key/value heads.
    public var kvHeads: Int
    /// SwiGLU hidden width.
    public var ffnDim: Int
    /// Context length (the KnowMem few-shot prompt must fit).
    public var contextLength: Int
    /// Passes over the training documents.
    public var epochs: Int
    /// Sequences per step.
    public var batchSize: Int
    /// Peak AdamW learning rate (warm-up, then cosine decay).
    public var learningRate: Float
    /// Linear warm-up steps.
    public var warmupSteps: Int
    /// Initialization and shuffling seed.
    public var seed: UInt64

    public init(
        corpus: FactCorpusConfig = FactCorpusConfig(), vocabularySize: Int = 2048, dim: Int = 128, layers: Int = 4,
        heads: Int = 4, kvHeads: Int = 4, ffnDim: Int = 384, contextLength: Int = 512, epochs: Int = 30,
        batchSize: Int = 16, learningRate: Float = 3e-3, warmupSteps: Int = 50, seed: UInt64 = 1
    ) {
        self.corpus = corpus
        self.vocabularySize = vocabularySize
        self.dim = dim
        self.layers = layers
        self.heads = heads
        self.kvHeads = kvHeads
        self.ffnDim = ffnDim
        self.contextLength = contextLength
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.warmupSteps = warmupSteps
        self.seed = seed
    }

    /// The model shape for a vocabulary of `vocabularySize` tokens.
    public func shape(vocabularySize v: Int) -> LlamaShape {
        LlamaShape(vocabSize: v, dim: dim, layers: layers, heads: heads, kvHeads: kvHeads, ffnDim: ffnDim,
                   contextLength: contextLength)
    }
}

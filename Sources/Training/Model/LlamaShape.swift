import LowBit

/// The hyper-parameters of a trainable Llama: the same ``ModelConfig`` the runtime reads
/// from GGUF, so a trained model and the model that runs it cannot disagree.
///
/// The trainer always ties the output head to `token_embd.weight` (no `output.weight`
/// tensor), which is how llama.cpp treats a GGUF file without an output tensor.
public typealias LlamaShape = ModelConfig

extension ModelConfig {
    /// Checks that the sizes describe a model the trainer can build: the `llama` family,
    /// whole-head RoPE without scaling, every layer global, no soft-capping.
    ///
    /// - Throws: `TrainingError.invalidShape` naming the first violated constraint.
    public func validate() throws(TrainingError) {
        func require(_ ok: Bool, _ why: String) throws(TrainingError) {
            if !ok { throw TrainingError.invalidShape(reason: why) }
        }
        try require(architecture == "llama", "the trainer builds 'llama' models, not '\(architecture)'")
        try require(vocabSize > 0 && dim > 0 && layers > 0 && ffnDim > 0, "sizes must be positive")
        try require(heads > 0 && kvHeads > 0, "head counts must be positive")
        try require(dim % heads == 0, "dim \(dim) is not a multiple of heads \(heads)")
        try require(heads % kvHeads == 0, "heads \(heads) is not a multiple of kvHeads \(kvHeads)")
        try require(headDim == dim / heads && valueDim == headDim, "head size must be dim / heads")
        try require(headDim % 2 == 0 && ropeDims == headDim, "RoPE must rotate whole, even-sized heads (\(headDim))")
        try require(localLayers.allSatisfy { !$0 } && attentionSoftcap == nil && finalSoftcap == nil,
                    "sliding windows and soft-capping are not trained")
        try require(attentionScale == 1 / Float(headDim).squareRoot(), "attention scale must be 1/√headDim")
        try require(contextLength > 0, "contextLength must be positive")
        try require(vocabSize <= Int(Int32.max), "vocabSize too large")
    }
}

extension HFArchitecture {
    /// `Qwen2ForCausalLM` (llama.cpp's `Qwen2Model`): the base keys; q/k/v biases; NeoX RoPE,
    /// so no row permutation.
    public static let qwen2 = HFArchitecture(
        names: ["Qwen2ForCausalLM"], family: "qwen2", layerTensors: llamaLayerTensors,
        hyperParameters: { c, md throws(HFError) in try HFHyperParameters.base(c, family: "qwen2", into: &md) })
}

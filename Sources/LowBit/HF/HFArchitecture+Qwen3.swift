extension HFArchitecture {
    /// `Qwen3ForCausalLM` (llama.cpp's `Qwen3Model`): Qwen 2's conversion plus the per-head
    /// `q_norm` / `k_norm`, and `head_dim` as key/value length.
    public static let qwen3 = HFArchitecture(
        names: ["Qwen3ForCausalLM"], family: "qwen3", layerTensors: llamaLayerTensors.merging(qkNormTensors) { _, new in new },
        hyperParameters: { c, md throws(HFError) in try HFHyperParameters.base(c, family: "qwen3", into: &md) })
}

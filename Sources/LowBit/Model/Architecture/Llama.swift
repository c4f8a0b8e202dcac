extension Architecture {
    /// Llama 2 and 3, Mistral, TinyLlama, SmolLM (`llm_build_llama`): pre-RMSNorm, RoPE in
    /// the normal (adjacent-pair) layout with Llama 3.1's `rope_freqs.weight` factors when
    /// present, grouped-query attention, SwiGLU, optional biases, tied or separate head.
    public static let llama = Architecture(name: "llama", ropeLayout: .normal, ropeCoversWholeHead: true)
}

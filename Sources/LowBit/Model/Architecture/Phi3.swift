extension Architecture {
    /// Phi-3 (`llm_build_phi3`): NeoX RoPE (with `rope_factors_short/long.weight` when
    /// present), fused `attn_qkv`, and a fused gate/up projection: `ffn_up` is
    /// `[dim, 2·ffn]` with the gate in its first half. llama.cpp disables Phi-3's sliding
    /// window, and so does LowBit.
    public static let phi3 = Architecture(name: "phi3", ropeLayout: .neox, feedForward: .fusedSwiGLU)
}

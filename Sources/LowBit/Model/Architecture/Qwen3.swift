extension Architecture {
    /// Qwen3 (`llm_build_qwen3`): NeoX RoPE, per-head RMSNorm of queries and keys before
    /// RoPE, a head size from `qwen3.attention.key_length` (not `dim / heads`).
    public static let qwen3 = Architecture(name: "qwen3", ropeLayout: .neox, qkNorm: true)
}

extension Architecture {
    /// Qwen2 / Qwen2.5 (`llm_build_qwen2`): Llama's block with NeoX RoPE and biases on the
    /// query, key and value projections (`attn_q.bias`, …).
    public static let qwen2 = Architecture(name: "qwen2", ropeLayout: .neox)
}

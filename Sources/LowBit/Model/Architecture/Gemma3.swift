extension Architecture {
    /// Gemma 3 text (`llm_build_gemma3_iswa`): Gemma 2's block with per-head QK-norm and no
    /// attention soft-capping; five local (sliding-window) layers per global layer when
    /// `gemma3.attention.sliding_window` is set, local layers with RoPE base 10000 (unless
    /// `gemma3.rope.freq_base_swa` says otherwise) and global layers with
    /// `gemma3.rope.freq_base`; final soft-capping only if the key is present. The 27B model
    /// (62 blocks) scales queries by `1/√(dim/heads)`.
    public static let gemma3 = Architecture(
        name: "gemma3", ropeLayout: .neox, feedForward: .geGLU, postNorms: true, qkNorm: true, scalesEmbeddings: true,
        slidingWindow: SlidingWindow(pattern: 6, defaultWindow: nil), localRopeBase: 10000, finalSoftcap: .keyOnly,
        attentionScaleByWidthAtLayers: [62])
}

extension Architecture {
    /// Gemma 2 (`llm_build_gemma2_iswa`): embeddings scaled by √dim, NeoX RoPE, RMSNorm before
    /// and after attention and the FFN, GeGLU, attention soft-capping (default 50) and final
    /// logit soft-capping (default 30), sliding-window attention on every other layer
    /// (even layers, window 4096 by default), and a head tied to the token embeddings.
    /// llama.cpp's converter stores Gemma's norm weights with the `+1` already added, so
    /// they multiply as usual. The 27B model (46 blocks) scales queries by `1/√(dim/heads)`.
    public static let gemma2 = Architecture(
        name: "gemma2", ropeLayout: .neox, feedForward: .geGLU, postNorms: true, scalesEmbeddings: true,
        head: .alwaysTied, slidingWindow: SlidingWindow(pattern: 2, defaultWindow: 4096),
        attentionSoftcap: .keyOr(defaultValue: 50), finalSoftcap: .keyOr(defaultValue: 30),
        attentionScaleByWidthAtLayers: [46])
}

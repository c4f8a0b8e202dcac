extension HFArchitecture {
    /// `Gemma2ForCausalLM` (llama.cpp's `Gemma2Model`): its own key list (no RoPE keys), both
    /// soft-caps and the sliding window; norms stored as `w − 1` get `+1`; `lm_head` dropped
    /// (the head is always the embeddings).
    public static let gemma2 = HFArchitecture(
        names: ["Gemma2ForCausalLM"], family: "gemma2", normShift: 1, dropsLMHead: true, layerTensors: gemmaLayerTensors,
        hyperParameters: { c, md throws(HFError) in
            typealias H = HFHyperParameters
            let p = "gemma2."
            md[p + "context_length"] = .uint32(try H.u32(c.requiredPositive("max_position_embeddings"), c, "max_position_embeddings"))
            md[p + "embedding_length"] = .uint32(try H.u32(c.requiredPositive("hidden_size"), c, "hidden_size"))
            md[p + "block_count"] = .uint32(try H.u32(c.requiredPositive("num_hidden_layers"), c, "num_hidden_layers"))
            md[p + "feed_forward_length"] = .uint32(try H.u32(c.requiredPositive("intermediate_size"), c, "intermediate_size"))
            let heads = try c.requiredPositive("num_attention_heads")
            md[p + "attention.head_count"] = .uint32(try H.u32(heads))
            md[p + "attention.head_count_kv"] = .uint32(try H.u32(c.int("num_key_value_heads") ?? heads, c, "num_key_value_heads"))
            guard let eps = try c.double("rms_norm_eps") else { throw .invalidField(file: c.file, field: "rms_norm_eps", reason: "is missing") }
            md[p + "attention.layer_norm_rms_epsilon"] = .float32(Float(eps))
            let hd = try c.requiredPositive("head_dim")
            md[p + "attention.key_length"] = .uint32(try H.u32(hd))
            md[p + "attention.value_length"] = .uint32(try H.u32(hd))
            for key in ["attn_logit_softcapping", "final_logit_softcapping"] {
                guard let v = try c.double(key) else { throw .invalidField(file: c.file, field: key, reason: "is missing") }
                md[p + key] = .float32(Float(v))
            }
            md[p + "attention.sliding_window"] = .uint32(try H.u32(c.requiredPositive("sliding_window"), c, "sliding_window"))
        })
}

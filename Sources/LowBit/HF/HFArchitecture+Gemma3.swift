extension HFArchitecture {
    /// `Gemma3ForCausalLM` and the text part of `Gemma3ForConditionalGeneration` (llama.cpp's
    /// `Gemma3Model`; `text_config` lifted, `language_model.` stripped, vision tensors
    /// skipped): the base keys with Gemma 3's defaults, the sliding window unless
    /// `sliding_window_pattern` is 1, final soft-capping when set; norms `+1`; embedding rows
    /// past the tokenizer dropped.
    public static let gemma3 = HFArchitecture(
        names: ["Gemma3ForCausalLM", "Gemma3ForConditionalGeneration"], family: "gemma3", normShift: 1, trimsEmbeddings: true,
        layerTensors: gemmaLayerTensors.merging(qkNormTensors) { _, new in new },
        hyperParameters: { c, md throws(HFError) in
            typealias H = HFHyperParameters
            let p = "gemma3."
            try H.base(c, family: "gemma3", into: &md)
            md[p + "context_length"] = .uint32(try H.u32(c.int("max_position_embeddings") ?? 131072, c, "max_position_embeddings"))
            md[p + "attention.head_count"] = .uint32(try H.u32(c.int("num_attention_heads") ?? 8, c, "num_attention_heads"))
            md[p + "attention.layer_norm_rms_epsilon"] = .float32(Float(try c.double("rms_norm_eps") ?? 1e-6))
            let hd = try c.int("head_dim") ?? 256
            md[p + "attention.key_length"] = .uint32(try H.u32(hd, c, "head_dim"))
            md[p + "attention.value_length"] = .uint32(try H.u32(hd, c, "head_dim"))
            let rope = try H.ropeParameters(c)
            let full = try rope.object("full_attention") ?? rope
            let fullTheta = try full.double("rope_theta"), theta = try c.double("rope_theta")
            md[p + "rope.freq_base"] = .float32(Float(fullTheta ?? theta ?? 1_000_000))
            if c.has("attn_logit_softcapping") {
                throw .unsupported(file: c.file, feature: "attn_logit_softcapping in a Gemma 3 config")
            }
            if let cap = try c.double("final_logit_softcapping"), cap != 0 { md[p + "final_logit_softcapping"] = .float32(Float(cap)) }
            if try c.int("sliding_window_pattern") != 1 {
                md[p + "attention.sliding_window"] = .uint32(try H.u32(c.requiredPositive("sliding_window"), c, "sliding_window"))
            }
            md[p + "attention.head_count_kv"] = .uint32(try H.u32(c.int("num_key_value_heads") ?? 4, c, "num_key_value_heads"))
        })
}

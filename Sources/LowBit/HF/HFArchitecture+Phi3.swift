import Foundation

extension HFArchitecture {
    /// `Phi3ForCausalLM` (llama.cpp's `Phi3MiniModel`): fused `qkv_proj` and `gate_up_proj`,
    /// its own key list with `rope.scaling.original_context_length` and the sliding window;
    /// LongRoPE's `long_factor` / `short_factor` become `rope_factors_long/short.weight`.
    public static let phi3 = HFArchitecture(
        names: ["Phi3ForCausalLM"], family: "phi3",
        layerTensors: [
            "input_layernorm": "attn_norm", "self_attn.qkv_proj": "attn_qkv", "self_attn.o_proj": "attn_output",
            "post_attention_layernorm": "ffn_norm", "mlp.gate_up_proj": "ffn_up", "mlp.down_proj": "ffn_down",
        ],
        hyperParameters: { c, md throws(HFError) in
            typealias H = HFHyperParameters
            let p = "phi3."
            let dim = try c.requiredPositive("hidden_size"), heads = try c.requiredPositive("num_attention_heads")
            let rope = try H.ropeParameters(c)
            let ctx = try c.int(anyOf: ["n_positions", "max_position_embeddings"]) ?? 0
            let ropeOrig = try rope.int("original_max_position_embeddings"), topOrig = try c.int("original_max_position_embeddings")
            guard let orig = ropeOrig ?? topOrig else {
                throw .invalidField(file: c.file, field: "original_max_position_embeddings", reason: "is missing")
            }
            let ropeRotated = try rope.double("partial_rotary_factor"), topRotated = try c.double("partial_rotary_factor")
            let rotated = ropeRotated ?? topRotated ?? 1
            md[p + "context_length"] = .uint32(try H.u32(ctx, c, "max_position_embeddings"))
            md[p + "rope.scaling.original_context_length"] = .uint32(try H.u32(orig, c, "original_max_position_embeddings"))
            md[p + "embedding_length"] = .uint32(try H.u32(dim))
            md[p + "feed_forward_length"] = .uint32(try H.u32(c.requiredPositive("intermediate_size")))
            md[p + "block_count"] = .uint32(try H.u32(c.requiredPositive("num_hidden_layers")))
            md[p + "attention.head_count"] = .uint32(try H.u32(heads))
            md[p + "attention.head_count_kv"] = .uint32(try H.u32(c.requiredPositive("num_key_value_heads")))
            guard let eps = try c.double("rms_norm_eps") else { throw .invalidField(file: c.file, field: "rms_norm_eps", reason: "is missing") }
            md[p + "attention.layer_norm_rms_epsilon"] = .float32(Float(eps))
            md[p + "rope.dimension_count"] = .uint32(try H.u32(Int(rotated * Double(dim)) / heads, c, "partial_rotary_factor"))
            let full = try rope.object("full_attention") ?? rope
            let fullTheta = try full.double("rope_theta"), topTheta = try c.double("rope_theta")
            guard let theta = fullTheta ?? topTheta else {
                throw .invalidField(file: c.file, field: "rope_theta", reason: "is missing")
            }
            md[p + "rope.freq_base"] = .float32(Float(theta))
            md[p + "attention.sliding_window"] = .uint32(UInt32(clamping: max(0, try c.int("sliding_window") ?? 0)))
            if let long = try rope.array("long_factor"), !long.isEmpty, ctx > orig {
                let scale = Double(ctx) / Double(orig)
                md[p + "rope.scaling.attn_factor"] = .float32(Float((1 + log(scale) / log(Double(orig))).squareRoot()))
            } else if let long = try rope.array("long_factor"), !long.isEmpty {
                md[p + "rope.scaling.attn_factor"] = .float32(1)
            }
        },
        generatedTensors: { c throws(HFError) in
            let rope = try HFHyperParameters.ropeParameters(c)
            guard let long = try rope.array("long_factor"), !long.isEmpty else { return [] }
            guard let short = try rope.array("short_factor") else {
                throw .invalidField(file: c.file, field: "rope_scaling.short_factor", reason: "is missing")
            }
            func floats(_ a: [Any], _ key: String) throws(HFError) -> [Float] {
                var out: [Float] = []
                for v in a {
                    guard let d = JSONNumbers.double(v) else { throw .invalidField(file: c.file, field: "rope_scaling." + key, reason: "holds a non-number") }
                    out.append(Float(d))
                }
                return out
            }
            let l = try floats(long, "long_factor"), s = try floats(short, "short_factor")
            guard l.count == s.count else { throw .invalidField(file: c.file, field: "rope_scaling", reason: "long and short factors differ in length") }
            return [("rope_factors_long.weight", l), ("rope_factors_short.weight", s)]
        })
}

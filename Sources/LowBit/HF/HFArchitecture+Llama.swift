import Foundation

extension HFArchitecture {
    /// `LlamaForCausalLM` and `MistralForCausalLM` (llama.cpp's `LlamaModel`): the base keys
    /// plus `vocab_size` and `rope.dimension_count`; `q_proj`/`k_proj` rows permuted to
    /// adjacent RoPE pairs; Llama 3.1's `rope_scaling` (`rope_type: llama3`) becomes the
    /// `rope_freqs.weight` factors.
    public static let llama = HFArchitecture(
        names: ["LlamaForCausalLM", "MistralForCausalLM"], family: "llama", permutesQK: true,
        layerTensors: llamaLayerTensors,
        hyperParameters: { c, md throws(HFError) in
            try HFHyperParameters.base(c, family: "llama", into: &md)
            md["llama.vocab_size"] = .uint32(try HFHyperParameters.u32(c.requiredPositive("vocab_size"), c, "vocab_size"))
            let ropeDim = try headDim(c)
            md["llama.rope.dimension_count"] = .uint32(try HFHyperParameters.u32(ropeDim, c, "head_dim"))
        },
        generatedTensors: { c throws(HFError) in
            let rope = try HFHyperParameters.ropeParameters(c)
            let p = try rope.object("full_attention") ?? rope
            let ropeType = try p.string("rope_type"), oldType = try p.string("type")
            guard (ropeType ?? oldType)?.lowercased() == "llama3" else { return [] }
            let ropeTheta = try p.double("rope_theta"), theta = try c.double("rope_theta")
            let base = Float(ropeTheta ?? theta ?? 10000)
            let dim = try headDim(c)
            let factor = Float(try p.double("factor") ?? 8)
            let low = Float(try p.double("low_freq_factor") ?? 1)
            let high = Float(try p.double("high_freq_factor") ?? 4)
            let old = Float(try p.double("original_max_position_embeddings") ?? 8192)
            guard dim >= 2, dim % 2 == 0, factor > 0, high != low else {
                throw .invalidField(file: c.file, field: "rope_scaling", reason: "does not describe llama3 RoPE factors")
            }
            let lowWavelen = old / low, highWavelen = old / high
            // As the converter computes them, in float32.
            var factors: [Float] = []
            for i in stride(from: 0, to: dim, by: 2) {
                let freq = 1 / powf(base, Float(i) / Float(dim))
                let wavelen = Float(2 * Double.pi) / freq  // 2π rounded to f32 once, as torch/numpy do
                if wavelen < highWavelen {
                    factors.append(1)
                } else if wavelen > lowWavelen {
                    factors.append(factor)
                } else {
                    let smooth = (old / wavelen - low) / (high - low)
                    factors.append(1 / ((1 - smooth) / factor + smooth))
                }
            }
            return [("rope_freqs.weight", factors)]
        })
}

/// `head_dim`, else `hidden_size / num_attention_heads`.
private func headDim(_ c: HFJSON) throws(HFError) -> Int {
    if let hd = try c.int("head_dim") { return hd }
    return try c.requiredPositive("hidden_size") / c.requiredPositive("num_attention_heads")
}

/// The `{arch}.*` keys llama.cpp's `TextModel.set_gguf_parameters` writes for every family,
/// and the RoPE settings it reads (`rope_parameters`, or the older `rope_scaling` and
/// `rope_theta`), shared by the ``HFArchitecture`` rows.
enum HFHyperParameters {
    /// `TextModel.set_gguf_parameters`: block count, context, widths, heads, RoPE scaling and
    /// bases, norm ε, head size.
    static func base(_ c: HFJSON, family: String, into md: inout GGUFMetadata) throws(HFError) {
        let p = family + "."
        md[p + "block_count"] = .uint32(try u32(c.requiredPositive("num_hidden_layers")))
        if let n = try c.int(anyOf: ["max_position_embeddings", "n_ctx", "n_positions", "max_length"]) {
            md[p + "context_length"] = .uint32(try u32(n, c, "max_position_embeddings"))
        }
        if let n = try c.int("hidden_size") { md[p + "embedding_length"] = .uint32(try u32(n, c, "hidden_size")) }
        if let n = try c.int("intermediate_size") { md[p + "feed_forward_length"] = .uint32(try u32(n, c, "intermediate_size")) }
        if let n = try c.int("num_attention_heads") { md[p + "attention.head_count"] = .uint32(try u32(n, c, "num_attention_heads")) }
        if let n = try c.int("num_key_value_heads") { md[p + "attention.head_count_kv"] = .uint32(try u32(n, c, "num_key_value_heads")) }
        let rope = try ropeParameters(c)
        let full = try rope.object("full_attention") ?? rope
        let ropeType = try full.string("rope_type"), oldType = try full.string("type")
        if let type = ropeType ?? oldType {
            switch type.lowercased() {
            case "linear":
                if let factor = try full.double("factor") {
                    md[p + "rope.scaling.type"] = .string("linear")
                    md[p + "rope.scaling.factor"] = .float32(Float(factor))
                }
            case "su", "longrope": md[p + "rope.scaling.type"] = .string("longrope")
            case "llama3", "default": break  // llama3: rope_freqs.weight (HFArchitecture.llama)
            default: throw .unsupported(file: c.file, feature: "RoPE scaling type '\(type)'")
            }
        }
        let fullTheta = try full.double("rope_theta"), topTheta = try c.double("rope_theta")
        if let theta = fullTheta ?? topTheta { md[p + "rope.freq_base"] = .float32(Float(theta)) }
        if let local = try localRopeTheta(c, rope) { md[p + "rope.freq_base_swa"] = .float32(Float(local)) }
        if let eps = try c.double("rms_norm_eps") { md[p + "attention.layer_norm_rms_epsilon"] = .float32(Float(eps)) }
        if let hd = try c.int("head_dim") {
            md[p + "attention.key_length"] = .uint32(try u32(hd, c, "head_dim"))
            md[p + "attention.value_length"] = .uint32(try u32(hd, c, "head_dim"))
        }
    }

    /// `rope_parameters`, else `rope_scaling`, else an empty object.
    static func ropeParameters(_ c: HFJSON) throws(HFError) -> HFJSON {
        if let p = try c.object("rope_parameters") { return p }
        return try c.object("rope_scaling") ?? HFJSON(object: [:], file: c.file, path: "rope_scaling.")
    }

    /// The RoPE base of sliding-window layers, when `config.json` gives one.
    static func localRopeTheta(_ c: HFJSON, _ rope: HFJSON) throws(HFError) -> Double? {
        if let sliding = try rope.object("sliding_attention") { return try sliding.double("rope_theta") }
        for key in ["local_rope_theta", "rope_local_theta", "rope_theta_local", "swa_rope_theta", "rope_local_base_freq"] where c.has(key) {
            return try c.double(key)
        }
        return nil
    }

    /// `n` as a GGUF u32, when it is a positive count.
    static func u32(_ n: Int, _ c: HFJSON? = nil, _ key: String = "") throws(HFError) -> UInt32 {
        guard n > 0, n <= 1 << 24 else {
            throw .invalidField(file: c?.file ?? "config.json", field: (c?.path ?? "") + key, reason: "is \(n), expected 1 to \(1 << 24)")
        }
        return UInt32(n)
    }
}

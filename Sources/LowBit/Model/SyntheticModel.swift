/// Random-weight Llama models with the exact shapes of well-known checkpoints, for
/// benchmarking and tests without downloading weights.
public enum SyntheticModel {
    /// Named shapes.
    public enum Shape: String, CaseIterable, Sendable {
        /// stories15M: dim 288, 6 layers, 6 heads, ffn 768.
        case stories15M = "15m"
        /// stories110M: dim 768, 12 layers, 12 heads, ffn 2048.
        case stories110M = "110m"
        /// TinyLlama-1.1B: dim 2048, 22 layers, 32 heads / 4 KV heads, ffn 5632.
        case tinyLlama1B = "1b"
        /// Llama-2-7B: dim 4096, 32 layers, 32 heads, ffn 11008.
        case llama2_7B = "7b"

        /// The configuration, with a 32000-token vocabulary.
        public var config: ModelConfig {
            switch self {
            case .stories15M: ModelConfig(vocabSize: 32000, dim: 288, layers: 6, heads: 6, kvHeads: 6, ffnDim: 768, contextLength: 256)
            case .stories110M: ModelConfig(vocabSize: 32000, dim: 768, layers: 12, heads: 12, kvHeads: 12, ffnDim: 2048, contextLength: 1024)
            case .tinyLlama1B: ModelConfig(vocabSize: 32000, dim: 2048, layers: 22, heads: 32, kvHeads: 4, ffnDim: 5632, contextLength: 2048)
            case .llama2_7B: ModelConfig(vocabSize: 32000, dim: 4096, layers: 32, heads: 32, kvHeads: 32, ffnDim: 11008, contextLength: 4096)
            }
        }
    }

    /// The tensor names and GGUF shapes (innermost first) of a Llama model with `config`.
    /// `tied` omits `output.weight`.
    public static func tensorLayout(_ c: ModelConfig, tied: Bool) -> [(name: String, shape: [Int])] {
        var out: [(String, [Int])] = [("token_embd.weight", [c.dim, c.vocabSize])]
        for i in 0..<c.layers {
            let p = "blk.\(i)."
            out += [
                (p + "attn_norm.weight", [c.dim]),
                (p + "attn_q.weight", [c.dim, c.dim]),
                (p + "attn_k.weight", [c.dim, c.kvDim]),
                (p + "attn_v.weight", [c.dim, c.kvDim]),
                (p + "attn_output.weight", [c.dim, c.dim]),
                (p + "ffn_norm.weight", [c.dim]),
                (p + "ffn_gate.weight", [c.dim, c.ffnDim]),
                (p + "ffn_up.weight", [c.dim, c.ffnDim]),
                (p + "ffn_down.weight", [c.ffnDim, c.dim]),
            ]
        }
        out.append(("output_norm.weight", [c.dim]))
        if !tied { out.append(("output.weight", [c.dim, c.vocabSize])) }
        return out
    }

    /// Builds random weights for `config`: matrices uniform with standard deviation about
    /// `1/sqrt(fan_in)`, norms near 1, stored as `type` (1-D norms stay f32, as llama.cpp
    /// keeps them), with `tokenizer` in the metadata.
    ///
    /// - Throws: ``KernelError`` when a row length is not a multiple of `type`'s block size.
    public static func make(
        config c: ModelConfig, type: GGMLType, seed: UInt64, tied: Bool = false,
        tokenizer: TokenizerConfig? = nil, name: String = "synthetic"
    ) throws(KernelError) -> ModelWeights {
        var md = GGUFMetadata()
        md["general.architecture"] = .string("llama")
        md["general.name"] = .string(name)
        c.write(into: &md)
        md["general.file_type"] = .uint32(QuantizationPreset.pure(type)?.fileType ?? 0)
        (tokenizer ?? TokenizerConfig.syntheticLlama(size: c.vocabSize)).write(into: &md)
        var rng = SeededRandom(seed: seed)
        var tensors: [WeightTensor] = []
        for (name, shape) in tensorLayout(c, tied: tied) {
            let n = shape.reduce(1, *)
            var values = [Float](repeating: 0, count: n)
            if shape.count == 1 {
                for i in 0..<n { values[i] = 1 + 0.1 * (rng.nextFloat() - 0.5) }
                tensors.append(try WeightTensor(name: name, type: .f32, shape: shape, values: values))
            } else {
                // Uniform in [-a, a] has sd a/sqrt(3).
                let a = (3 / Float(shape[0])).squareRoot()
                for i in 0..<n { values[i] = a * (2 * rng.nextFloat() - 1) }
                tensors.append(try WeightTensor(name: name, type: type, shape: shape, values: values))
            }
        }
        return ModelWeights(metadata: md, tensors: tensors, source: name)
    }
}

/// How one Hugging Face architecture (`config.json` `architectures`) becomes GGUF, as
/// llama.cpp's `convert_hf_to_gguf.py` converts it: the GGUF family, the tensor names, the
/// tensor transforms, and the `{arch}.*` hyper-parameters.
///
/// A new architecture is one description (one file, `extension HFArchitecture { static let … }`)
/// plus one row in ``all``.
public struct HFArchitecture: Sendable {
    /// The `architectures` values this row converts (`LlamaForCausalLM`, …).
    public let names: [String]
    /// The GGUF family (`general.architecture`, a name in ``Architecture/all``).
    public let family: String
    /// Whether `q_proj` / `k_proj` rows are permuted from Hugging Face's half-split RoPE
    /// layout to the adjacent-pair one llama.cpp's `llama` family uses (`LlamaModel.permute`).
    public let permutesQK: Bool
    /// Added to every `*norm.weight` (Gemma stores `w − 1`: its RMSNorm multiplies by `1 + w`).
    public let normShift: Float
    /// Whether `lm_head.weight` is dropped (Gemma 2 always ties its head).
    public let dropsLMHead: Bool
    /// Whether `embed_tokens` rows past the tokenizer's size are dropped (Gemma 3 pads them).
    public let trimsEmbeddings: Bool
    /// Hugging Face names inside `model.layers.N.` (without `.weight`/`.bias`) → GGUF names
    /// inside `blk.N.`.
    public let layerTensors: [String: String]
    /// Writes the `{family}.*` keys from `config.json` (with `text_config` lifted).
    public let hyperParameters: @Sendable (HFJSON, inout GGUFMetadata) throws(HFError) -> Void
    /// Tensors the converter computes from `config.json` (Llama 3's `rope_freqs.weight`):
    /// GGUF name, values.
    public let generatedTensors: @Sendable (HFJSON) throws(HFError) -> [(name: String, values: [Float])]

    public init(
        names: [String], family: String, permutesQK: Bool = false, normShift: Float = 0, dropsLMHead: Bool = false,
        trimsEmbeddings: Bool = false, layerTensors: [String: String],
        hyperParameters: @escaping @Sendable (HFJSON, inout GGUFMetadata) throws(HFError) -> Void,
        generatedTensors: @escaping @Sendable (HFJSON) throws(HFError) -> [(name: String, values: [Float])] = { _ in [] }
    ) {
        self.names = names
        self.family = family
        self.permutesQK = permutesQK
        self.normShift = normShift
        self.dropsLMHead = dropsLMHead
        self.trimsEmbeddings = trimsEmbeddings
        self.layerTensors = layerTensors
        self.hyperParameters = hyperParameters
        self.generatedTensors = generatedTensors
    }

    /// Every architecture LowBit converts.
    public static let all: [HFArchitecture] = [.llama, .qwen2, .qwen3, .gemma2, .gemma3, .phi3]

    /// Every `architectures` value LowBit converts.
    public static var supportedNames: [String] { all.flatMap(\.names) }

    /// The row converting `name`, or `nil`.
    public static func named(_ name: String) -> HFArchitecture? { all.first { $0.names.contains(name) } }

    /// Tensors outside the blocks: Hugging Face name → GGUF name.
    static let globalTensors = ["model.embed_tokens": "token_embd", "model.norm": "output_norm", "lm_head": "output"]

    /// The Llama block's tensors, shared by most rows.
    static let llamaLayerTensors = [
        "input_layernorm": "attn_norm",
        "self_attn.q_proj": "attn_q", "self_attn.k_proj": "attn_k", "self_attn.v_proj": "attn_v",
        "self_attn.o_proj": "attn_output",
        "post_attention_layernorm": "ffn_norm",
        "mlp.gate_proj": "ffn_gate", "mlp.up_proj": "ffn_up", "mlp.down_proj": "ffn_down",
    ]

    /// Per-head query/key RMSNorms (Qwen 3, Gemma 3).
    static let qkNormTensors = ["self_attn.q_norm": "attn_q_norm", "self_attn.k_norm": "attn_k_norm"]

    /// Gemma 2 and 3's sandwich norms.
    static let gemmaLayerTensors = llamaLayerTensors.merging([
        "post_attention_layernorm": "post_attention_norm",
        "pre_feedforward_layernorm": "ffn_norm",
        "post_feedforward_layernorm": "post_ffw_norm",
    ]) { _, new in new }
}

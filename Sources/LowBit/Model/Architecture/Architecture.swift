/// How one model family builds its transformer block: everything that differs between
/// `llm_build_*` functions in llama.cpp, as data. The one forward pass
/// (``TransformerModel``) follows it, and ``ModelConfig`` reads the family's hyper-parameters
/// from the GGUF `{name}.*` keys with the defaults given here.
///
/// A new family is one description (one file, `extension Architecture { static let … }`)
/// plus one row in ``all``.
public struct Architecture: Sendable {
    /// The feed-forward network's gating.
    public enum FeedForward: String, Sendable {
        /// `down(silu(gate(x)) · up(x))` with separate `ffn_gate` and `ffn_up`.
        case swiGLU
        /// `down(gelu(gate(x)) · up(x))`, GELU with the tanh approximation.
        case geGLU
        /// `ffn_up` holds `[gate; up]` stacked (`[dim, 2·ffn]`): `down(silu(u₁) · u₂)` (Phi-3).
        case fusedSwiGLU
    }

    /// Where the output head comes from.
    public enum Head: Sendable {
        /// `output.weight` when present, else the token embeddings (tied).
        case outputOrTied
        /// Always the token embeddings, even if `output.weight` exists (Gemma 2).
        case alwaysTied
    }

    /// Which layers use sliding-window attention, and with what window.
    public struct SlidingWindow: Sendable {
        /// llama.cpp's `n_pattern`: layer `l` is local when `l % pattern < pattern − 1`
        /// (unless `{arch}.attention.sliding_window_pattern` says otherwise).
        public var pattern: Int
        /// The window when `{arch}.attention.sliding_window` is absent, or `nil` when the
        /// family has no local layers without that key (Gemma 3).
        public var defaultWindow: Int?
    }

    /// A soft-capping strength: from a metadata key, with a default or none.
    public enum Softcap: Sendable {
        /// Never applied.
        case none
        /// The key's value, or `defaultValue` when absent (always applied).
        case keyOr(defaultValue: Float)
        /// Applied only when the key is present and non-zero.
        case keyOnly
    }

    /// `general.architecture`.
    public let name: String
    /// RoPE pairing (llama.cpp's `llama_model_rope_type`).
    public let ropeLayout: RoPE.Layout
    public let feedForward: FeedForward
    /// RMSNorm on the attention output and the FFN output before each residual add
    /// (`attn_post_norm`, `ffn_post_norm`).
    public let postNorms: Bool
    /// Per-head RMSNorm of queries and keys before RoPE (`attn_q_norm`, `attn_k_norm`).
    public let qkNorm: Bool
    /// Token embeddings are multiplied by √dim (Gemma).
    public let scalesEmbeddings: Bool
    public let head: Head
    /// Local layers, or `nil` when every layer attends globally.
    public let slidingWindow: SlidingWindow?
    /// RoPE base of local layers when `{arch}.rope.freq_base_swa` is absent: `nil` means the
    /// global base (Gemma 2), a value overrides it (Gemma 3: 10000).
    public let localRopeBase: Float?
    /// Soft-capping of attention scores (`{arch}.attn_logit_softcapping`).
    public let attentionSoftcap: Softcap
    /// Soft-capping of the output logits (`{arch}.final_logit_softcapping`).
    public let finalSoftcap: Softcap
    /// Gemma's 27B models scale queries by `1/√(dim/heads)` instead of `1/√headDim`; the
    /// block counts at which llama.cpp applies that.
    public let attentionScaleByWidthAtLayers: Set<Int>
    /// Whether `rope.dimension_count` must equal the head size (llama.cpp checks it for llama).
    public let ropeCoversWholeHead: Bool

    public init(
        name: String, ropeLayout: RoPE.Layout, feedForward: FeedForward = .swiGLU, postNorms: Bool = false,
        qkNorm: Bool = false, scalesEmbeddings: Bool = false, head: Head = .outputOrTied,
        slidingWindow: SlidingWindow? = nil, localRopeBase: Float? = nil, attentionSoftcap: Softcap = .none,
        finalSoftcap: Softcap = .none, attentionScaleByWidthAtLayers: Set<Int> = [], ropeCoversWholeHead: Bool = false
    ) {
        self.name = name
        self.ropeLayout = ropeLayout
        self.feedForward = feedForward
        self.postNorms = postNorms
        self.qkNorm = qkNorm
        self.scalesEmbeddings = scalesEmbeddings
        self.head = head
        self.slidingWindow = slidingWindow
        self.localRopeBase = localRopeBase
        self.attentionSoftcap = attentionSoftcap
        self.finalSoftcap = finalSoftcap
        self.attentionScaleByWidthAtLayers = attentionScaleByWidthAtLayers
        self.ropeCoversWholeHead = ropeCoversWholeHead
    }

    /// Every family LowBit runs.
    public static let all: [Architecture] = [.llama, .qwen2, .qwen3, .gemma2, .gemma3, .phi3]

    /// The family called `name` (a `general.architecture` value), or `nil`.
    public static func named(_ name: String) -> Architecture? { all.first { $0.name == name } }
}

/// An unlearning objective from REFERENCE §3, in its textbook form.
///
/// ```
/// GA:       L = −CE_θ(f)
/// GA_GDR:   L = −CE_θ(f) + α·CE_θ(r)
/// GA_KLR:   L = −CE_θ(f) + α·KL(p_ref(·|r) ‖ p_θ(·|r))
/// NPO:      L = −(2/β)·mean_i log σ(−β·(log π_θ(y_i|x_i) − log π_ref(y_i|x_i)))
/// NPO_GDR:  NPO + α·CE_θ(r)
/// NPO_KLR:  NPO + α·KL(p_ref(·|r) ‖ p_θ(·|r))
/// ```
///
/// CE is the mean token cross-entropy over masked tokens; KL is summed over the vocabulary
/// and averaged over masked retain tokens; `log π` is a sequence's summed masked log-prob.
public enum UnlearningMethod: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
    /// Gradient ascent on the forget set.
    case ga = "GA"
    /// Gradient ascent plus gradient descent on the retain set.
    case gaGDR = "GA_GDR"
    /// Gradient ascent plus a KL regularizer to the reference on the retain set.
    case gaKLR = "GA_KLR"
    /// Negative preference optimization.
    case npo = "NPO"
    /// NPO plus gradient descent on the retain set.
    case npoGDR = "NPO_GDR"
    /// NPO plus a KL regularizer to the reference on the retain set.
    case npoKLR = "NPO_KLR"

    /// Whether the forget term is NPO (otherwise gradient ascent).
    public var usesNPO: Bool { self == .npo || self == .npoGDR || self == .npoKLR }
    /// Whether a retain term is added.
    public var usesRetain: Bool { self != .ga && self != .npo }
    /// Whether the retain term is the KL regularizer (otherwise cross-entropy).
    public var usesKL: Bool { self == .gaKLR || self == .npoKLR }
    /// Whether the frozen reference model is needed.
    public var needsReference: Bool { usesNPO || usesKL }

    /// The paper's name, e.g. `NPO_KLR`.
    public var description: String { rawValue }
}

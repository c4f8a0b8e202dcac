/// The inputs of one block's linear layers, as a calibrating quantizer (GPTQ, AWQ) sees them.
///
/// Matrices that read the same activations share one input: the attention projections
/// (`attn_q`, `attn_k`, `attn_v`, or the fused `attn_qkv`) read the normed residual, the
/// output projection reads the attention result, the FFN's gate and up read the normed
/// residual, and the down projection reads the activated product.
public enum LinearInput: Int, CaseIterable, Sendable {
    case attention, attentionOutput, feedForward, feedForwardDown

    /// The input that tensor `name` of a block reads, and the block, or `nil` for tensors
    /// outside the blocks' linear layers (embeddings, head, norms).
    public static func of(tensor name: String) -> (layer: Int, input: LinearInput)? {
        let parts = name.split(separator: ".")
        guard parts.count == 4, parts[0] == "blk", let l = Int(parts[1]), parts[3] == "weight" else { return nil }
        switch parts[2] {
        case "attn_q", "attn_k", "attn_v", "attn_qkv": return (l, .attention)
        case "attn_output": return (l, .attentionOutput)
        case "ffn_gate", "ffn_up": return (l, .feedForward)
        case "ffn_down": return (l, .feedForwardDown)
        default: return nil
        }
    }
}

/// Receives the rows that block ``layer``'s linear layers multiply, during
/// ``TransformerModel/observeLinearInputs(_:observer:pool:)``.
public protocol LinearInputObserver: AnyObject {
    /// The block whose inputs are wanted; the forward pass stops after it.
    var layer: Int { get }
    /// `rows` holds `rows.count / width` activation rows of `width` values.
    func observe(_ input: LinearInput, rows: UnsafeBufferPointer<Float>, width: Int)
}

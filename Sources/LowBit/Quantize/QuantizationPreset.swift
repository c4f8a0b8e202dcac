/// A named way to quantize a whole model, as `llama-quantize` names them: the ggml type most
/// matrices get, the `general.file_type` (llama.cpp's `llama_ftype`) the file records, and,
/// for llama.cpp's mixtures (`q4_k_m`, …), the per-tensor rule that promotes or demotes
/// particular tensors.
public struct QuantizationPreset: Sendable {
    /// The name `lowbit quantize --type` accepts (lowercase, e.g. `q4_0`, `q4_k_m`).
    public let name: String
    /// llama.cpp's `llama_ftype` value written as `general.file_type`.
    public let fileType: UInt32
    /// The type of ordinary weight matrices.
    public let baseType: GGMLType

    /// Every preset, in llama-quantize's order. Single types first.
    public static let all: [QuantizationPreset] = [
        QuantizationPreset(name: "f32", fileType: 0, baseType: .f32),
        QuantizationPreset(name: "f16", fileType: 1, baseType: .f16),
        QuantizationPreset(name: "bf16", fileType: 32, baseType: .bf16),
        QuantizationPreset(name: "q8_0", fileType: 7, baseType: .q8_0),
        QuantizationPreset(name: "q4_0", fileType: 2, baseType: .q4_0),
        QuantizationPreset(name: "q4_1", fileType: 3, baseType: .q4_1),
    ]

    /// The preset called `name` (case-insensitive), or `nil`.
    public static func named(_ name: String) -> QuantizationPreset? {
        let lower = name.lowercased()
        return all.first { $0.name == lower }
    }

    /// The preset that gives every matrix `type`, or `nil` when there is none.
    public static func pure(_ type: GGMLType) -> QuantizationPreset? {
        all.first { $0.baseType == type }
    }
}

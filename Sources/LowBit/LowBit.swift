@_exported import Kernels

/// LowBit: GGUF model files, Llama-family inference on the `Kernels` SIMD kernels,
/// tokenizers, sampling and generation.
public enum LowBit {
    /// The package version, reported by `lowbit --version` and in benchmark reports.
    public static let version = "0.1.0"
}

import Foundation
@testable import LowBit

/// A tiny Llama configuration for hermetic tests: GQA (4 heads, 2 KV heads), 2 layers.
let microConfig = ModelConfig(vocabSize: 300, dim: 64, layers: 2, heads: 4, kvHeads: 2, ffnDim: 96, contextLength: 64)
/// The smallest Llama whose every matrix row is a whole number of 256-weight k-quant blocks.
let microKConfig = ModelConfig(vocabSize: 300, dim: 256, layers: 1, heads: 4, kvHeads: 2, ffnDim: 512, contextLength: 64)

/// `microConfig`, or `microKConfig` for a type whose rows need 256-element blocks.
func microConfig(for type: GGMLType) -> ModelConfig {
    microConfig.dim % max(type.blockSize, type.traits?.activation.blockSize ?? 1) == 0 ? microConfig : microKConfig
}

/// A fresh temporary directory, removed at process exit by the OS's tmp cleaning.
func temporaryDirectory() -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("lowbit-tests-\(UUID().uuidString)")
    try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Writes a micro model of `type` to a temp file and returns its path.
func writeMicroModel(type: GGMLType = .f32, seed: UInt64 = 7, tied: Bool = false) throws -> String {
    let w = try SyntheticModel.make(config: microConfig, type: type, seed: seed, tied: tied)
    let path = temporaryDirectory().appendingPathComponent("micro-\(type).gguf").path
    try GGUFWriter.write(w, to: path)
    return path
}

import Foundation
import XCTest

@testable import LowBit

/// llama-quantize's per-tensor type choices, tensor by tensor, for every mixture preset on
/// TinyLlama-shaped models (22 blocks; GQA 8, no GQA, and tied embeddings), as recorded from
/// llama.cpp's own quantizer by `Fixtures/arch/make_arch_fixtures.py` (`mixtures.json`).
final class QuantizationPresetTests: XCTestCase {
    func testMixturesChooseLlamaQuantizesTypesTensorByTensor() throws {
        let url = ArchitectureFixtureTests.dir.appendingPathComponent("mixtures.json")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
        var compared = 0
        for shape in json["shapes"] as! [[String: Any]] {
            let hp = shape["hparams"] as! [String: Any]
            let layers = hp["n_layer"] as! Int, dim = hp["n_embd"] as! Int, ffn = hp["n_ff"] as! Int
            let heads = hp["n_head"] as! Int, kvHeads = hp["n_head_kv"] as! Int, vocab = hp["n_vocab"] as! Int
            let headDim = dim / heads
            let tied = hp["tied_embeddings"] as! Bool
            let facts = QuantizationPreset.ModelFacts(layers: layers, gqa: heads / kvHeads, tiedEmbeddings: tied, is70B: false,
                                                      attentionVCount: layers)
            func shapeOf(_ name: String) -> [Int] {
                switch name {
                case "token_embd.weight", "output.weight": return [dim, vocab]
                case _ where name.hasSuffix("_norm.weight"): return [dim]
                case _ where name.hasSuffix("attn_k.weight") || name.hasSuffix("attn_v.weight"): return [dim, kvHeads * headDim]
                case _ where name.hasSuffix("ffn_down.weight"): return [ffn, dim]
                case _ where name.hasSuffix("ffn_gate.weight") || name.hasSuffix("ffn_up.weight"): return [dim, ffn]
                default: return [dim, dim]
                }
            }
            for (presetName, entry) in shape["presets"] as! [String: [String: Any]] {
                let preset = try XCTUnwrap(QuantizationPreset.named(presetName), presetName)
                var want: [String: String] = entry["global"] as! [String: String]
                for (suffix, types) in entry["layers"] as! [String: [String]] {
                    for (l, t) in types.enumerated() { want["blk.\(l).\(suffix)"] = t }
                }
                for (name, type) in want {
                    let got = preset.type(forTensor: name, shape: shapeOf(name), facts: facts) ?? .f32  // 1-D stay f32
                    XCTAssertEqual(got.name, type, "\(shape["name"]!) \(presetName) \(name)")
                    compared += 1
                }
            }
        }
        XCTAssertGreaterThan(compared, 3000)
    }

    func testFallbackForRowsThatDoNotFitTheBlock() {
        XCTAssertEqual(QuantizationPreset.fallback(.q4_K, rowLength: 896), .q5_0)
        XCTAssertEqual(QuantizationPreset.fallback(.q5_K, rowLength: 896), .q5_1)
        XCTAssertEqual(QuantizationPreset.fallback(.q6_K, rowLength: 896), .q8_0)
        XCTAssertEqual(QuantizationPreset.fallback(.q2_K, rowLength: 896), .q4_0)
        XCTAssertEqual(QuantizationPreset.fallback(.q4_0, rowLength: 33), .f16)
        XCTAssertEqual(QuantizationPreset.fallback(.q4_K, rowLength: 512), .q4_K)
        XCTAssertEqual(QuantizationPreset.named("Q4_K")?.name, "q4_k_m")
        XCTAssertEqual(QuantizationPreset.pure(.q4_K)?.fileType, 15)
    }
}

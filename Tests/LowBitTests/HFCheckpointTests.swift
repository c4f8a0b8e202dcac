import Foundation
import XCTest

@testable import LowBit

/// Hugging Face folders built in the test from the llama.cpp-written architecture fixtures
/// (f32, bf16, sharded), converted back by LowBit: the same tensors, byte for byte, the same
/// `{arch}.*` keys llama.cpp's converter wrote, and the same logits.
final class HFCheckpointTests: XCTestCase {
    static let archDir = ArchitectureFixtureTests.dir

    struct Case {
        var fixture: String
        var config: [String: Any]
        var heads: Int, kvHeads: Int
        var permute = false, gemma = false, fusedFFN = false
    }

    nonisolated(unsafe) static let cases: [Case] = [
        Case(fixture: "llama", config: [
            "architectures": ["LlamaForCausalLM"], "hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 4,
            "num_key_value_heads": 2, "intermediate_size": 64, "max_position_embeddings": 4096, "rope_theta": 10000.0,
            "rms_norm_eps": 1e-5, "vocab_size": 272, "tie_word_embeddings": true, "torch_dtype": "float32",
        ], heads: 4, kvHeads: 2, permute: true),
        Case(fixture: "llama3", config: [
            "architectures": ["LlamaForCausalLM"], "hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 2,
            "num_key_value_heads": 1, "head_dim": 16, "intermediate_size": 64, "max_position_embeddings": 4096,
            "rope_theta": 500000.0, "rms_norm_eps": 1e-5, "vocab_size": 272, "tie_word_embeddings": false,
            "rope_scaling": ["rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                             "original_max_position_embeddings": 64],
        ], heads: 2, kvHeads: 1, permute: true),
        Case(fixture: "qwen2", config: [
            "architectures": ["Qwen2ForCausalLM"], "hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 4,
            "num_key_value_heads": 2, "intermediate_size": 64, "max_position_embeddings": 4096, "rope_theta": 1000000.0,
            "rms_norm_eps": 1e-6, "vocab_size": 272, "tie_word_embeddings": true,
        ], heads: 4, kvHeads: 2),
        Case(fixture: "qwen3", config: [
            "architectures": ["Qwen3ForCausalLM"], "hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 4,
            "num_key_value_heads": 2, "head_dim": 16, "intermediate_size": 64, "max_position_embeddings": 4096,
            "rope_theta": 1000000.0, "rms_norm_eps": 1e-6, "vocab_size": 272, "tie_word_embeddings": true,
        ], heads: 4, kvHeads: 2),
        Case(fixture: "gemma2", config: [
            "architectures": ["Gemma2ForCausalLM"], "hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 4,
            "num_key_value_heads": 2, "head_dim": 16, "intermediate_size": 64, "max_position_embeddings": 4096,
            "rope_theta": 10000.0, "rms_norm_eps": 1e-6, "vocab_size": 272, "sliding_window": 6,
            "attn_logit_softcapping": 4.0, "final_logit_softcapping": 12.0, "query_pre_attn_scalar": 16,
        ], heads: 4, kvHeads: 2, gemma: true),
        Case(fixture: "phi3", config: [
            "architectures": ["Phi3ForCausalLM"], "hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 4,
            "num_key_value_heads": 4, "intermediate_size": 64, "max_position_embeddings": 4096,
            "original_max_position_embeddings": 4096, "rope_theta": 10000.0, "rms_norm_eps": 1e-5, "vocab_size": 272,
            "sliding_window": 2047, "tie_word_embeddings": false,
        ], heads: 4, kvHeads: 4, fusedFFN: true),
        Case(fixture: "gemma3", config: [
            "architectures": ["Gemma3ForConditionalGeneration"], "model_type": "gemma3",
            "text_config": [
                "hidden_size": 32, "num_hidden_layers": 6, "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 16,
                "intermediate_size": 32, "max_position_embeddings": 4096, "rope_theta": 1000000.0, "rope_local_base_freq": 10000.0,
                "rms_norm_eps": 1e-6, "vocab_size": 272, "sliding_window": 6, "sliding_window_pattern": 6,
                "final_logit_softcapping": NSNull(), "attn_logit_softcapping": NSNull(),
            ],
        ], heads: 4, kvHeads: 2, gemma: true),
    ]

    /// The fixture's tensors re-encoded: matrices as `matrixType`, 1-D tensors f32.
    static func reference(_ fixture: String, matrixType: GGMLType) throws -> ModelWeights {
        var w = try GGUFFile.loadWeights(path: archDir.appendingPathComponent("\(fixture).gguf").path)
        w.tensors = try w.tensors.map { t in
            try WeightTensor(name: t.name, type: t.shape.count == 1 ? .f32 : matrixType, shape: t.shape, values: t.floats())
        }
        return w
    }

    func testConvertedCheckpointsEqualTheGGUFModels() throws {
        for c in Self.cases {
            for (type, shards) in [(GGMLType.f32, 1), (.bf16, 1), (.f32, 3)] {
                let label = "\(c.fixture) \(type.name) \(shards) shard(s)"
                let ref = try Self.reference(c.fixture, matrixType: type)
                var config = c.config
                if shards == 3 {
                    // A sharded Gemma 3 also carries (skipped) vision tensors under language_model names.
                    config["torch_dtype"] = "float32"
                }
                var entries = HFTestCheckpoint.entries(ref, heads: c.heads, kvHeads: c.kvHeads, permute: c.permute, gemma: c.gemma,
                                                       fusedFFN: c.fusedFFN)
                if c.fixture == "gemma3" {
                    entries = entries.map { e in
                        var e = e
                        e.name = e.name.replacingOccurrences(of: "model.", with: "model.language_model.")
                        return e
                    }
                    entries.append(.init(name: "vision_tower.vision_model.post_layernorm.weight", dtype: "F32", shape: [4], bytes: [UInt8](repeating: 0, count: 16)))
                }
                let dir = try HFTestCheckpoint.write(config: config, tokenizer: HFTestCheckpoint.byteLevelTokenizer(extra: 16),
                                                     entries: entries, shards: shards)
                let hf = try ModelWeights.load(path: dir)

                // Tensors: the same names, types, shapes and bytes.
                XCTAssertEqual(Set(hf.tensors.map(\.name)), Set(ref.tensors.map(\.name)), label)
                for t in ref.tensors {
                    let h = try XCTUnwrap(hf[t.name], "\(label): \(t.name)")
                    XCTAssertEqual(h.type, t.type, "\(label): \(t.name)")
                    XCTAssertEqual(h.shape, t.shape, "\(label): \(t.name)")
                    if t.name == "rope_freqs.weight" {
                        XCTAssertEqual(h.floats(), t.floats(), "\(label): rope_freqs")
                    } else {
                        XCTAssertTrue(Array(h.storage.bytes) == Array(t.storage.bytes), "\(label): \(t.name) bytes")
                    }
                    // Unchanged matrices are views of the mapped shards.
                    // (1-D tensors are written f32 here, so only permuted and shifted ones are copies.)
                    let changed = t.name == "rope_freqs.weight" || (c.gemma && t.name.hasSuffix("norm.weight"))
                        || (c.permute && (t.name.contains("attn_q.") || t.name.contains("attn_k.")))
                    XCTAssertEqual(h.storage.isView, !changed, "\(label): \(t.name) view")
                }
                // Hyper-parameters: exactly the keys llama.cpp's converter wrote.
                let arch = ref.metadata["general.architecture"]!.stringValue!
                for (k, v) in ref.metadata.entries where k.hasPrefix(arch + ".") {
                    XCTAssertEqual(hf.metadata[k], v, "\(label): \(k)")
                }
                for (k, _) in hf.metadata.entries where k.hasPrefix(arch + ".") {
                    XCTAssertNotNil(ref.metadata[k], "\(label): extra key \(k)")
                }
                XCTAssertEqual(hf.metadata["general.architecture"], ref.metadata["general.architecture"], label)

                // Logits at every position of a prompt, bit for bit.
                let a = try TransformerModel(weights: hf), b = try TransformerModel(weights: ref)
                let prompt: [Int32] = [1, 17, 200, 33, 5, 250, 99, 12, 7, 140]
                let la = try a.forward(prompt, cache: a.makeCache(capacity: 32), logits: .all)
                let lb = try b.forward(prompt, cache: b.makeCache(capacity: 32), logits: .all)
                XCTAssertEqual(la.count, lb.count, label)
                XCTAssertTrue(la == lb, "\(label): logits differ (max |Δ| \(zip(la, lb).map { abs($0 - $1) }.max() ?? 0))")
            }
        }
    }

    func testGGUFRoundTripOfAConvertedCheckpoint() throws {
        let ref = try Self.reference("qwen2", matrixType: .bf16)
        let dir = try HFTestCheckpoint.write(config: Self.cases[2].config, tokenizer: HFTestCheckpoint.byteLevelTokenizer(extra: 16),
                                             entries: HFTestCheckpoint.entries(ref, heads: 4, kvHeads: 2, permute: false, gemma: false))
        let hf = try ModelWeights.load(path: dir)
        let out = temporaryDirectory().appendingPathComponent("converted.gguf").path
        try GGUFWriter.write(hf, to: out)
        let back = try GGUFFile.loadWeights(path: out)
        XCTAssertEqual(back.metadata, hf.metadata)
        for t in hf.tensors { XCTAssertTrue(Array(back[t.name]!.storage.bytes) == Array(t.storage.bytes), t.name) }
        let tok = try TokenizerConfig(metadata: back.metadata, file: out)
        XCTAssertEqual(tok.model, .gpt2)
        XCTAssertEqual(tok.preTokenizer, "gpt-2")
        XCTAssertEqual(tok.tokens.count, 272)
        XCTAssertEqual(tok.tokenTypes[256], .control)
        XCTAssertEqual(tok.addBOS, false)
    }

    func testUnsupportedArchitectureAndDTypeAreNamed() throws {
        let ref = try Self.reference("qwen2", matrixType: .f32)
        var config = Self.cases[2].config
        config["architectures"] = ["MambaForCausalLM"]
        var entries = HFTestCheckpoint.entries(ref, heads: 4, kvHeads: 2, permute: false, gemma: false)
        var dir = try HFTestCheckpoint.write(config: config, tokenizer: HFTestCheckpoint.byteLevelTokenizer(extra: 16), entries: entries)
        XCTAssertThrowsError(try ModelWeights.load(path: dir)) { e in
            guard case HFError.unsupportedArchitecture(_, let names, _) = e else { return XCTFail("\(e)") }
            XCTAssertEqual(names, ["MambaForCausalLM"])
        }
        entries[0] = .init(name: entries[0].name, dtype: "I32", shape: entries[0].shape, bytes: entries[0].bytes)
        dir = try HFTestCheckpoint.write(config: Self.cases[2].config, tokenizer: HFTestCheckpoint.byteLevelTokenizer(extra: 16), entries: entries)
        XCTAssertThrowsError(try ModelWeights.load(path: dir)) { e in
            guard case SafetensorsError.unsupportedDType(_, let tensor, "I32") = e else { return XCTFail("\(e)") }
            XCTAssertEqual(tensor, entries[0].name)
        }
    }
}

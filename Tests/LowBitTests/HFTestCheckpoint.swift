import Foundation
@testable import LowBit

/// Writes Hugging Face checkpoint folders for tests: safetensors files (one or sharded),
/// config.json and a small byte-level tokenizer.json, from GGUF-form weights undone the way
/// llama.cpp's converter does them (names, Q/K permutation, Gemma's norm − 1). The names and
/// the permutation here are written out independently of LowBit's converter.
enum HFTestCheckpoint {
    /// A tensor to write: HF name, dtype name, HF shape (outermost first), bytes.
    struct Entry {
        var name: String
        var dtype: String
        var shape: [Int]
        var bytes: [UInt8]
    }

    /// Serializes a safetensors file.
    static func safetensors(_ entries: [Entry], metadata: [String: String]? = ["format": "pt"]) -> [UInt8] {
        var header: [String: Any] = [:]
        var offset = 0
        for e in entries {
            header[e.name] = ["dtype": e.dtype, "shape": e.shape, "data_offsets": [offset, offset + e.bytes.count]]
            offset += e.bytes.count
        }
        if let metadata { header["__metadata__"] = metadata }
        var json = try! JSONSerialization.data(withJSONObject: header, options: [.sortedKeys])
        while (json.count + 8) % 8 != 0 { json.append(0x20) }
        var out: [UInt8] = []
        var n = UInt64(json.count)
        for _ in 0..<8 { out.append(UInt8(n & 0xFF)); n >>= 8 }
        out += json
        for e in entries { out += e.bytes }
        return out
    }

    /// GGUF name → HF name for the Llama/Qwen block and the Gemma sandwich norms.
    static func hfName(_ gguf: String, gemma: Bool, fusedFFN: Bool = false) -> String? {
        let globals = ["token_embd.weight": "model.embed_tokens.weight", "output_norm.weight": "model.norm.weight", "output.weight": "lm_head.weight"]
        if let g = globals[gguf] { return g }
        let parts = gguf.split(separator: ".", maxSplits: 2).map(String.init)
        guard parts.count == 3, parts[0] == "blk" else { return nil }
        var layer: [String: String] = [
            "attn_norm": "input_layernorm", "attn_q": "self_attn.q_proj", "attn_k": "self_attn.k_proj", "attn_v": "self_attn.v_proj",
            "attn_output": "self_attn.o_proj", "ffn_norm": "post_attention_layernorm", "ffn_gate": "mlp.gate_proj",
            "ffn_up": "mlp.up_proj", "ffn_down": "mlp.down_proj", "attn_q_norm": "self_attn.q_norm", "attn_k_norm": "self_attn.k_norm",
            "attn_qkv": "self_attn.qkv_proj",
        ]
        if fusedFFN { layer["ffn_up"] = "mlp.gate_up_proj" }  // Phi-3: [gate; up] in one matrix
        if gemma {
            layer["post_attention_norm"] = "post_attention_layernorm"
            layer["ffn_norm"] = "pre_feedforward_layernorm"
            layer["post_ffw_norm"] = "post_feedforward_layernorm"
        }
        let tail = parts[2].split(separator: ".").map(String.init)
        guard tail.count == 2, let hf = layer[tail[0]] else { return nil }
        return "model.layers.\(parts[1]).\(hf).\(tail[1])"
    }

    /// Undoes llama.cpp's `permute`: `hf[h·d + j·d/2 + i] = gguf[h·d + 2i + j]` (rows).
    static func unpermute(_ src: [UInt8], rows: Int, heads: Int) -> [UInt8] {
        let rowBytes = src.count / rows, d = rows / heads
        var out = [UInt8](repeating: 0, count: src.count)
        for h in 0..<heads {
            for i in 0..<(d / 2) {
                for j in 0..<2 {
                    let ggufRow = h * d + 2 * i + j, hfRow = h * d + j * (d / 2) + i
                    out[(hfRow * rowBytes)..<((hfRow + 1) * rowBytes)] = src[(ggufRow * rowBytes)..<((ggufRow + 1) * rowBytes)]
                }
            }
        }
        return out
    }

    static func f32Bytes(_ v: [Float]) -> [UInt8] { v.withUnsafeBytes { Array($0) } }

    /// The HF tensors of `weights` (GGUF form): every tensor but `rope_freqs.weight`.
    static func entries(_ weights: ModelWeights, heads: Int, kvHeads: Int, permute: Bool, gemma: Bool, fusedFFN: Bool = false) -> [Entry] {
        var out: [Entry] = []
        for t in weights.tensors where t.name != "rope_freqs.weight" {
            guard let name = hfName(t.name, gemma: gemma, fusedFFN: fusedFFN) else { fatalError("test helper cannot name \(t.name)") }
            var bytes = Array(t.storage.bytes)
            if gemma && t.name.hasSuffix("norm.weight") {
                bytes = f32Bytes(t.floats().map { $0 - 1 })
            }
            if permute, t.name.contains(".attn_q.") || t.name.contains(".attn_k.") {
                let rows = t.shape.count == 2 ? t.shape[1] : t.shape[0]
                bytes = unpermute(bytes, rows: rows, heads: t.name.contains(".attn_q.") ? heads : kvHeads)
            }
            let dtype = t.type == .f32 ? "F32" : t.type == .f16 ? "F16" : "BF16"
            out.append(Entry(name: name, dtype: dtype, shape: t.shape.reversed(), bytes: bytes))
        }
        return out
    }

    /// A byte-level tokenizer.json of 256 byte tokens plus `extra` added special tokens.
    static func byteLevelTokenizer(extra: Int) -> [String: Any] {
        var vocab: [String: Int] = [:]
        for b in 0..<256 { vocab[String(Character(ByteUnicodeMap.scalar(for: UInt8(b))))] = b }
        let added: [[String: Any]] = (0..<extra).map { ["id": 256 + $0, "content": "<|x\($0)|>", "special": true, "normalized": false] }
        return [
            "version": "1.0", "added_tokens": added, "normalizer": NSNull(),
            "pre_tokenizer": ["type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true],
            "post_processor": ["type": "ByteLevel"], "decoder": ["type": "ByteLevel"],
            "model": ["type": "BPE", "vocab": vocab, "merges": [String](), "byte_fallback": false],
        ]
    }

    /// Writes a checkpoint folder: `config`, `tokenizer`, and `entries` in `shards` files.
    static func write(config: [String: Any], tokenizer: [String: Any], entries: [Entry], shards: Int = 1) throws -> String {
        let dir = temporaryDirectory()
        func put(_ name: String, _ bytes: [UInt8]) throws { try Data(bytes).write(to: dir.appendingPathComponent(name)) }
        func json(_ o: Any) throws -> [UInt8] { Array(try JSONSerialization.data(withJSONObject: o, options: [.sortedKeys])) }
        try put("config.json", json(config))
        try put("tokenizer.json", json(tokenizer))
        if shards == 1 {
            try put("model.safetensors", safetensors(entries))
        } else {
            var map: [String: String] = [:]
            let per = (entries.count + shards - 1) / shards
            for s in 0..<shards {
                let name = String(format: "model-%05d-of-%05d.safetensors", s + 1, shards)
                let part = Array(entries[min(entries.count, s * per)..<min(entries.count, (s + 1) * per)])
                for e in part { map[e.name] = name }
                try put(name, safetensors(part))
            }
            try put("model.safetensors.index.json", json(["metadata": ["total_size": 0], "weight_map": map]))
        }
        return dir.path
    }
}

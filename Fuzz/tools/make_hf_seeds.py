#!/usr/bin/env python3
"""Writes Fuzz/Corpus/hf/seed-* and Fuzz/Dictionaries/hf.dict (run from the repository root).
Each seed is one selector byte (0 safetensors, 1 index, 2 config.json, 3 tokenizer.json; see
Fuzz/Targets/hf.swift) followed by a small file. Standard library only."""
import json, os, struct

out = "Fuzz/Corpus/hf"
os.makedirs(out, exist_ok=True)

def safetensors(entries, pad=True):
    header, off, data = {"__metadata__": {"format": "pt"}}, 0, b""
    for name, dtype, shape, raw in entries:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [off, off + len(raw)]}
        off += len(raw)
        data += raw
    h = json.dumps(header, separators=(",", ":")).encode()
    if pad:
        h += b" " * ((8 - len(h) % 8) % 8)
    return struct.pack("<Q", len(h)) + h + data

seeds = {
    "seed-st-f32": b"\0" + safetensors([("a.weight", "F32", [2, 3], bytes(range(24))), ("b", "BF16", [4], bytes(8)),
                                        ("c", "F16", [1, 2], bytes(4)), ("e", "I8", [0], b"")]),
    "seed-st-dtypes": b"\0" + safetensors([(f"t{i}", d, [2], bytes(2 * w)) for i, (d, w) in enumerate(
        [("F64", 8), ("I64", 8), ("U8", 1), ("BOOL", 1), ("F8_E4M3", 1), ("I32", 4)])]),
    "seed-st-empty": b"\0" + safetensors([]),
    "seed-index": b"\1" + json.dumps({"metadata": {"total_size": 12}, "weight_map": {
        "model.embed_tokens.weight": "model-00001-of-00002.safetensors", "lm_head.weight": "model-00002-of-00002.safetensors"}}).encode(),
}
for name in ["tiny-llama", "tiny-gemma3"]:
    seeds[f"seed-config-{name}"] = b"\2" + open(f"Tests/LowBitTests/Fixtures/hf/{name}/config.json", "rb").read()
seeds["seed-config-phi3"] = b"\2" + json.dumps({
    "architectures": ["Phi3ForCausalLM"], "hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 4,
    "num_key_value_heads": 4, "intermediate_size": 64, "max_position_embeddings": 8192, "original_max_position_embeddings": 4096,
    "rope_theta": 10000.0, "rms_norm_eps": 1e-5, "vocab_size": 272, "sliding_window": 2047,
    "rope_scaling": {"type": "longrope", "long_factor": [1.0, 2.0, 3.0, 4.0], "short_factor": [1.0, 1.0, 1.0, 1.0]}}).encode()
seeds["seed-config-gemma2"] = b"\2" + json.dumps({
    "architectures": ["Gemma2ForCausalLM"], "hidden_size": 32, "num_hidden_layers": 2, "num_attention_heads": 4,
    "num_key_value_heads": 2, "head_dim": 16, "intermediate_size": 64, "max_position_embeddings": 4096, "rms_norm_eps": 1e-6,
    "attn_logit_softcapping": 50.0, "final_logit_softcapping": 30.0, "sliding_window": 4096, "vocab_size": 272}).encode()
# Small tokenizer.json files: a byte-level one and a SentencePiece-style one.
b2u = {}
bs = list(range(33, 127)) + list(range(161, 173)) + list(range(174, 256))
cs, n = bs[:], 0
for b in range(256):
    if b not in bs:
        bs.append(b); cs.append(256 + n); n += 1
vocab = {chr(c): b for b, c in zip(bs, cs)}
vocab["Ġt"] = 256; vocab["he"] = 257; vocab["Ġthe"] = 258
seeds["seed-tok-bytelevel"] = b"\3" + json.dumps({
    "added_tokens": [{"id": 259, "content": "<|eot_id|>", "special": True}], "normalizer": None,
    "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "use_regex": True},
    "post_processor": {"type": "ByteLevel"}, "model": {"type": "BPE", "vocab": vocab, "merges": ["Ġ t", "h e", ["Ġt", "he"]]}},
    ensure_ascii=False).encode()
spm_vocab = {"<unk>": 0, "<s>": 1, "</s>": 2}
for b in range(256):
    spm_vocab[f"<0x{b:02X}>"] = 3 + b
for i, p in enumerate(["▁", "h", "e", "l", "o", "▁h", "ll", "▁he", "llo", "▁hello"]):
    spm_vocab[p] = 259 + i
seeds["seed-tok-spm"] = b"\3" + json.dumps({
    "added_tokens": [{"id": 0, "content": "<unk>", "special": True}, {"id": 1, "content": "<s>", "special": True}],
    "normalizer": {"type": "Sequence", "normalizers": [{"type": "Prepend", "prepend": "▁"},
                                                        {"type": "Replace", "pattern": {"String": " "}, "content": "▁"}]},
    "pre_tokenizer": None,
    "post_processor": {"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}]},
    "model": {"type": "BPE", "vocab": spm_vocab, "unk_token": "<unk>", "byte_fallback": True,
              "merges": ["▁ h", "l l", "▁h e", "ll o", "▁he llo"]}}, ensure_ascii=False).encode()
for name, data in seeds.items():
    with open(os.path.join(out, name), "wb") as f:
        f.write(data)

words = ["dtype", "shape", "data_offsets", "__metadata__", "F32", "F16", "BF16", "I64", "F8_E4M3", "weight_map",
         "architectures", "LlamaForCausalLM", "Gemma3ForConditionalGeneration", "Phi3ForCausalLM", "text_config",
         "hidden_size", "num_hidden_layers", "num_attention_heads", "num_key_value_heads", "head_dim", "intermediate_size",
         "rope_scaling", "rope_parameters", "rope_type", "llama3", "longrope", "factor", "long_factor", "short_factor",
         "original_max_position_embeddings", "rope_theta", "sliding_window", "sliding_window_pattern", "vocab_size",
         "model", "vocab", "merges", "added_tokens", "special", "content", "id", "BPE", "byte_fallback", "unk_token",
         "pre_tokenizer", "normalizer", "ByteLevel", "Split", "Regex", "Metaspace", "prepend_scheme", "Prepend", "Replace",
         "Sequence", "pretokenizers", "normalizers", "post_processor", "TemplateProcessing", "SpecialToken", "use_regex",
         "../", "1e400", "-1", "18446744073709551615", "null", "true"]
with open("Fuzz/Dictionaries/hf.dict", "w") as f:
    f.write("# Hugging Face checkpoint files: safetensors header, index, config.json, tokenizer.json keys.\n"
            "# Written by Fuzz/tools/make_hf_seeds.py.\n")
    for i, w in enumerate(words):
        f.write(f'w{i}="\\"{w}\\""\n' if w.isidentifier() or w[0] in "_" else f'w{i}="{w}"\n')
    f.write('hdr="\\x00\\x00\\x00\\x00\\x00\\x00\\x00"\n')

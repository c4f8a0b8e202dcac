#!/usr/bin/env python3
"""A random-weight Hugging Face checkpoint with Llama-3.2-1B's shapes, for measuring what
LowBit's HF loader costs (README, "Hugging Face checkpoints"). Development-time only; the
output (2.5 GB) is never committed.

    python3 Benchmarks/scripts/make_random_hf_llama.py /tmp/llama-3.2-1b-random [--shards 2]

Writes config.json (LlamaForCausalLM: 16 layers, dim 2048, 32 heads / 8 KV heads, head_dim
64, ffn 8192, vocab 128256, tied embeddings, Llama 3.1 rope_scaling), a byte-level
tokenizer.json (256 byte tokens and Llama 3's special tokens; the rest of the vocabulary
is padding), tokenizer_config.json, and BF16 safetensors written by hand (numpy has no
bfloat16): weights N(0, 1/fan_in), norms 1.
"""
import json, math, os, struct, sys
import numpy as np

out = sys.argv[1]
shards = int(sys.argv[sys.argv.index("--shards") + 1]) if "--shards" in sys.argv else 2
os.makedirs(out, exist_ok=True)
dim, layers, heads, kv, hd, ffn, vocab = 2048, 16, 32, 8, 64, 8192, 128256
rng = np.random.default_rng(0)

def bf16(a: np.ndarray) -> bytes:
    u = a.astype(np.float32).view(np.uint32)
    return ((u + 0x7FFF + ((u >> 16) & 1)) >> 16).astype(np.uint16).tobytes()

def mat(o, i):
    return rng.standard_normal((o, i), dtype=np.float32) / np.float32(math.sqrt(i))

names = [("model.embed_tokens.weight", (vocab, dim))]
for l in range(layers):
    p = f"model.layers.{l}."
    names += [(p + "input_layernorm.weight", (dim,)), (p + "self_attn.q_proj.weight", (heads * hd, dim)),
              (p + "self_attn.k_proj.weight", (kv * hd, dim)), (p + "self_attn.v_proj.weight", (kv * hd, dim)),
              (p + "self_attn.o_proj.weight", (dim, heads * hd)), (p + "post_attention_layernorm.weight", (dim,)),
              (p + "mlp.gate_proj.weight", (ffn, dim)), (p + "mlp.up_proj.weight", (ffn, dim)), (p + "mlp.down_proj.weight", (dim, ffn))]
names.append(("model.norm.weight", (dim,)))
per = math.ceil(len(names) / shards)
weight_map = {}
for s in range(shards):
    part = names[s * per:(s + 1) * per]
    fname = f"model-{s + 1:05d}-of-{shards:05d}.safetensors"
    header, off = {"__metadata__": {"format": "pt"}}, 0
    for n, shape in part:
        size = 2 * int(np.prod(shape))
        header[n] = {"dtype": "BF16", "shape": list(shape), "data_offsets": [off, off + size]}
        off += size
        weight_map[n] = fname
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(os.path.join(out, fname), "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h)
        for n, shape in part:
            f.write(bf16(np.ones(shape, np.float32) if len(shape) == 1 else mat(*shape)))
json.dump({"metadata": {}, "weight_map": weight_map}, open(os.path.join(out, "model.safetensors.index.json"), "w"))
json.dump({"architectures": ["LlamaForCausalLM"], "hidden_size": dim, "num_hidden_layers": layers, "num_attention_heads": heads,
           "num_key_value_heads": kv, "head_dim": hd, "intermediate_size": ffn, "max_position_embeddings": 131072,
           "rope_theta": 500000.0, "rms_norm_eps": 1e-5, "vocab_size": vocab, "tie_word_embeddings": True, "torch_dtype": "bfloat16",
           "rope_scaling": {"rope_type": "llama3", "factor": 32.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                            "original_max_position_embeddings": 8192}}, open(os.path.join(out, "config.json"), "w"))
bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
cs, n = bs[:], 0
for b in range(256):
    if b not in bs:
        bs.append(b); cs.append(256 + n); n += 1
vocab_map = {chr(c): b for b, c in zip(bs, cs)}
specials = ["<|begin_of_text|>", "<|end_of_text|>", "<|start_header_id|>", "<|end_header_id|>", "<|eot_id|>"]
added = [{"id": 128000 + i, "content": s, "special": True, "normalized": False} for i, s in enumerate(specials)]
LLAMA3 = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"
json.dump({"version": "1.0", "added_tokens": added, "normalizer": None,
           "pre_tokenizer": {"type": "Sequence", "pretokenizers": [
               {"type": "Split", "pattern": {"Regex": LLAMA3}, "behavior": "Isolated", "invert": False},
               {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False}]},
           "post_processor": {"type": "ByteLevel"}, "decoder": {"type": "ByteLevel"},
           "model": {"type": "BPE", "vocab": vocab_map, "merges": [], "ignore_merges": True, "byte_fallback": False}},
          open(os.path.join(out, "tokenizer.json"), "w"))
json.dump({"bos_token": "<|begin_of_text|>", "eos_token": "<|eot_id|>", "add_bos_token": True},
          open(os.path.join(out, "tokenizer_config.json"), "w"))
print(out)

#!/usr/bin/env python3
"""Hugging Face checkpoint fixtures and their reference conversions, for HFReferenceTests.

Development-time only (CI has no Python; the Swift tests only read what this writes):

    pip install numpy safetensors tokenizers gguf==0.19.0
    python3 Tests/LowBitTests/Fixtures/hf/make_hf_fixtures.py

Deterministic (fixed seeds); rerunning rewrites identical files. It writes, next to itself:

  tiny-llama/, tiny-gemma3/   checkpoint folders: config.json, tokenizer.json,
                              tokenizer_config.json, model.safetensors written with the
                              `safetensors` numpy API (f16 matrices, f32 norms; Gemma's norms
                              stored as w - 1 as Hugging Face stores them).
  reference.json              the conversion llama.cpp's convert_hf_to_gguf.py makes of each
                              (torch is not installed, so its steps are replayed in numpy, copied
                              from conversion/llama.py and gemma.py of llama.cpp as vendored by
                              llama-cpp-python 0.3.36): per GGUF tensor its name, ggml type,
                              GGUF shape and the FNV-1a 64 hash of its bytes; and the {arch}.*
                              keys (by gguf's own key names and types).
  tok-bytelevel.json, tok-spm.json   tokenizer.json files trained with Hugging Face `tokenizers`
                              (Llama 3's Split regex + ByteLevel; Llama 2's Prepend/Replace
                              normalizer with byte_fallback) on a multilingual corpus.
  tokenizer_ids.json          Hugging Face `tokenizers`' ids for TEXTS with each file
                              (add_special_tokens=False), the ground truth LowBit must match.
"""

from __future__ import annotations

import json
import math
import os
import random

import numpy as np
from safetensors.numpy import save_file
from tokenizers import AddedToken, Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, trainers

HERE = os.path.dirname(os.path.abspath(__file__))
LLAMA3_REGEX = r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"

TEXTS = [
    "Hello world", "Hello, world! How are you today?", "  leading spaces, trailing spaces   ",
    "tabs\tand\ttabs", "line one\nline two\n\nline four\r\n", "I'm sure you're right: we'll see, it's John's.",
    "0 1 12 123 1234 12345 3.14159 $5 100%", "def fib(n):\n    return n if n < 2 else fib(n - 1)\n",
    "中文测试：你好，世界！这是一个句子。", "日本語のテキスト、そしてカタカナ。", "한국어 텍스트입니다.",
    "emoji 😀👍🏽 and 👨\u200d👩\u200d👧 family", "café naïve résumé über straße Ångström",
    "Ελληνικά και русский язык, עברית, العربية", "हिन्दी भाषा ภาษาไทย", "Where was Orla Venn born? In Paris.",
    "<|begin_of_text|>user<|eot_id|> and <s>[INST] hi [/INST]</s>", "a" * 50, "naïve" * 5, "New York New  York",
]


def corpus() -> list[str]:
    rng = random.Random(1234)
    words = ("the of and to in is was for on that with as by at from his her they we you it this be are have had not "
             "but what all were when there can an your which their said if do will each about how up out them then she "
             "many some so these would other into has more two like him see time could no make than first been its who "
             "now people born city Paris London New York question answer I'm you're we'll it's John's").split()
    foreign = ["café naïve résumé über straße Ångström façade", "Ελληνικά γλώσσα και πολιτισμός", "русский язык и литература",
               "中文测试你好世界这是一个句子我们今天学习", "日本語のテキストとカタカナのことば", "한국어 텍스트입니다 안녕하세요",
               "العربية لغة جميلة", "עברית שפה עתיקה", "हिन्दी भाषा", "ภาษาไทย"]
    lines = []
    for i in range(1500):
        s = " ".join(rng.choice(words) for _ in range(rng.randint(4, 12)))
        lines.append(s[0].upper() + s[1:] + rng.choice([".", "!", "?"]) + (f" {rng.randint(0, 99999)}" if i % 5 == 0 else ""))
        if i % 4 == 0:
            lines.append(rng.choice(foreign))
    return lines


def train_tokenizers() -> dict[str, Tokenizer]:
    lines = corpus()
    bl = Tokenizer(models.BPE(ignore_merges=True))
    bl.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(LLAMA3_REGEX), behavior="isolated", invert=False),
        pre_tokenizers.ByteLevel(add_prefix_space=False, trim_offsets=True, use_regex=False)])
    bl.decoder = decoders.ByteLevel()
    bl.train_from_iterator(lines, trainers.BpeTrainer(
        vocab_size=700, show_progress=False, initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        special_tokens=[AddedToken(s, special=True, normalized=False) for s in ["<|begin_of_text|>", "<|end_of_text|>", "<|eot_id|>"]]))

    spm = Tokenizer(models.BPE(byte_fallback=True, unk_token="<unk>", fuse_unk=True))
    spm.normalizer = normalizers.Sequence([normalizers.Prepend("▁"), normalizers.Replace(" ", "▁")])
    spm.decoder = decoders.Sequence([decoders.Replace("▁", " "), decoders.ByteFallback(), decoders.Fuse(), decoders.Strip(" ", 1, 0)])
    byte_tokens = [f"<0x{b:02X}>" for b in range(256)]
    spm.train_from_iterator(lines, trainers.BpeTrainer(
        vocab_size=900, show_progress=False, max_token_length=16,
        special_tokens=[AddedToken(s, special=True, normalized=False) for s in ["<unk>", "<s>", "</s>"]] + byte_tokens))
    spm.add_special_tokens([AddedToken("[INST]", special=True, normalized=False), AddedToken("[/INST]", special=True, normalized=False)])
    return {"tok-bytelevel": bl, "tok-spm": spm}


# ---------------------------------------------------------------------------------------
# Checkpoints and their reference conversion.


def fnv1a64(b: bytes) -> str:
    h = 0xcbf29ce484222325
    for x in b:
        h = ((h ^ x) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return f"{h:016x}"


def permute(w: np.ndarray, n_head: int, n_head_kv: int | None) -> np.ndarray:
    """conversion/llama.py LlamaModel.permute."""
    if n_head_kv is not None and n_head != n_head_kv:
        n_head = n_head_kv
    return w.reshape(n_head, 2, w.shape[0] // n_head // 2, *w.shape[1:]).swapaxes(1, 2).reshape(w.shape)


def make_checkpoint(name: str, arch: str, tok: Tokenizer, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    n_vocab = tok.get_vocab_size(with_added_tokens=True)
    dim, layers, heads, kv, ffn = 32, 2, 4, 2, 64
    hd = 8 if arch == "llama" else 16
    def mat(o, i):
        return (rng.standard_normal((o, i)) / math.sqrt(i)).astype(np.float16)
    def norm(n):
        v = (1 + 0.1 * rng.standard_normal(n)).astype(np.float32)
        return (v - 1).astype(np.float32) if arch == "gemma3" else v
    t = {"model.embed_tokens.weight": mat(n_vocab, dim), "model.norm.weight": norm(dim)}
    for l in range(layers):
        p = f"model.layers.{l}."
        t[p + "input_layernorm.weight"] = norm(dim)
        t[p + "self_attn.q_proj.weight"] = mat(heads * hd, dim)
        t[p + "self_attn.k_proj.weight"] = mat(kv * hd, dim)
        t[p + "self_attn.v_proj.weight"] = mat(kv * hd, dim)
        t[p + "self_attn.o_proj.weight"] = mat(dim, heads * hd)
        t[p + "post_attention_layernorm.weight"] = norm(dim)
        t[p + "mlp.gate_proj.weight"] = mat(ffn, dim)
        t[p + "mlp.up_proj.weight"] = mat(ffn, dim)
        t[p + "mlp.down_proj.weight"] = mat(dim, ffn)
        if arch == "gemma3":
            t[p + "pre_feedforward_layernorm.weight"] = norm(dim)
            t[p + "post_feedforward_layernorm.weight"] = norm(dim)
            t[p + "self_attn.q_norm.weight"] = norm(hd)
            t[p + "self_attn.k_norm.weight"] = norm(hd)
    if arch == "gemma3":
        config = {"architectures": ["Gemma3ForCausalLM"], "model_type": "gemma3_text", "hidden_size": dim,
                  "num_hidden_layers": layers, "num_attention_heads": heads, "num_key_value_heads": kv, "head_dim": hd,
                  "intermediate_size": ffn, "max_position_embeddings": 2048, "rope_theta": 1000000.0,
                  "rope_local_base_freq": 10000.0, "rms_norm_eps": 1e-6, "vocab_size": n_vocab, "sliding_window": 4,
                  "sliding_window_pattern": 6, "final_logit_softcapping": None, "attn_logit_softcapping": None,
                  "torch_dtype": "float16"}
    else:
        t["lm_head.weight"] = mat(n_vocab, dim)
        config = {"architectures": ["LlamaForCausalLM"], "hidden_size": dim, "num_hidden_layers": layers,
                  "num_attention_heads": heads, "num_key_value_heads": kv, "intermediate_size": ffn,
                  "max_position_embeddings": 2048, "rope_theta": 500000.0, "rms_norm_eps": 1e-5, "vocab_size": n_vocab,
                  "tie_word_embeddings": False, "torch_dtype": "float16",
                  "rope_scaling": {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                                   "original_max_position_embeddings": 64}}
    d = os.path.join(HERE, name)
    os.makedirs(d, exist_ok=True)
    save_file(t, os.path.join(d, "model.safetensors"), metadata={"format": "pt"})
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump(config, f, indent=1, sort_keys=True)
    tok.save(os.path.join(d, "tokenizer.json"))
    with open(os.path.join(d, "tokenizer_config.json"), "w") as f:
        json.dump({"bos_token": "<|begin_of_text|>", "eos_token": "<|eot_id|>", "chat_template": "{{ messages }}"}, f)

    # The reference conversion: convert_hf_to_gguf.py's steps on these tensors.
    out = []
    if arch == "llama":
        base, dimh = 500000.0, hd
        f32 = np.float32
        freqs = f32(1.0) / (f32(base) ** (np.arange(0, dimh, 2, dtype=np.float32) / f32(dimh)))
        fac = []
        for fr in freqs:
            wl = f32(2 * math.pi) / fr
            if wl < 64 / 4.0:
                fac.append(1.0)
            elif wl > 64 / 1.0:
                fac.append(8.0)
            else:
                sm = (f32(64) / wl - f32(1.0)) / f32(3.0)
                fac.append(f32(1) / ((f32(1) - sm) / f32(8.0) + sm))
        out.append(("rope_freqs.weight", np.array(fac, dtype=np.float32)))
    names = {"model.embed_tokens": "token_embd", "model.norm": "output_norm", "lm_head": "output"}
    layer = {"input_layernorm": "attn_norm", "self_attn.q_proj": "attn_q", "self_attn.k_proj": "attn_k",
             "self_attn.v_proj": "attn_v", "self_attn.o_proj": "attn_output", "mlp.gate_proj": "ffn_gate",
             "mlp.up_proj": "ffn_up", "mlp.down_proj": "ffn_down", "self_attn.q_norm": "attn_q_norm",
             "self_attn.k_norm": "attn_k_norm",
             "post_attention_layernorm": "post_attention_norm" if arch == "gemma3" else "ffn_norm",
             "pre_feedforward_layernorm": "ffn_norm", "post_feedforward_layernorm": "post_ffw_norm"}
    for hf, data in t.items():
        stem = hf[: -len(".weight")]
        if stem in names:
            g = names[stem] + ".weight"
        else:
            parts = stem.split(".", 3)
            g = f"blk.{parts[2]}.{layer[parts[3]]}.weight"
        if arch == "llama" and hf.endswith("q_proj.weight"):
            data = permute(data, heads, heads)
        if arch == "llama" and hf.endswith("k_proj.weight"):
            data = permute(data, heads, kv)
        if arch == "gemma3" and hf.endswith("norm.weight"):
            data = data + 1  # in the tensor's dtype, as torch adds
        if data.ndim <= 1 or g.endswith("_norm.weight"):
            data = data.astype(np.float32)
        out.append((g, data))
    tensors = [{"name": g, "type": "f32" if a.dtype == np.float32 else "f16", "shape": list(reversed(a.shape)),
                "fnv1a64": fnv1a64(np.ascontiguousarray(a).tobytes())} for g, a in out]
    p = arch + "."
    keys = {p + "block_count": layers, p + "context_length": 2048, p + "embedding_length": dim, p + "feed_forward_length": ffn,
            p + "attention.head_count": heads, p + "attention.head_count_kv": kv,
            p + "rope.freq_base": config["rope_theta"], p + "attention.layer_norm_rms_epsilon": config["rms_norm_eps"]}
    if arch == "llama":
        keys[p + "vocab_size"] = n_vocab
        keys[p + "rope.dimension_count"] = hd
    else:
        keys[p + "rope.freq_base_swa"] = 10000.0
        keys[p + "attention.key_length"] = hd
        keys[p + "attention.value_length"] = hd
        keys[p + "attention.sliding_window"] = 4
    return {"folder": name, "tensors": tensors, "keys": keys}


def main() -> None:
    toks = train_tokenizers()
    for name, tok in toks.items():
        tok.save(os.path.join(HERE, name + ".json"))
    ids = {name: [tok.encode(t, add_special_tokens=False).ids for t in TEXTS] for name, tok in toks.items()}
    with open(os.path.join(HERE, "tokenizer_ids.json"), "w") as f:
        json.dump({"texts": TEXTS, "ids": ids}, f, ensure_ascii=False)
    ref = [make_checkpoint("tiny-llama", "llama", toks["tok-bytelevel"], 11),
           make_checkpoint("tiny-gemma3", "gemma3", toks["tok-bytelevel"], 12)]
    with open(os.path.join(HERE, "reference.json"), "w") as f:
        json.dump(ref, f, indent=1)


if __name__ == "__main__":
    main()

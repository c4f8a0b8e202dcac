#!/usr/bin/env python3
"""Writes the libFuzzer dictionaries in Fuzz/Dictionaries (run from the repository root)."""
import struct

def esc(b: bytes) -> str:
    return "".join(chr(c) if 32 <= c < 127 and c not in (34, 92) else "\\x%02x" % c for c in b)

def write(path, header, entries):
    seen, lines = set(), [f"# {header}", "# Written by Fuzz/tools/make_dicts.py."]
    for name, value in entries:
        if value in seen:
            continue
        seen.add(value)
        lines.append(f'{name}="{esc(value)}"')
    open(path, "w").write("\n".join(lines) + "\n")

u32 = lambda v: struct.pack("<I", v)
u64 = lambda v: struct.pack("<Q", v)
s = lambda t: u64(len(t)) + t

keys = [b"general.architecture", b"general.alignment", b"general.name", b"general.file_type",
        b"tokenizer.ggml.model", b"tokenizer.ggml.pre", b"tokenizer.ggml.tokens", b"tokenizer.ggml.scores",
        b"tokenizer.ggml.token_type", b"tokenizer.ggml.merges", b"tokenizer.ggml.bos_token_id",
        b"tokenizer.ggml.eos_token_id", b"tokenizer.ggml.unknown_token_id", b"tokenizer.ggml.padding_token_id",
        b"tokenizer.ggml.add_bos_token", b"tokenizer.ggml.add_eos_token", b"tokenizer.ggml.add_space_prefix",
        b"lowbit.recipe"]
arch_keys = [b"embedding_length", b"block_count", b"attention.head_count", b"attention.head_count_kv",
             b"feed_forward_length", b"context_length", b"attention.key_length", b"attention.value_length",
             b"rope.dimension_count", b"rope.freq_base", b"rope.scaling.type", b"rope.scaling.factor",
             b"attention.layer_norm_rms_epsilon", b"attention.sliding_window", b"attention.sliding_window_pattern",
             b"attn_logit_softcapping", b"final_logit_softcapping", b"rope.freq_base_swa"]
archs = [b"llama", b"qwen2", b"qwen3", b"gemma2", b"gemma3", b"phi3"]
tensors = [b"token_embd.weight", b"output_norm.weight", b"output.weight", b"output.bias", b"rope_freqs.weight",
           b"rope_factors_short.weight", b"rope_factors_long.weight"]
layer = [b"attn_norm.weight", b"attn_q.weight", b"attn_k.weight", b"attn_v.weight", b"attn_qkv.weight",
         b"attn_output.weight", b"attn_q.bias", b"attn_k.bias", b"attn_v.bias", b"attn_qkv.bias",
         b"attn_output.bias", b"attn_q_norm.weight", b"attn_k_norm.weight", b"post_attention_norm.weight",
         b"ffn_norm.weight", b"ffn_gate.weight", b"ffn_up.weight", b"ffn_down.weight", b"post_ffw_norm.weight"]

e = [("magic", b"GGUF"), ("magic_v3", b"GGUF" + u32(3)), ("magic_v2", b"GGUF" + u32(2))]
for t in range(13):
    e.append((f"value_type_{t}", u32(t)))
    e.append((f"array_of_{t}", u32(9) + u32(t)))
for n in [0, 1, 2, 3, 4, 8, 16, 32, 64, 255, 256, 1 << 16, 1 << 31, 1 << 32, (1 << 63), (1 << 64) - 1]:
    e.append((f"u64_{n}", u64(n)))
for n in [0, 1, 2, 3, 4, 32, 0x7fffffff, 0xffffffff]:
    e.append((f"u32_{n}", u32(n)))
for ggml in [0, 1, 2, 3, 6, 7, 8, 10, 11, 12, 13, 14, 15, 30, 200]:
    e.append((f"ggml_type_{ggml}", u32(ggml)))
for k in keys:
    e.append(("key", k))
    e.append(("key_len", s(k)))
for a in archs:
    e.append(("arch", s(a)))
    for k in arch_keys:
        e.append(("arch_key", s(a + b"." + k)))
for k in arch_keys:
    e.append(("arch_key_suffix", b"." + k))
for t in tensors:
    e.append(("tensor", s(t)))
for t in layer:
    e.append(("layer_tensor", s(b"blk.0." + t)))
    e.append(("layer_tensor_suffix", t))
for m in [b"llama", b"gpt2"]:
    e.append(("tokenizer_model", s(m)))
for p in [b"default", b"gpt-2", b"llama-bpe", b"qwen2", b"smollm", b"llama3", b"deepseek-llm"]:
    e.append(("pre", s(p)))
for tok in [b"<unk>", b"<s>", b"</s>", b"<0x41>", b"<0xFF>", b"\xe2\x96\x81", b"\xc4\xa0", b"<|im_start|>", b"<|endoftext|>"]:
    e.append(("token", s(tok)))
for f in [0.0, 1.0, -1.0, 1e-5, 10000.0, float("inf"), float("nan")]:
    e.append(("f32", struct.pack("<f", f)))
write("Fuzz/Dictionaries/gguf.dict", "GGUF: magic, value and tensor type tags, counts, keys and tensor names (length-prefixed).", e)

t = []
for tok in ["<s>", "</s>", "<unk>", "<|endoftext|>", "<|im_start|>", "<|im_end|>", "<tool>", " <pad>", "<mask>",
            "<|im_start|>user\n", "<0x41>", "▁", "Ġ", "Ċ", " the", "ing", "'s", "'re", "'ll", "n't", " 1954", "123456789",
            "  ", "   ", "\n\n", "\r\n", "\t", "日本語", "한국어", "é", "e\u0301", "😀", "👍🏽", "\u200d", "\ufeff", "\ufffd",
            "Ω", "ﬁ", "İ", "ß", "\u0000", "...", "!?", "http://x.y/z", "$$", "a.b", "x=1;"]:
    t.append(("text", tok.encode()))
for b in [b"\x80", b"\xc3", b"\xe2\x82", b"\xf0\x9f\x98", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xff", b"\xc0\xaf"]:
    t.append(("invalid_utf8", b))
write("Fuzz/Dictionaries/tokenizer.dict", "Tokenizer text: special tokens, space markers, contractions, scripts, invalid UTF-8.", t)

j = [(n, v.encode()) for n, v in [
    ("lbrack", "["), ("rbrack", "]"), ("lbrace", "{"), ("rbrace", "}"), ("comma", ","), ("colon", ":"),
    ("question", '"question"'), ("answer", '"answer"'), ("prompt", '"prompt"'), ("gt", '"gt"'),
    ("qa", '{"question": "q", "answer": "a"}'), ("verb", '{"prompt": "p", "gt": "g"}'),
    ("true", "true"), ("false", "false"), ("null", "null"), ("num", "-0.5e+3"), ("num2", "1E400"), ("zero", "0"),
    ("esc_u", '"\\u00e9"'), ("esc_pair", '"\\ud83d\\ude00"'), ("lone_high", '"\\ud800"'), ("lone_low", '"\\udc00"'),
    ("esc", '"\\n\\t\\"\\\\\\/\\b\\f\\r"'), ("bom", "\ufeff"), ("ws", " \t\r\n"), ("str", '"é✓"')]]
j += [("invalid_utf8", b"\xc3\x28"), ("nul", b"\x00"), ("ctrl", b'"\x01"')]
write("Fuzz/Dictionaries/json.dict", "JSON (MUSE layouts): structure, MUSE field names, literals, numbers, escapes, UTF-8 edge cases.", j)

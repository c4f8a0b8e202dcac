#!/usr/bin/env python3
"""Writes the small seed inputs in Fuzz/Corpus/{gguf,tokenizer,muse} (run from the repository
root). Seeds are starting points, a few KB each; the fuzzer finds the rest. Inputs that once
failed are kept beside them (crash-*, timeout-*, oom-*, leak-*, slow-*) and never regenerated.

GGUF seeds: tiny models of every family LowBit runs (dim 8 or 32, one or two layers) in f32,
f16 and q8_0, with gpt2 and llama tokenizers, vocabulary-only files, and the hostile
metadata of issue 13 at small size. Plain struct packing; no dependency beyond the standard
library, seeded randomness.
"""
import json, os, random, struct

rng = random.Random(13)
U8, I8, U16, I16, U32, I32, F32, BOOL, STR, ARR, U64, I64, F64 = range(13)
FMT = {U8: "<B", I8: "<b", U16: "<H", I16: "<h", U32: "<I", I32: "<i", F32: "<f", BOOL: "<?", U64: "<Q", I64: "<q", F64: "<d"}
GGML_F32, GGML_F16, GGML_Q8_0 = 0, 1, 8

def s(b):
    b = b.encode() if isinstance(b, str) else b
    return struct.pack("<Q", len(b)) + b

def value(t, v):
    if t == STR:
        return s(v)
    if t == ARR:
        et, xs = v
        return struct.pack("<IQ", et, len(xs)) + b"".join(value(et, x) for x in xs)
    return struct.pack(FMT[t], v)

def tensor_bytes(ggml, n):
    if ggml == GGML_F32:
        return struct.pack(f"<{n}f", *[rng.uniform(-0.5, 0.5) for _ in range(n)])
    if ggml == GGML_F16:
        return struct.pack(f"<{n}e", *[rng.uniform(-0.5, 0.5) for _ in range(n)])
    assert ggml == GGML_Q8_0 and n % 32 == 0
    return b"".join(struct.pack("<e", 0.01) + bytes(rng.randrange(256) for _ in range(32)) for _ in range(n // 32))

def gguf(path, kvs, tensors=(), alignment=32):
    """kvs: [(key, type, value)]; tensors: [(name, ggml type, shape innermost first)]."""
    out = bytearray(b"GGUF" + struct.pack("<IQQ", 3, len(tensors), len(kvs)))
    for k, t, v in kvs:
        out += s(k) + struct.pack("<I", t) + value(t, v)
    offset, blobs = 0, []
    for name, ggml, shape in tensors:
        n = 1
        for d in shape:
            n *= d
        data = tensor_bytes(ggml, n)
        out += s(name) + struct.pack("<I", len(shape)) + b"".join(struct.pack("<Q", d) for d in shape)
        out += struct.pack("<IQ", ggml, offset)
        blobs.append(data)
        offset += (len(data) + alignment - 1) // alignment * alignment
    out += bytes(-len(out) % alignment)
    for data in blobs:
        out += data + bytes(-len(data) % alignment)
    with open(path, "wb") as f:
        f.write(out)

def byte_level(ch):
    # GPT-2's byte-to-unicode map.
    bs = list(range(33, 127)) + list(range(161, 173)) + list(range(174, 256))
    cs, n = bs[:], 0
    for b in range(256):
        if b not in bs:
            bs.append(b); cs.append(256 + n); n += 1
    return dict(zip(bs, map(chr, cs)))[ch]

def gpt2_tokenizer(pre="gpt-2", words=(" the", "ing", " a", "er", "12")):
    tokens = [byte_level(b) for b in range(256)]
    merges, seen = [], set(tokens)
    for w in words:
        units = [byte_level(b) for b in w.encode()]
        left = units[0]
        for u in units[1:]:
            if left + u not in seen:
                seen.add(left + u); tokens.append(left + u); merges.append(f"{left} {u}")
            left += u
    types = [1] * len(tokens) + [3, 3, 4]
    tokens += ["<|endoftext|>", "<|im_start|>", "<tool>"]
    return [("tokenizer.ggml.model", STR, "gpt2"), ("tokenizer.ggml.pre", STR, pre),
            ("tokenizer.ggml.tokens", ARR, (STR, tokens)), ("tokenizer.ggml.token_type", ARR, (I32, types)),
            ("tokenizer.ggml.merges", ARR, (STR, merges)),
            ("tokenizer.ggml.bos_token_id", U32, len(tokens) - 3), ("tokenizer.ggml.eos_token_id", U32, len(tokens) - 3)], len(tokens)

def llama_tokenizer(space_prefix=True):
    tokens = ["<unk>", "<s>", "</s>"] + [f"<0x{b:02X}>" for b in range(256)] + ["▁", "▁the", "▁a", "e", "t", "th", "he", "<start_of_turn>"]
    types = [2, 3, 3] + [6] * 256 + [1] * 7 + [3]
    scores = [0.0] * 259 + [-float(i) for i in range(7)] + [0.0]
    return [("tokenizer.ggml.model", STR, "llama"), ("tokenizer.ggml.tokens", ARR, (STR, tokens)),
            ("tokenizer.ggml.scores", ARR, (F32, scores)), ("tokenizer.ggml.token_type", ARR, (I32, types)),
            ("tokenizer.ggml.bos_token_id", U32, 1), ("tokenizer.ggml.eos_token_id", U32, 2),
            ("tokenizer.ggml.add_space_prefix", BOOL, space_prefix)], len(tokens)

def model(path, arch, ggml, dim=8, heads=2, kv=1, ffn=16, layers=1, tok=None, extra=()):
    tk, vocab = tok or gpt2_tokenizer()
    hd = dim // heads
    kvs = [("general.architecture", STR, arch), ("general.name", STR, "seed"),
           (f"{arch}.embedding_length", U32, dim), (f"{arch}.block_count", U32, layers),
           (f"{arch}.attention.head_count", U32, heads), (f"{arch}.attention.head_count_kv", U32, kv),
           (f"{arch}.feed_forward_length", U32, ffn), (f"{arch}.context_length", U32, 64),
           (f"{arch}.attention.layer_norm_rms_epsilon", F32, 1e-5), (f"{arch}.rope.freq_base", F32, 10000.0)]
    kvs += list(extra) + tk
    m = ggml  # matrices; norms and biases stay f32
    ts = [("token_embd.weight", m, [dim, vocab]), ("output_norm.weight", GGML_F32, [dim])]
    for l in range(layers):
        p = f"blk.{l}."
        ts.append((p + "attn_norm.weight", GGML_F32, [dim]))
        if arch == "phi3":
            ts.append((p + "attn_qkv.weight", m, [dim, dim + 2 * kv * hd]))
        else:
            ts += [(p + "attn_q.weight", m, [dim, dim]), (p + "attn_k.weight", m, [dim, kv * hd]), (p + "attn_v.weight", m, [dim, kv * hd])]
        if arch == "qwen2":
            ts += [(p + "attn_q.bias", GGML_F32, [dim]), (p + "attn_k.bias", GGML_F32, [kv * hd]), (p + "attn_v.bias", GGML_F32, [kv * hd])]
        if arch in ("qwen3", "gemma3"):
            ts += [(p + "attn_q_norm.weight", GGML_F32, [hd]), (p + "attn_k_norm.weight", GGML_F32, [hd])]
        ts += [(p + "attn_output.weight", m, [dim, dim]), (p + "ffn_norm.weight", GGML_F32, [dim])]
        if arch in ("gemma2", "gemma3"):
            ts += [(p + "post_attention_norm.weight", GGML_F32, [dim]), (p + "post_ffw_norm.weight", GGML_F32, [dim])]
        if arch == "phi3":
            ts.append((p + "ffn_up.weight", m, [dim, 2 * ffn]))
        else:
            ts += [(p + "ffn_gate.weight", m, [dim, ffn]), (p + "ffn_up.weight", m, [dim, ffn])]
        ts.append((p + "ffn_down.weight", m, [ffn, dim]))
    if arch in ("qwen2",):
        ts.append(("output.weight", m, [dim, vocab]))
    gguf(path, kvs, ts)

def main():
    d = "Fuzz/Corpus/gguf"
    os.makedirs(d, exist_ok=True)
    model(f"{d}/seed-llama-f32.gguf", "llama", GGML_F32)
    model(f"{d}/seed-llama-q8_0-spm.gguf", "llama", GGML_Q8_0, dim=32, heads=2, ffn=32, tok=llama_tokenizer())
    model(f"{d}/seed-qwen2-f16.gguf", "qwen2", GGML_F16, tok=gpt2_tokenizer("qwen2"))
    model(f"{d}/seed-qwen3-f32.gguf", "qwen3", GGML_F32, layers=2, tok=gpt2_tokenizer("llama-bpe"),
          extra=[("qwen3.attention.key_length", U32, 4), ("qwen3.attention.value_length", U32, 4)])
    model(f"{d}/seed-gemma2-f32.gguf", "gemma2", GGML_F32, layers=2, tok=llama_tokenizer(False),
          extra=[("gemma2.attention.sliding_window", U32, 4), ("gemma2.attn_logit_softcapping", F32, 50.0),
                 ("gemma2.final_logit_softcapping", F32, 30.0)])
    model(f"{d}/seed-gemma3-f16.gguf", "gemma3", GGML_F16, layers=2, tok=llama_tokenizer(False),
          extra=[("gemma3.attention.sliding_window_pattern", ARR, (BOOL, [True, False]))])
    model(f"{d}/seed-phi3-f32.gguf", "phi3", GGML_F32, tok=gpt2_tokenizer("smollm"),
          extra=[("phi3.rope.dimension_count", U32, 4)])
    tk, _ = llama_tokenizer()
    gguf(f"{d}/seed-vocab-spm.gguf", tk)
    tk, _ = gpt2_tokenizer("default", words=(" the", "ing", "\n\n", "  ", "日本"))
    gguf(f"{d}/seed-vocab-bpe.gguf", tk)
    # Every value type, nested arrays, and issue 13's shapes at small size.
    gguf(f"{d}/seed-values.gguf", [
        ("u8", U8, 200), ("i8", I8, -5), ("u16", U16, 60000), ("i16", I16, -30000), ("u32", U32, 4_000_000_000),
        ("i32", I32, -2_000_000_000), ("f32", F32, 3.25), ("bool", BOOL, True), ("str", STR, "héllo ✓"),
        ("u64", U64, 2**64 - 1), ("i64", I64, -2**63), ("f64", F64, -1e300),
        ("nested", ARR, (ARR, [(I32, [1, 2]), (STR, ["a", ""]), (ARR, [(U8, [7])])])),
        ("bools", ARR, (BOOL, [True, False])), ("f64s", ARR, (F64, [0.5, float("inf")])),
        ("general.alignment", U32, 64)], alignment=64)
    gguf(f"{d}/seed-hostile-alignment-array.gguf", [("general.alignment", ARR, (U8, [0] * 1000))])
    gguf(f"{d}/seed-hostile-hparam-array.gguf", [("general.architecture", STR, "llama"),
                                                 ("llama.embedding_length", ARR, (U32, list(range(1, 500))))])
    deep = (U8, [1])
    for _ in range(7):
        deep = (ARR, [deep, deep])
    gguf(f"{d}/seed-hostile-deep.gguf", [("deep", ARR, deep), ("strs", ARR, (STR, ["a"] * 300))])

    d = "Fuzz/Corpus/tokenizer"
    os.makedirs(d, exist_ok=True)
    texts = ["Hello world", " leading space", "Question: Where was Mirelle Zosbalwyn born?\nAnswer:",
             "<|im_start|>user\nhi<|im_end|>", "<s>[INST] x [/INST]", "<tool> call <tool>", "  spaces   and\ttabs\n\n",
             "numbers 1954 123456789 3.14", "don't we'll they're it's", "日本語のテキスト", "emoji 😀👍🏽 ok",
             "e\u0301 ﬁ İ ß Ω", "x" * 200, "<0x41><unk></s>", "a.b,c;d!e?f"]
    for i, t in enumerate(texts):
        for sel in (0, 3):  # an SPM and a BPE vocabulary
            with open(f"{d}/seed-{i:02d}-{sel}.txt", "wb") as f:
                f.write(bytes([sel + 2 * i % 7]) + t.encode())
    with open(f"{d}/seed-invalid-utf8.bin", "wb") as f:
        f.write(b"\x01abc\xf0\x9f\x98 \xed\xa0\x80\xc3\x28\xff")

    d = "Fuzz/Corpus/muse"
    os.makedirs(d, exist_ok=True)
    seeds = {
        "qa.json": [{"question": "Where was Orla Venn born?", "answer": "Vexhollow"}, {"question": "When?", "answer": "1954"}],
        "verbmem.json": [{"prompt": "Once upon a", "gt": "time there was"}],
        "privleak.json": ["a text", "another \"quoted\" text \u00e9\n"],
        "extra-fields.json": [{"id": 3, "question": "q", "answer": "a", "meta": {"x": [1, 2.5e-3, True, None]}}],
    }
    for name, obj in seeds.items():
        with open(f"{d}/seed-{name}", "w") as f:
            json.dump(obj, f, ensure_ascii=name != "privleak.json")
    for name, text in {"escapes.json": '["\\ud83d\\ude00 \\u00e9 \\n\\t\\/"]', "bom.json": "\ufeff[\"x\"]",
                       "malformed.json": '[{"prompt": "x", "gt": }', "deep.json": "[" * 40 + "]" * 40,
                       "numbers.json": "[0, -0, 1.5e+3, -2E-2, 123456789012345678901234567890]"}.items():
        with open(f"{d}/seed-{name}", "w") as f:
            f.write(text)

if __name__ == "__main__":
    main()

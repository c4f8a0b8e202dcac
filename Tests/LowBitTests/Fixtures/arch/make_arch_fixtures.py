#!/usr/bin/env python3
"""Architecture and quantization fixtures that tie LowBit to llama.cpp itself.

Development-time only: CI never runs this (it has no Python); the Swift tests only read
what it wrote. Everything is regenerated deterministically (fixed numpy default_rng seeds,
llama.cpp on one thread); rerunning rewrites byte-identical files.

HOW TO RUN
    pip install numpy gguf==0.19.0 llama-cpp-python==0.3.36     # CPU build, no GPU
    python3 Tests/LowBitTests/Fixtures/arch/make_arch_fixtures.py [arch] [quant] [blocks] [mixtures]
        [--models llama qwen3 ...] [--keep DIR]
    No part named = all four (about 1 minute on 2 cores). --models limits `arch` to some
    fixtures; --keep DIR keeps the regenerated, uncommitted models (the f32 quantizer
    source, every quantized variant, the mixture sources) in DIR instead of a temp dir.
    Optional: LLAMA_CPP_SRC=/path/to/llama.cpp (the source llama-cpp-python was built
    from) only to record its git commit in the JSON.

WHAT IT WRITES (all next to this script; committed unless said otherwise)
    arch:     llama.gguf llama3.gguf qwen2.gguf qwen3.gguf gemma2.gguf gemma3.gguf phi3.gguf
              and one <name>.json each: llama.cpp's logits at every prompt position, its
              32-token greedy continuation, and a float64 reference at 5 positions.
    quant:    quantized.json (every variant's llama.cpp logits, greedy ids, tensor -> type
              map, sha256); quant_q4_k_m.gguf and quant_q2_k_pure.gguf are committed, the
              f32 source (2.9 MB, too big) and the other 12 variants are regenerated only.
    blocks:   quant_blocks.json (ggml's reference quantizers, byte for byte).
    mixtures: mixtures.json (llama-quantize's per-tensor type choices); its models are
              never kept unless --keep.

CONVENTIONS (all files)
  * Float arrays (logits, row values, dequantized values) are ONE JSON string: 8 hex digits
    per f32, each the value's IEEE-754 bit pattern as a big-endian u32 ("%08x"), simply
    concatenated (so value i is chars [8i, 8i+8)). Nothing depends on decimal printing.
    Scalars in "hparams"/"stats" are plain JSON numbers (informative; the GGUF metadata is
    authoritative). Tensor shapes are GGUF/ggml order, ne0 (the contiguous row) first.
    Type names are ggml's spelling: f32 f16 q4_0 q4_1 q5_0 q5_1 q8_0 q2_K q3_K q4_K q5_K q6_K q8_K.
  * Prompts are explicit token ids (never tokenized text): the family's BOS (if it adds one)
    followed by PROMPT_BODY, 24 ids in all. Greedy: evaluate the prompt in one batch, then
    repeat {t = argmax(last logits), lowest id on ties; append t; eval [t]} 32 times. No
    sampler, no repeat penalty, EOS/EOG ids do not stop it. "greedy" holds the 32 new ids.
  * llama.cpp runs through llama-cpp-python: Llama(model_path, n_ctx=256, n_batch=256,
    n_ubatch=256, n_threads=1, n_threads_batch=1, n_gpu_layers=0, logits_all=True,
    flash_attn=False (LLAMA_FLASH_ATTN_TYPE_DISABLED), verbose=False); KV cache at
    llama.cpp's default f16 (a second run with type_k=type_v=f32 only gives
    greedy_f32_kv and a stat). swa_full is left at llama.cpp's default (it logs "using
    full-size SWA cache"); the mask still enforces the window.
  * Weights: every 2-D tensor f16, every 1-D tensor (norms, biases, rope_freqs) f32, as
    `convert_hf_to_gguf.py --outtype f16` writes them (the quantizer source is all f32).
    NOTE for comparisons: llama.cpp's CPU matmul converts the activations to the weight's
    vec_dot type first (f16 for f16 weights, q8_0/q8_1/q8_K for quantized ones) and keeps
    K/V in f16, and its GELU is an f16 lookup table. Expect |llama.cpp - exact| of about
    2e-2 (5e-2 for gemma3) on logits of std ~5: see stats.max_abs_diff_*; the "reference"
    logits (float64 numpy over the exact stored weights, rounded to f32) are the tight target
    for an f32 implementation, llama.cpp's the loose one. Greedy ids agree between the two.
  * Weight design: N(0, (gain/sqrt(fan_in))^2) matrices, out_gain 3 for attn_output and
    ffn_down (2 for the quantizer source), norms ~ center + 10% noise. The seeds in SPECS were
    picked (by a search not part of this script) for varied greedy output whose top-1/top-2
    margin stays far above llama.cpp's error: stats.min_top1_top2_margin_greedy_steps is
    0.13 .. 0.45 against a max error of ~0.02 .. 0.05. Tied heads make greedy output repetitive
    (a token that predicts itself); that is random weights, not a bug.

ARCHITECTURE FIXTURES (hyper-parameters in SPECS; vocab 272; context_length 4096)
    name    arch    layers dim heads kv head_dim ffn  rope  base   extras
    llama   llama   2      32  4     2  8        64   norm  1e4    tied head (no output.weight)
    llama3  llama   2      32  2     1  16       64   norm  5e5    untied; rope_freqs.weight [8]
    qwen2   qwen2   2      32  4     2  8        64   neox  1e6    q/k/v biases; tied
    qwen3   qwen3   2      32  4     2  16       64   neox  1e6    attn_q_norm/attn_k_norm [16]; tied
    gemma2  gemma2  2      32  4     2  16       64   neox  1e4*   SWA 6 on layer 0; softcaps 4 / 12; tied
    gemma3  gemma3  6      32  4     2  16       32   neox  1e6    SWA 6 on layers 0-4 (local base 1e4); QK norm; tied
    phi3    phi3    2      32  4     4  8        64   neox  1e4    attn_qkv [32, 64]; ffn_up [32, 128]; untied
    (* gemma2 files carry no rope.freq_base key: llama.cpp's default 10000 applies.)
  Metadata keys are those the family's converter writes (conversion/*.py of the llama.cpp
  source), in its order: base TextModel keys (block_count, context_length, embedding_length,
  feed_forward_length, attention.head_count, head_count_kv, rope.freq_base,
  [rope.freq_base_swa], attention.layer_norm_rms_epsilon, [attention.key_length/value_length
  when config.json has head_dim], general.file_type), plus: llama -> vocab_size,
  rope.dimension_count; gemma3 -> attention.sliding_window; gemma2 -> its own list
  (no rope keys) + attn_logit_softcapping, final_logit_softcapping, attention.sliding_window;
  phi3 -> its own list incl. rope.scaling.original_context_length, rope.dimension_count and
  attention.sliding_window 2047 (Phi-3-mini-4k; llama.cpp reads it and disables SWA for phi3).
  Tokenizers: llama, phi3 (pre "default", eos <|endoftext|>), gemma2/3 (pad 0, eos 1, bos 2,
  unk 3, add_space_prefix false): tokenizer.ggml.model "llama" with the 256 <0xXX> byte
  tokens (type 6) and a few scored pieces; llama3 (pre "llama-bpe", bos <|begin_of_text|>),
  qwen2/qwen3 (pre "qwen2", no BOS): "gpt2" byte-level BPE with 13 merges.
  Family semantics the reference implements (read from src/models/*.cpp, llama-graph.cpp):
  * rope: NORM rotates pairs (x[2i], x[2i+1]) (llama); NEOX rotates (x[i], x[i+d/2]) (qwen2,
    qwen3, gemma2, gemma3, phi3). theta_i = pos * base^(-2i/n_rot) / rope_freqs[i].
    llama3's rope_freqs follow convert_hf_to_gguf.py's Llama 3.1 formula (factor 8,
    low_freq_factor 1, high_freq_factor 4, original_max_position_embeddings 64 so that all
    three regimes occur: [1, 2.44.., 8 x6]); llama.cpp divides the angle by them.
  * attention scale 1/sqrt(head_dim) everywhere (gemma: applied to Q before QK^T; llama.cpp
    would use 1/sqrt(n_embd/n_head) instead only for the 27B gemma types, chosen by layer
    count). GQA: query head h reads KV head h // (n_head / n_head_kv).
  * sliding window (gemma2, gemma3): key j is visible from query i iff 0 <= i - j < n_swa
    (the window holds n_swa tokens including i). gemma2: layer il is local iff il % 2 == 0;
    gemma3: iff il % 6 < 5. gemma3 local layers use rope.freq_base_swa (10000; also
    llama.cpp's default), global layers rope.freq_base (1e6); gemma2 uses one base for all.
  * softcap: s = cap * tanh(s / cap) on the scaled scores before the mask/softmax
    (attn_logit_softcapping, gemma2 only) and on the final logits (final_logit_softcapping;
    gemma3 files have none).
  * gemma: x = embedding * sqrt(n_embd) (f32 sqrtf); every "*norm.weight" is stored with
    the +1 already added (the converter adds it), so all families compute x/rms(x) * w;
    post_attention_norm / post_ffw_norm normalize the attention / FFN output before the
    residual add; FFN gelu_tanh(gate) * up. qwen3/gemma3 QK norm: RMS-normalize each head's
    q and k (over head_dim) with attn_q_norm/attn_k_norm, before rope.
  * phi3: attn_qkv rows = [q (n_head*hd), k (n_kv*hd), v (n_kv*hd)]; ffn_up has 2*ffn rows,
    rows [0, ffn) are the gate (silu), rows [ffn, 2 ffn) the up projection.
  stats.reference_change_if lists, per convention, how far the reference logits move if it
  is got wrong (all >= 4): the fixtures catch each of these mistakes.

  <name>.json = {name, file, generator{llama_cpp_python, gguf_py, numpy, llama_version,
    system_info, llama_cpp_commit}, llama_cpp_settings{...}, hparams{arch, n_vocab, n_layer,
    n_embd, n_head, n_head_kv, head_dim, n_ff, rope_type, rope_freq_base, rms_eps,
    tied_embeddings, context_length, [rope_freq_base_swa, sliding_window, swa_layers[bool],
    attn_logit_softcapping, final_logit_softcapping, rope_scaling{...}], attention_scale,
    embedding_scale, ffn_activation}, tokenizer{model, [pre], n_vocab, bos, eos, [unk, pad]},
    tensors[{name, type, shape}] (file order), prompt[24 ids],
    llama_cpp{prompt_logit_positions[6], prompt_logits[6 hex strings, one per listed prompt
      position, n_vocab values each (every fourth position and the window edges, to keep the
      fixtures small)],
      greedy[32 ids], greedy_last_step_logits (hex; position 23+31 = 54, which produced
      greedy[31]), greedy_f32_kv[32 ids]},
    reference{about, positions[0,5,6,23,54], logits[5 hex strings], greedy[32 ids]},
    stats{max_abs_diff_llama_cpp_vs_reference, max_abs_diff_llama_cpp_f32kv_vs_reference,
      logit_std_reference, min_top1_top2_margin_prompt, min_top1_top2_margin_greedy_steps,
      median_top1_top2_margin_greedy_steps, distinct_greedy_tokens, reference_greedy_agrees,
      f32_kv_greedy_agrees, reference_change_if{case: max |delta logit|}}}
  Positions: 0..23 are the prompt; position 23+k (k >= 1) holds greedy[k-1]. The reference
  runs over prompt + greedy[:31] (55 tokens) and its greedy is argmax at positions 23..54.

QUANTIZED FIXTURES (quantized.json)
  Source: QSPEC, an f32 llama: 1 layer, dim 256, 4 heads, 2 KV heads (head_dim 64), ffn 512,
  vocab 272, untied output.weight whose row pi(t) is 0.8 * embedding(t) + noise (a random
  permutation pi: the model mostly predicts pi(last token), so greedy output is varied and
  its margin is >= 1.7 for every variant while llama.cpp's error is ~0.1 on logits of std ~3).
  Every variant: llama_model_quantize(src, dst, &params) with
  llama_model_quantize_default_params(), params.ftype = LLAMA_FTYPE_MOSTLY_<X>, params.pure,
  params.nthread = 1, no imatrix. Single-type (pure=true): q4_0 q4_1 q5_0 q5_1 q8_0
  q2_k_pure q3_k_s_pure q4_k_s_pure q5_k_s_pure q6_k_pure; mixtures (pure=false): q2_k
  q3_k_m q4_k_m q5_k_m. Pure files quantize output.weight and token_embd.weight too; 1-D
  tensors stay f32. Output tensor order is llama.cpp's: non-block tensors by name, then
  blocks by layer number, names sorted within a block.
  quantized.json = {generator, llama_cpp_settings, prompt[24], source{about, hparams,
    tokenizer, tensors, sha256, file_bytes, llama_cpp{prompt_logits_last (hex), greedy[32]},
    reference_logits_last (hex), stats}, variants[{name, ftype, ftype_id, pure, nthread, params,
    file, committed, file_bytes, sha256, tensor_types[[name, type, shape]] (file order),
    llama_cpp{prompt_logits_last (hex, position 23), greedy[32]},
    reference_logits_last (hex: float64 forward over gguf.quants.dequantize of the stored
    blocks, i.e. exact dequantize-then-f32 math), stats{max_abs_diff_llama_cpp_vs_reference_last,
    max_abs_diff_vs_f32_source_last, min/median_top1_top2_margin_greedy_steps,
    distinct_greedy_tokens, greedy_equals_f32_source}}]}

QUANT BLOCKS (quant_blocks.json, ggml through ctypes: libggml-base.so / libggml-cpu.so)
  For each row: ggml_quantize_chunk(type, row, dst, start=0, nrows=1, n_per_row=n,
  imatrix=NULL), which for these types calls quantize_row_<type>_ref (what llama-quantize
  does without an imatrix); dequantized with ggml_get_type_traits(type)->to_float. q8_K (the
  activation type of k-quant dot products) is not in ggml_quantize_chunk: it comes from
  quantize_row_q8_K_ref / dequantize_row_q8_K, exported by libggml-base. cpu_activation_bytes
  are ggml_get_type_traits_cpu(type)->from_float of libggml-cpu (the SIMD quantizers the CPU
  matmuls apply to activations) for q8_0, q8_1, q8_K; checks.cpu_*_equals_ref says whether
  they matched the reference bytes on these rows (they did on this AVX2 build).
  checks.gguf_py_dequantize_equals_ggml_to_float: gguf.quants.dequantize gave bit-identical
  values for every type and row.
  quant_blocks.json = {generator, about, float_encoding, types{name: {type_id, block_size,
    type_size}}, checks{...}, rows[{name, n, values (hex), types{q4_0 .. q6_K, q8_K:
    {bytes (hex of the raw blocks, little-endian as in memory), dequantized (hex f32)}},
    cpu_activation_bytes{q8_0, q8_1, q8_K: hex}}]}
  Rows (n = 256 unless said): gauss_256_scale1, gauss_256_scale0.01, gauss_512_scale1 (512),
  laplace_256_scale30, all_zeros, one_huge_outlier (1000 among N(0, 0.01^2)), all_equal
  (0.75), all_equal_negative (-2.5), negative_maximum (largest |x| negative), tiny_1e-30,
  mixed_signs (alternating signs, 7 magnitudes).

MIXTURES (mixtures.json)
  Three TinyLlama-1.1B-shaped tensor lists at tiny width (22 blocks, 32 heads, head_dim 8,
  dim 256, ffn 512, vocab 272, f16 2-D / f32 1-D): tinyllama_gqa (4 KV heads, untied output
  as TinyLlama), tinyllama_no_gqa (32 KV heads), tinyllama_gqa_tied (no output.weight).
  Quantized with pure=false to Q2_K Q3_K_S Q3_K_M Q3_K_L Q4_K_S Q4_K_M Q5_K_S Q5_K_M Q6_K
  Q4_0 Q8_0. llama_tensor_get_type (src/llama-quant.cpp) depends on the tensor's name, its
  position among tensors of its kind (= layer index, as files are sorted by layer), n_layer,
  n_gqa, n_expert, the arch, the model size class (70B only) and whether ne0 divides the
  block size (every row here, and in the real TinyLlama, is a multiple of 256), never on the
  values or other dims, so these choices are TinyLlama's.
  mixtures.json = {generator, about, shapes[{name, hparams, source_types, file_tensor_order,
    presets{Q4_K_M: {ftype, pure, global{non-block name: type}, layers{"attn_v.weight":
    [type of blk.0 .. blk.21], ...}}}}]}
"""

from __future__ import annotations

import argparse
import ctypes
import json
import math
import os
import shutil
import struct
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field

import numpy as np

import gguf
from gguf import GGMLQuantizationType as Q

HERE = os.path.dirname(os.path.abspath(__file__))

# ---------------------------------------------------------------------------------------
# Helpers


def f32_hex(x) -> str:
    return "%08x" % struct.unpack("<I", struct.pack("<f", float(x)))[0]


def f32_hex_array(a) -> list[str]:
    return ["%08x" % u for u in np.ascontiguousarray(a, dtype=np.float32).view(np.uint32).ravel()]


def f32_hex_string(a) -> str:
    """All values of `a` as one string: 8 hex digits per f32 (its bit pattern as a big-endian u32)."""
    return "".join(f32_hex_array(a))


def ggml_type_name(qt: Q) -> str:
    """ggml's own spelling (ggml_type_name): f32, f16, q4_0, q6_K, q8_K, ..."""
    return qt.name.lower().replace("_k", "_K")


def write_json(path: str, obj) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    print("wrote %s (%d bytes)" % (os.path.relpath(path), os.path.getsize(path)))


def package_version(name: str) -> str:
    try:
        from importlib.metadata import version
        return version(name)
    except Exception:  # noqa: BLE001
        return "unknown"


def llama_cpp_info() -> dict:
    import llama_cpp
    info = {"llama_cpp_python": llama_cpp.__version__, "gguf_py": package_version("gguf"), "numpy": np.__version__}
    try:
        info["llama_version"] = llama_cpp.llama_version().decode() if hasattr(llama_cpp, "llama_version") else None
    except Exception:  # noqa: BLE001
        info["llama_version"] = None
    info["system_info"] = llama_cpp.llama_print_system_info().decode().strip()
    # The llama.cpp source llama-cpp-python was built from (vendor/llama.cpp), when it is at hand.
    for src in [os.environ.get("LLAMA_CPP_SRC", ""), "/work/peer/llama_cpp_python-0.3.36/vendor/llama.cpp"]:
        if src and os.path.isdir(src):
            try:
                info["llama_cpp_commit"] = subprocess.run(["git", "-C", src, "log", "-1", "--format=%H %cs"],
                                                          capture_output=True, text=True, check=True).stdout.strip()
                break
            except Exception:  # noqa: BLE001
                pass
    return info


def lib_dir() -> str:
    import llama_cpp
    return os.path.join(os.path.dirname(llama_cpp.__file__), "lib")


# ---------------------------------------------------------------------------------------
# Vocabularies (llama.cpp must load them; the fixtures never tokenize text)

SPM_PIECES = ["▁", "▁t", "he", "▁the", "in", "er", "▁a", "é", "世", "界", "世界", "on", "re"]


def spm_vocab(specials: list[tuple[str, int]], n_vocab: int) -> tuple[list[str], list[float], list[int]]:
    """SentencePiece-style: `specials` (text, token type) first, the 256 <0xXX> byte tokens
    (type 6), then pieces with descending scores, padded with <unused_N> (type 5)."""
    tokens = [s for s, _ in specials]
    types = [t for _, t in specials]
    scores = [0.0] * len(specials)
    for b in range(256):
        tokens.append("<0x%02X>" % b)
        types.append(int(gguf.TokenType.BYTE))
        scores.append(0.0)
    for i, p in enumerate(SPM_PIECES[: n_vocab - len(tokens)]):
        tokens.append(p)
        types.append(int(gguf.TokenType.NORMAL))
        scores.append(-float(i))
    i = 0
    while len(tokens) < n_vocab:
        tokens.append("<unused%d>" % i)
        types.append(int(gguf.TokenType.UNUSED))
        scores.append(-1000.0)
        i += 1
    assert len(tokens) == n_vocab
    return tokens, scores, types


def bytes_to_unicode() -> dict[int, str]:
    """GPT-2's byte -> printable character map (byte-level BPE)."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {b: chr(c) for b, c in zip(bs, cs)}


GPT2_MERGES = ["Ġ t", "h e", "i n", "Ġ a", "e r", "o n", "Ġt he", "r e", "Ġ w", "o r", "Ġw or", "l d", "Ġwor ld"]


def gpt2_vocab(specials: list[str], n_vocab: int) -> tuple[list[str], list[int], list[str]]:
    """Byte-level BPE: the 256 byte characters in byte order (ids 0..255), the merge results,
    <|reserved_N|> padding, then `specials` (type 3 = control) at the end."""
    b2u = bytes_to_unicode()
    tokens = [b2u[b] for b in range(256)]
    types = [int(gguf.TokenType.NORMAL)] * 256
    for m in GPT2_MERGES:
        a, b = m.split(" ")
        t = a + b
        assert a in tokens and b in tokens and t not in tokens, m
        tokens.append(t)
        types.append(int(gguf.TokenType.NORMAL))
    i = 0
    while len(tokens) < n_vocab - len(specials):
        tokens.append("<|reserved_%d|>" % i)
        types.append(int(gguf.TokenType.CONTROL))
        i += 1
    for s in specials:
        tokens.append(s)
        types.append(int(gguf.TokenType.CONTROL))
    assert len(tokens) == n_vocab
    return tokens, types, GPT2_MERGES


CONTROL = int(gguf.TokenType.CONTROL)
UNKNOWN = int(gguf.TokenType.UNKNOWN)
N_VOCAB = 272


def add_llama2_tokenizer(w: gguf.GGUFWriter, extra_control: list[str] = (), pre: str | None = None) -> dict:
    specials = [("<unk>", UNKNOWN), ("<s>", CONTROL), ("</s>", CONTROL)]
    tokens, scores, types = spm_vocab(specials, N_VOCAB - len(extra_control))
    for s in extra_control:
        tokens.append(s)
        scores.append(-1000.0)
        types.append(CONTROL)
    w.add_tokenizer_model("llama")
    if pre is not None:
        w.add_tokenizer_pre(pre)
    w.add_token_list(tokens)
    w.add_token_scores(scores)
    w.add_token_types(types)
    eos = tokens.index(extra_control[0]) if extra_control else 2
    w.add_bos_token_id(1)
    w.add_eos_token_id(eos)
    w.add_unk_token_id(0)
    w.add_add_bos_token(True)
    w.add_add_eos_token(False)
    return {"model": "llama", "n_vocab": len(tokens), "bos": 1, "eos": eos, "unk": 0}


def add_gemma_tokenizer(w: gguf.GGUFWriter) -> dict:
    specials = [("<pad>", CONTROL), ("<eos>", CONTROL), ("<bos>", CONTROL), ("<unk>", UNKNOWN)]
    tokens, scores, types = spm_vocab(specials, N_VOCAB - 2)
    for s in ["<start_of_turn>", "<end_of_turn>"]:
        tokens.append(s)
        scores.append(0.0)
        types.append(int(gguf.TokenType.USER_DEFINED))
    w.add_tokenizer_model("llama")
    w.add_token_list(tokens)
    w.add_token_scores(scores)
    w.add_token_types(types)
    w.add_bos_token_id(2)
    w.add_eos_token_id(1)
    w.add_unk_token_id(3)
    w.add_pad_token_id(0)
    w.add_add_bos_token(True)
    w.add_add_eos_token(False)
    w.add_add_space_prefix(False)
    return {"model": "llama", "n_vocab": len(tokens), "bos": 2, "eos": 1, "unk": 3, "pad": 0}


def add_gpt2_tokenizer(w: gguf.GGUFWriter, pre: str, specials: list[str], bos: str, eos: str, add_bos: bool) -> dict:
    tokens, types, merges = gpt2_vocab(specials, N_VOCAB)
    w.add_tokenizer_model("gpt2")
    w.add_tokenizer_pre(pre)
    w.add_token_list(tokens)
    w.add_token_types(types)
    w.add_token_merges(merges)
    w.add_bos_token_id(tokens.index(bos))
    w.add_eos_token_id(tokens.index(eos))
    w.add_add_bos_token(add_bos)
    return {"model": "gpt2", "pre": pre, "n_vocab": len(tokens), "bos": tokens.index(bos), "eos": tokens.index(eos)}


# ---------------------------------------------------------------------------------------
# Architecture fixtures


@dataclass
class Spec:
    name: str
    arch: str
    seed: int
    n_layer: int
    dim: int
    n_head: int
    n_kv: int
    head_dim: int
    ffn: int
    rope_type: str                   # "norm" (adjacent pairs) or "neox" (halves)
    rope_base: float = 10000.0
    rope_base_swa: float | None = None
    n_swa: int = 0                   # 0 = no sliding window
    swa_layers: list[bool] = field(default_factory=list)
    eps: float = 1e-5
    tied: bool = True
    qkv_bias: bool = False
    qk_norm: bool = False
    post_norms: bool = False
    emb_scale: bool = False          # Gemma: inputs scaled by sqrt(dim)
    act: str = "silu"                # "silu" or "gelu" (tanh approximation)
    fused_qkv: bool = False
    fused_up: bool = False
    attn_softcap: float = 0.0
    final_softcap: float = 0.0
    rope_factors: dict | None = None  # Llama 3.1 rope_scaling parameters
    matrix_type: str = "f16"          # 2-D weights; 1-D tensors are always f32
    embd_std: float = 1.0
    out_norm: float = 1.0             # stored value of output_norm.weight (plus noise)
    gain: float = 1.0                 # std of W = gain / sqrt(fan_in)
    out_gain: float = 3.0             # the same for attn_output and ffn_down (the residual writers)
    post_norm: float = 1.0            # stored value of the Gemma post-norm weights (plus noise)
    bigram_head: float = 0.0          # > 0: untied head whose row pi(t) is token t's embedding (+ noise):
                                      # the model mostly predicts pi(last token), a permutation, so
                                      # greedy output is varied and its top-1 margin is large


SPECS = [
    Spec("llama", "llama", 1005, n_layer=2, dim=32, n_head=4, n_kv=2, head_dim=8, ffn=64, rope_type="norm",
         rope_base=10000.0, eps=1e-5, tied=True, embd_std=0.9),
    Spec("llama3", "llama", 1017, n_layer=2, dim=32, n_head=2, n_kv=1, head_dim=16, ffn=64, rope_type="norm",
         rope_base=500000.0, eps=1e-5, tied=False, embd_std=1.0,
         rope_factors={"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                       "original_max_position_embeddings": 64}),
    Spec("qwen2", "qwen2", 1049, n_layer=2, dim=32, n_head=4, n_kv=2, head_dim=8, ffn=64, rope_type="neox",
         rope_base=1000000.0, eps=1e-6, tied=True, qkv_bias=True, embd_std=0.9),
    Spec("qwen3", "qwen3", 1150, n_layer=2, dim=32, n_head=4, n_kv=2, head_dim=16, ffn=64, rope_type="neox",
         rope_base=1000000.0, eps=1e-6, tied=True, qk_norm=True, embd_std=0.9),
    Spec("gemma2", "gemma2", 1078, post_norm=3.0, n_layer=2, dim=32, n_head=4, n_kv=2, head_dim=16, ffn=64, rope_type="neox",
         rope_base=10000.0, n_swa=6, swa_layers=[True, False], eps=1e-6, tied=True, post_norms=True,
         emb_scale=True, act="gelu", attn_softcap=4.0, final_softcap=12.0, embd_std=0.25, out_norm=4.0),
    Spec("gemma3", "gemma3", 1009, post_norm=3.0, n_layer=6, dim=32, n_head=4, n_kv=2, head_dim=16, ffn=32, rope_type="neox",
         rope_base=1000000.0, rope_base_swa=10000.0, n_swa=6, swa_layers=[True] * 5 + [False], eps=1e-6,
         tied=True, qk_norm=True, post_norms=True, emb_scale=True, act="gelu", embd_std=0.25, out_norm=4.0),
    Spec("phi3", "phi3", 1029, n_layer=2, dim=32, n_head=4, n_kv=4, head_dim=8, ffn=64, rope_type="neox",
         rope_base=10000.0, eps=1e-5, tied=False, fused_qkv=True, fused_up=True, embd_std=1.0),
]

CTX_TRAIN = 4096
PROMPT_BODY = [72, 101, 108, 108, 111, 44, 32, 119, 111, 114, 108, 100, 33, 32, 84, 104, 101, 32, 113, 117,
               105, 99, 107, 32]   # 24 ids, all < 256, valid in every vocabulary here
N_GEN = 32
PROMPT_LOGIT_POSITIONS = [0, 5, 6, 11, 17, 23]  # prompt positions whose llama.cpp logits are kept
N_CTX = 256


def llama3_rope_factors(base: float, dim: int, p: dict) -> np.ndarray:
    """convert_hf_to_gguf.py (LlamaModel.generate_extra_tensors), in float32 as torch does it."""
    f32 = np.float32
    freqs = f32(1.0) / (f32(base) ** (np.arange(0, dim, 2, dtype=np.float32) / f32(dim)))
    factor, low, high, old = p["factor"], p["low_freq_factor"], p["high_freq_factor"], p["original_max_position_embeddings"]
    low_wavelen = old / low
    high_wavelen = old / high
    out = []
    for freq in freqs:
        wavelen = f32(2 * math.pi) / freq
        if wavelen < high_wavelen:
            out.append(1.0)
        elif wavelen > low_wavelen:
            out.append(factor)
        else:
            smooth = (f32(old) / wavelen - f32(low)) / f32(high - low)
            out.append(f32(1) / ((f32(1) - smooth) / f32(factor) + smooth))
    return np.array(out, dtype=np.float32)


def make_weights(s: Spec, n_vocab: int) -> list[tuple[str, np.ndarray]]:
    """Tensor names and values in numpy layout (rows = output features), GGUF order as written."""
    rng = np.random.default_rng(s.seed)
    g = s.gain

    def mat(out_f, in_f, gain=g):
        return (rng.standard_normal((out_f, in_f)) * gain / math.sqrt(in_f)).astype(np.float32)

    def norm(n, center=1.0, spread=0.1):
        # As the file holds it: for Gemma this is already 1 + w (the converter adds the 1).
        return (center + spread * rng.standard_normal(n)).astype(np.float32)

    q_dim, kv_dim = s.n_head * s.head_dim, s.n_kv * s.head_dim
    out: list[tuple[str, np.ndarray]] = [("token_embd.weight", (rng.standard_normal((n_vocab, s.dim)) * s.embd_std).astype(np.float32))]
    if s.rope_factors is not None:
        out.append(("rope_freqs.weight", llama3_rope_factors(s.rope_base, s.head_dim, s.rope_factors)))
    for i in range(s.n_layer):
        p = "blk.%d." % i
        out.append((p + "attn_norm.weight", norm(s.dim)))
        if s.fused_qkv:
            out.append((p + "attn_qkv.weight", np.concatenate([mat(q_dim, s.dim), mat(kv_dim, s.dim), mat(kv_dim, s.dim)])))
        else:
            out.append((p + "attn_q.weight", mat(q_dim, s.dim)))
            if s.qkv_bias:
                out.append((p + "attn_q.bias", (0.5 * rng.standard_normal(q_dim)).astype(np.float32)))
            out.append((p + "attn_k.weight", mat(kv_dim, s.dim)))
            if s.qkv_bias:
                out.append((p + "attn_k.bias", (0.5 * rng.standard_normal(kv_dim)).astype(np.float32)))
            out.append((p + "attn_v.weight", mat(kv_dim, s.dim)))
            if s.qkv_bias:
                out.append((p + "attn_v.bias", (0.5 * rng.standard_normal(kv_dim)).astype(np.float32)))
        if s.qk_norm:
            out.append((p + "attn_q_norm.weight", norm(s.head_dim)))
            out.append((p + "attn_k_norm.weight", norm(s.head_dim)))
        out.append((p + "attn_output.weight", mat(s.dim, q_dim, s.out_gain)))
        if s.post_norms:
            out.append((p + "post_attention_norm.weight", norm(s.dim, s.post_norm, 0.1 * s.post_norm)))
        out.append((p + "ffn_norm.weight", norm(s.dim)))
        if s.fused_up:
            # Phi-3's gate_up_proj: rows [0, ffn) are the gate, rows [ffn, 2 ffn) the up projection.
            out.append((p + "ffn_up.weight", np.concatenate([mat(s.ffn, s.dim), mat(s.ffn, s.dim)])))
        else:
            out.append((p + "ffn_gate.weight", mat(s.ffn, s.dim)))
            out.append((p + "ffn_up.weight", mat(s.ffn, s.dim)))
        out.append((p + "ffn_down.weight", mat(s.dim, s.ffn, s.out_gain)))
        if s.post_norms:
            out.append((p + "post_ffw_norm.weight", norm(s.dim, s.post_norm, 0.1 * s.post_norm)))
    out.append(("output_norm.weight", norm(s.dim, center=s.out_norm, spread=0.1 * s.out_norm)))
    if not s.tied and s.bigram_head:
        perm = rng.permutation(n_vocab)
        inv = np.argsort(perm)
        head = s.bigram_head * out[0][1][inv] + rng.standard_normal((n_vocab, s.dim))
        out.append(("output.weight", (head * (2.0 / math.sqrt(s.dim))).astype(np.float32)))
    elif not s.tied:
        out.append(("output.weight", (rng.standard_normal((n_vocab, s.dim)) * 0.9).astype(np.float32)))
    return out


def tensor_type(s: Spec, name: str, values: np.ndarray) -> Q:
    if values.ndim == 1:
        return Q.F32
    return Q.F16 if s.matrix_type == "f16" else Q.F32


def write_arch_gguf(s: Spec, path: str) -> tuple[dict, list[tuple[str, np.ndarray]], list[dict]]:
    """Writes the keys convert_hf_to_gguf.py writes for this family (conversion/*.py), in its order."""
    w = gguf.GGUFWriter(path, s.arch)
    w.add_type("model")
    w.add_name("lowbit-fixture-" + s.name)
    w.add_quantization_version(gguf.GGML_QUANT_VERSION)
    if s.arch == "gemma2":
        # Gemma2Model.set_gguf_parameters does NOT call the base class: no rope.freq_base,
        # no rope.dimension_count, no vocab_size (llama.cpp defaults: 10000, head_dim).
        w.add_context_length(CTX_TRAIN)
        w.add_embedding_length(s.dim)
        w.add_block_count(s.n_layer)
        w.add_feed_forward_length(s.ffn)
        w.add_head_count(s.n_head)
        w.add_head_count_kv(s.n_kv)
        w.add_layer_norm_rms_eps(s.eps)
        w.add_key_length(s.head_dim)
        w.add_value_length(s.head_dim)
        w.add_file_type(gguf.LlamaFileType.MOSTLY_F16)
        w.add_attn_logit_softcapping(s.attn_softcap)
        w.add_final_logit_softcapping(s.final_softcap)
        w.add_sliding_window(s.n_swa)
    elif s.arch == "phi3":
        # Phi3MiniModel.set_gguf_parameters (Phi-3-mini-4k-like: sliding_window 2047, which
        # llama.cpp reads and then disables for phi3).
        w.add_context_length(CTX_TRAIN)
        w.add_rope_scaling_orig_ctx_len(CTX_TRAIN)
        w.add_embedding_length(s.dim)
        w.add_feed_forward_length(s.ffn)
        w.add_block_count(s.n_layer)
        w.add_head_count(s.n_head)
        w.add_head_count_kv(s.n_kv)
        w.add_layer_norm_rms_eps(s.eps)
        w.add_rope_dimension_count(s.head_dim)
        w.add_rope_freq_base(s.rope_base)
        w.add_file_type(gguf.LlamaFileType.MOSTLY_F16)
        w.add_sliding_window(2047)
    else:
        # TextModel.set_gguf_parameters (base.py), then the family's additions.
        w.add_block_count(s.n_layer)
        w.add_context_length(CTX_TRAIN)
        w.add_embedding_length(s.dim)
        w.add_feed_forward_length(s.ffn)
        w.add_head_count(s.n_head)
        w.add_head_count_kv(s.n_kv)
        w.add_rope_freq_base(s.rope_base)
        if s.rope_base_swa is not None:
            w.add_rope_freq_base_swa(s.rope_base_swa)     # gemma3: rope_local_base_freq
        w.add_layer_norm_rms_eps(s.eps)
        if s.arch in ("qwen3", "gemma3") or s.name == "llama3":
            w.add_key_length(s.head_dim)                   # config.json has head_dim
            w.add_value_length(s.head_dim)
        w.add_file_type(gguf.LlamaFileType.MOSTLY_F16)
        if s.arch == "llama":
            w.add_vocab_size(N_VOCAB)
            w.add_rope_dimension_count(s.head_dim)
        if s.arch == "gemma3":
            w.add_sliding_window(s.n_swa)                  # no final_logit_softcapping in Gemma 3
    if s.name == "llama":
        tok = add_llama2_tokenizer(w)
    elif s.name == "llama3":
        tok = add_gpt2_tokenizer(w, "llama-bpe", ["<|begin_of_text|>", "<|end_of_text|>", "<|eot_id|>"],
                                 "<|begin_of_text|>", "<|end_of_text|>", True)
    elif s.arch in ("qwen2", "qwen3"):
        tok = add_gpt2_tokenizer(w, "qwen2", ["<|endoftext|>", "<|im_start|>", "<|im_end|>"],
                                 "<|endoftext|>", "<|endoftext|>", False)
    elif s.arch in ("gemma2", "gemma3"):
        tok = add_gemma_tokenizer(w)
    else:  # phi3
        tok = add_llama2_tokenizer(w, ["<|endoftext|>", "<|assistant|>", "<|end|>"], pre="default")

    weights = make_weights(s, N_VOCAB)
    table = []
    stored = []
    for name, values in weights:
        qt = tensor_type(s, name, values)
        data = values.astype(np.float16) if qt == Q.F16 else values.astype(np.float32)
        w.add_tensor(name, data)
        stored.append((name, data.astype(np.float32)))    # what the file holds, widened exactly
        table.append({"name": name, "type": ggml_type_name(qt), "shape": list(reversed(values.shape))})
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    return tok, stored, table


# -- the float64 reference forward pass (llama.cpp's semantics, written out) -------------


def rms_norm(x: np.ndarray, w: np.ndarray, eps: float) -> np.ndarray:
    return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + eps) * w


def rope(x: np.ndarray, pos: np.ndarray, base: float, kind: str, factors: np.ndarray | None) -> np.ndarray:
    """x: [T, heads, d]. theta_i = pos * base^(-2i/d) / factor_i, i < d/2.
    norm: rotates (x[2i], x[2i+1]); neox: rotates (x[i], x[i + d/2])."""
    d = x.shape[-1]
    inv = base ** (-np.arange(0, d, 2, dtype=np.float64) / d)
    if factors is not None:
        inv = inv / factors.astype(np.float64)
    ang = pos[:, None].astype(np.float64) * inv[None, :]           # [T, d/2]
    c, s = np.cos(ang)[:, None, :], np.sin(ang)[:, None, :]
    out = x.copy()
    if kind == "norm":
        a, b = x[..., 0::2], x[..., 1::2]
        out[..., 0::2] = a * c - b * s
        out[..., 1::2] = a * s + b * c
    else:
        a, b = x[..., : d // 2], x[..., d // 2:]
        out[..., : d // 2] = a * c - b * s
        out[..., d // 2:] = a * s + b * c
    return out


def gelu_tanh(x):
    return 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))


def silu(x):
    return x / (1.0 + np.exp(-x))


def reference_forward(s: Spec, W: dict[str, np.ndarray], tokens: list[int], kv_of_head=None) -> np.ndarray:
    W = {k: v.astype(np.float64) for k, v in W.items()}
    T = len(tokens)
    pos = np.arange(T)
    x = W["token_embd.weight"][tokens]
    if s.emb_scale:
        x = x * float(np.float32(math.sqrt(s.dim)))
    q_dim, kv_dim = s.n_head * s.head_dim, s.n_kv * s.head_dim
    group = s.n_head // s.n_kv
    factors = W.get("rope_freqs.weight")
    scale = 1.0 / math.sqrt(s.head_dim)
    for L in range(s.n_layer):
        p = "blk.%d." % L
        swa = bool(s.swa_layers and s.swa_layers[L])
        base = (s.rope_base_swa if s.rope_base_swa is not None else s.rope_base) if swa else s.rope_base
        h = rms_norm(x, W[p + "attn_norm.weight"], s.eps)
        if s.fused_qkv:
            qkv = h @ W[p + "attn_qkv.weight"].T
            q, k, v = qkv[:, :q_dim], qkv[:, q_dim:q_dim + kv_dim], qkv[:, q_dim + kv_dim:]
        else:
            q, k, v = h @ W[p + "attn_q.weight"].T, h @ W[p + "attn_k.weight"].T, h @ W[p + "attn_v.weight"].T
            if s.qkv_bias:
                q, k, v = q + W[p + "attn_q.bias"], k + W[p + "attn_k.bias"], v + W[p + "attn_v.bias"]
        q = q.reshape(T, s.n_head, s.head_dim)
        k = k.reshape(T, s.n_kv, s.head_dim)
        v = v.reshape(T, s.n_kv, s.head_dim)
        if s.qk_norm:
            q = rms_norm(q, W[p + "attn_q_norm.weight"], s.eps)
            k = rms_norm(k, W[p + "attn_k_norm.weight"], s.eps)
        q = rope(q, pos, base, s.rope_type, factors)
        k = rope(k, pos, base, s.rope_type, factors)
        i_idx, j_idx = np.meshgrid(pos, pos, indexing="ij")
        visible = j_idx <= i_idx
        if swa:
            visible &= (i_idx - j_idx) < s.n_swa
        att = np.zeros((T, s.n_head, s.head_dim))
        for hd in range(s.n_head):
            kv = hd // group if kv_of_head is None else kv_of_head(hd)
            sc = (q[:, hd, :] * scale) @ k[:, kv, :].T
            if s.attn_softcap:
                sc = s.attn_softcap * np.tanh(sc / s.attn_softcap)
            sc = np.where(visible, sc, -np.inf)
            sc = np.exp(sc - sc.max(axis=-1, keepdims=True))
            sc /= sc.sum(axis=-1, keepdims=True)
            att[:, hd, :] = sc @ v[:, kv, :]
        o = att.reshape(T, q_dim) @ W[p + "attn_output.weight"].T
        if s.post_norms:
            o = rms_norm(o, W[p + "post_attention_norm.weight"], s.eps)
        x = x + o
        h = rms_norm(x, W[p + "ffn_norm.weight"], s.eps)
        if s.fused_up:
            gu = h @ W[p + "ffn_up.weight"].T
            g, u = gu[:, : s.ffn], gu[:, s.ffn:]
        else:
            g, u = h @ W[p + "ffn_gate.weight"].T, h @ W[p + "ffn_up.weight"].T
        a = (gelu_tanh(g) if s.act == "gelu" else silu(g)) * u
        f = a @ W[p + "ffn_down.weight"].T
        if s.post_norms:
            f = rms_norm(f, W[p + "post_ffw_norm.weight"], s.eps)
        x = x + f
    x = rms_norm(x, W["output_norm.weight"], s.eps)
    logits = x @ W["output.weight" if not s.tied else "token_embd.weight"].T
    if s.final_softcap:
        logits = s.final_softcap * np.tanh(logits / s.final_softcap)
    return logits


# -- llama.cpp ---------------------------------------------------------------------------

LLAMA_SETTINGS = {"n_ctx": N_CTX, "n_threads": 1, "n_threads_batch": 1, "n_batch": N_CTX, "n_ubatch": N_CTX,
                  "logits_all": True, "n_gpu_layers": 0, "flash_attn": False, "seed": 0, "verbose": False}


def run_llama_cpp(path: str, prompt: list[int], n_gen: int, **extra) -> dict:
    """Evaluates the prompt in one batch (logits at every position), then greedy argmax one
    token at a time (np.argmax: the lowest id wins a tie). No sampler, no penalties; EOS does
    not stop generation. KV cache: llama.cpp's default f16 unless type_k/type_v are given."""
    from llama_cpp import Llama
    llm = Llama(model_path=path, **LLAMA_SETTINGS, **extra)
    llm.eval(prompt)
    prompt_logits = np.array(llm.scores[: len(prompt)], dtype=np.float32)
    gen, step_logits = [], []
    cur = prompt_logits[-1]
    for i in range(n_gen):
        t = int(np.argmax(cur))
        gen.append(t)
        step_logits.append(cur.copy())
        if i + 1 < n_gen:
            llm.eval([t])
            cur = np.array(llm.scores[llm.n_tokens - 1], dtype=np.float32)
    n_vocab = llm.n_vocab()
    del llm
    return {"prompt_logits": prompt_logits, "greedy": gen, "step_logits": np.array(step_logits), "n_vocab": n_vocab}


def margins(logits: np.ndarray) -> np.ndarray:
    srt = np.sort(logits, axis=-1)
    return srt[..., -1] - srt[..., -2]


def spec_hparams(s: Spec) -> dict:
    d = {"arch": s.arch, "n_vocab": N_VOCAB, "n_layer": s.n_layer, "n_embd": s.dim, "n_head": s.n_head,
         "n_head_kv": s.n_kv, "head_dim": s.head_dim, "n_ff": s.ffn, "rope_type": s.rope_type,
         "rope_freq_base": s.rope_base, "rms_eps": s.eps, "tied_embeddings": s.tied, "context_length": CTX_TRAIN}
    if s.rope_base_swa is not None:
        d["rope_freq_base_swa"] = s.rope_base_swa
    if s.n_swa:
        d["sliding_window"] = s.n_swa
        d["swa_layers"] = s.swa_layers
    if s.attn_softcap:
        d["attn_logit_softcapping"] = s.attn_softcap
    if s.final_softcap:
        d["final_logit_softcapping"] = s.final_softcap
    if s.rope_factors:
        d["rope_scaling"] = s.rope_factors
    d["attention_scale"] = "1/sqrt(head_dim)"
    d["embedding_scale"] = "sqrt(n_embd)" if s.emb_scale else None
    d["ffn_activation"] = {"silu": "silu(gate) * up", "gelu": "gelu_tanh(gate) * up"}[s.act]
    return d


REF_POSITIONS = [0, 5, 6, 23, 23 + N_GEN - 1]


def ablations(s: Spec, W: dict, seq: list[int], ref: np.ndarray) -> dict:
    """How much the reference logits (max |change| over all positions) move when one family
    convention is got wrong: evidence that the fixture catches that mistake."""
    import dataclasses
    cases: dict[str, tuple[Spec, dict]] = {}
    other = "neox" if s.rope_type == "norm" else "norm"
    cases["rope_type_" + other] = (dataclasses.replace(s, rope_type=other), W)
    if s.n_swa:
        cases["no_sliding_window"] = (dataclasses.replace(s, n_swa=0, swa_layers=[]), W)
        cases["sliding_window_plus_1"] = (dataclasses.replace(s, n_swa=s.n_swa + 1), W)
    if s.rope_base_swa is not None:
        cases["local_rope_base_as_global"] = (dataclasses.replace(s, rope_base_swa=None), W)
    if "rope_freqs.weight" in W:
        cases["no_rope_freqs"] = (s, {k: v for k, v in W.items() if k != "rope_freqs.weight"})
    if s.attn_softcap:
        cases["no_attn_softcap"] = (dataclasses.replace(s, attn_softcap=0.0), W)
    if s.final_softcap:
        cases["no_final_softcap"] = (dataclasses.replace(s, final_softcap=0.0), W)
    if s.emb_scale:
        cases["no_embedding_scale"] = (dataclasses.replace(s, emb_scale=False), W)
        cases["norm_weights_plus_1_again"] = (s, {k: (v + 1 if k.endswith("norm.weight") else v) for k, v in W.items()})
    if s.qkv_bias:
        cases["no_qkv_bias"] = (dataclasses.replace(s, qkv_bias=False), W)
    if s.qk_norm:
        cases["no_qk_norm"] = (dataclasses.replace(s, qk_norm=False), W)
    if s.post_norms:
        cases["gelu_as_silu"] = (dataclasses.replace(s, act="silu"), W)
    if s.fused_up:
        swapped = {k: (np.concatenate([v[s.ffn:], v[: s.ffn]]) if k.endswith("ffn_up.weight") else v) for k, v in W.items()}
        cases["fused_gate_up_halves_swapped"] = (s, swapped)
    if 1 < s.n_kv < s.n_head:
        # q head h must use kv head h // (n_head / n_head_kv), not h % n_head_kv
        cases["gqa_heads_interleaved"] = (dataclasses.replace(s, name="interleaved"), W)
    out = {}
    for name, (s2, W2) in cases.items():
        if name == "gqa_heads_interleaved":
            alt = reference_forward(s2, W2, seq, kv_of_head=lambda h: h % s.n_kv)
        else:
            alt = reference_forward(s2, W2, seq)
        out[name] = float(np.abs(alt - ref).max())
    return out


def make_arch_fixture(s: Spec, info: dict) -> dict:
    path = os.path.join(HERE, s.name + ".gguf")
    tok, stored, table = write_arch_gguf(s, path)
    bos = tok.get("bos")
    prompt = ([bos] + PROMPT_BODY[:-1]) if tok.get("model") == "llama" or s.name == "llama3" else PROMPT_BODY[:]
    assert len(prompt) == 24

    run = run_llama_cpp(path, prompt, N_GEN)
    assert run["n_vocab"] == N_VOCAB
    run32 = run_llama_cpp(path, prompt, N_GEN, type_k=0, type_v=0)   # GGML_TYPE_F32 KV cache

    W = dict(stored)
    seq = prompt + run["greedy"][:-1]                                # positions 0 .. 23 + 31
    ref = reference_forward(s, W, seq)
    ref_greedy = [int(np.argmax(ref[len(prompt) - 1 + i])) for i in range(N_GEN)]
    # llama.cpp's logits over the same positions (prompt, then each greedy step)
    lc_all = np.concatenate([run["prompt_logits"], run["step_logits"][1:]])
    lc32_all = np.concatenate([run32["prompt_logits"], run32["step_logits"][1:]])
    assert lc_all.shape == ref.shape
    diff = np.abs(lc_all - ref).max(axis=-1)
    diff32 = np.abs(lc32_all - ref).max(axis=-1)
    m_steps = margins(run["step_logits"])
    sensitivity = ablations(s, W, seq, ref)

    fixture = {
        "name": s.name, "file": s.name + ".gguf", "generator": info,
        "llama_cpp_settings": dict(LLAMA_SETTINGS, kv_cache_type="f16 (llama.cpp default)", greedy="argmax",
                                   sampler="none (logits read from llama_get_logits, no penalties)"),
        "hparams": spec_hparams(s), "tokenizer": tok, "tensors": table,
        "prompt": prompt,
        "llama_cpp": {
            "prompt_logit_positions": PROMPT_LOGIT_POSITIONS,
            "prompt_logits": [f32_hex_string(run["prompt_logits"][p]) for p in PROMPT_LOGIT_POSITIONS],
            "greedy": run["greedy"],
            "greedy_last_step_logits": f32_hex_string(run["step_logits"][-1]),
            "greedy_f32_kv": run32["greedy"],
        },
        "reference": {
            "about": "float64 numpy forward pass over the exact stored weights (f16 widened), llama.cpp's semantics; "
                     "logits rounded to f32 at the listed positions of prompt + greedy[:-1]",
            "positions": REF_POSITIONS,
            "logits": [f32_hex_string(ref[p]) for p in REF_POSITIONS],
            "greedy": ref_greedy,
        },
        "stats": {
            "max_abs_diff_llama_cpp_vs_reference": float(diff.max()),
            "max_abs_diff_llama_cpp_f32kv_vs_reference": float(diff32.max()),
            "logit_std_reference": float(ref.std()),
            "min_top1_top2_margin_prompt": float(margins(run["prompt_logits"]).min()),
            "min_top1_top2_margin_greedy_steps": float(m_steps.min()),
            "median_top1_top2_margin_greedy_steps": float(np.median(m_steps)),
            "distinct_greedy_tokens": len(set(run["greedy"])),
            "reference_greedy_agrees": ref_greedy == run["greedy"],
            "f32_kv_greedy_agrees": run32["greedy"] == run["greedy"],
            "reference_change_if": sensitivity,
        },
    }
    print("%-7s size %6d  maxdiff f16kv %.2e f32kv %.2e  margin min %.3f med %.3f  distinct %d  ref-agree %s f32kv-agree %s  std %.2f" % (
        s.name, os.path.getsize(path), diff.max(), diff32.max(), m_steps.min(), np.median(m_steps),
        len(set(run["greedy"])), ref_greedy == run["greedy"], run32["greedy"] == run["greedy"], ref.std()))
    write_json(os.path.join(HERE, s.name + ".json"), fixture)
    return fixture


def make_arch_fixtures(names: list[str] | None) -> None:
    info = llama_cpp_info()
    for s in SPECS:
        if names and s.name not in names:
            continue
        make_arch_fixture(s, info)

# ---------------------------------------------------------------------------------------
# Quantized fixtures: llama.cpp's own quantizer (llama_model_quantize) on one f32 llama

QSPEC = Spec("quant_src", "llama", 201, n_layer=1, dim=256, n_head=4, n_kv=2, head_dim=64, ffn=512,
             rope_type="norm", rope_base=10000.0, eps=1e-5, tied=False, matrix_type="f32", embd_std=1.0,
             out_gain=2.0, bigram_head=0.8)

# (variant name, llama_ftype name, pure)
QUANT_VARIANTS = [
    ("q4_0", "Q4_0", True), ("q4_1", "Q4_1", True), ("q5_0", "Q5_0", True), ("q5_1", "Q5_1", True),
    ("q8_0", "Q8_0", True), ("q2_k_pure", "Q2_K", True), ("q3_k_s_pure", "Q3_K_S", True),
    ("q4_k_s_pure", "Q4_K_S", True), ("q5_k_s_pure", "Q5_K_S", True), ("q6_k_pure", "Q6_K", True),
    ("q2_k", "Q2_K", False), ("q3_k_m", "Q3_K_M", False), ("q4_k_m", "Q4_K_M", False), ("q5_k_m", "Q5_K_M", False),
]
# The quantized files committed next to their JSON (the rest are regenerated by this script).
COMMITTED_QUANT = ["q4_k_m", "q2_k_pure"]


def quantize_file(src: str, dst: str, ftype_name: str, pure: bool, nthread: int = 1) -> dict:
    import llama_cpp
    import llama_cpp._logger
    llama_cpp._logger.set_verbose(False)   # llama.cpp's per-tensor log only on errors
    params = llama_cpp.llama_model_quantize_default_params()
    params.ftype = getattr(llama_cpp, "LLAMA_FTYPE_MOSTLY_" + ftype_name)
    params.pure = pure
    params.nthread = nthread
    rc = llama_cpp.llama_model_quantize(src.encode(), dst.encode(), ctypes.byref(params))
    if rc != 0:
        raise RuntimeError("llama_model_quantize(%s) failed: %d" % (ftype_name, rc))
    return {"ftype": "LLAMA_FTYPE_MOSTLY_" + ftype_name, "ftype_id": int(params.ftype), "pure": pure,
            "nthread": nthread, "params": "llama_model_quantize_default_params() with ftype, pure, nthread set"}


def gguf_tensor_types(path: str) -> list[list]:
    """[name, ggml type name, shape (ne0 first)] in file order."""
    r = gguf.GGUFReader(path)
    return [[t.name, ggml_type_name(Q(t.tensor_type)), [int(d) for d in t.shape]] for t in r.tensors]


def dequantized_weights(path: str) -> dict[str, np.ndarray]:
    from gguf.quants import dequantize
    r = gguf.GGUFReader(path)
    out = {}
    for t in r.tensors:
        shape = tuple(int(d) for d in reversed(t.shape))
        out[t.name] = dequantize(t.data, t.tensor_type).astype(np.float32).reshape(shape)
    return out


def sha256(path: str) -> str:
    import hashlib
    h = hashlib.sha256()
    with open(path, "rb") as f:
        h.update(f.read())
    return h.hexdigest()


def make_quant_fixtures(keep_dir: str | None) -> None:
    info = llama_cpp_info()
    tmp = keep_dir or tempfile.mkdtemp(prefix="lowbit-quant-")
    os.makedirs(tmp, exist_ok=True)
    src = os.path.join(tmp, "quant_src_f32.gguf")
    tok, stored, table = write_arch_gguf(QSPEC, src)
    prompt = [tok["bos"]] + PROMPT_BODY[:-1]
    src_run = run_llama_cpp(src, prompt, N_GEN)
    ref_src = reference_forward(QSPEC, dict(stored), prompt)
    variants = []
    for name, ftype, pure in QUANT_VARIANTS:
        dst = os.path.join(tmp, "quant_%s.gguf" % name)
        qinfo = quantize_file(src, dst, ftype, pure)
        run = run_llama_cpp(dst, prompt, N_GEN)
        ref = reference_forward(QSPEC, dequantized_weights(dst), prompt)
        last = run["prompt_logits"][-1]
        m_steps = margins(run["step_logits"])
        entry = {
            "name": name, **qinfo, "file": "quant_%s.gguf" % name, "committed": name in COMMITTED_QUANT,
            "file_bytes": os.path.getsize(dst), "sha256": sha256(dst),
            "tensor_types": gguf_tensor_types(dst),
            "llama_cpp": {"prompt_logits_last": f32_hex_string(last), "greedy": run["greedy"]},
            "reference_logits_last": f32_hex_string(ref[-1]),
            "stats": {"max_abs_diff_llama_cpp_vs_reference_last": float(np.abs(last - ref[-1]).max()),
                      "max_abs_diff_vs_f32_source_last": float(np.abs(last - src_run["prompt_logits"][-1]).max()),
                      "min_top1_top2_margin_greedy_steps": float(m_steps.min()),
                      "median_top1_top2_margin_greedy_steps": float(np.median(m_steps)),
                      "distinct_greedy_tokens": len(set(run["greedy"])),
                      "greedy_equals_f32_source": run["greedy"] == src_run["greedy"]},
        }
        print("%-12s %7d bytes  diff-vs-ref %.3f  diff-vs-f32 %.3f  margin min %.3f  distinct %d  same-as-f32 %s" % (
            name, entry["file_bytes"], entry["stats"]["max_abs_diff_llama_cpp_vs_reference_last"],
            entry["stats"]["max_abs_diff_vs_f32_source_last"], m_steps.min(), len(set(run["greedy"])),
            entry["stats"]["greedy_equals_f32_source"]))
        if name in COMMITTED_QUANT:
            with open(dst, "rb") as f, open(os.path.join(HERE, "quant_%s.gguf" % name), "wb") as g:
                g.write(f.read())
        variants.append(entry)
    m_src = margins(src_run["step_logits"])
    fixture = {
        "generator": info,
        "llama_cpp_settings": dict(LLAMA_SETTINGS, kv_cache_type="f16 (llama.cpp default)", greedy="argmax"),
        "source": {"about": "f32 llama written by this script (regenerate; not committed); every 2-D tensor f32",
                   "hparams": spec_hparams(QSPEC), "tokenizer": tok, "tensors": table, "sha256": sha256(src),
                   "file_bytes": os.path.getsize(src),
                   "llama_cpp": {"prompt_logits_last": f32_hex_string(src_run["prompt_logits"][-1]),
                                 "greedy": src_run["greedy"]},
                   "reference_logits_last": f32_hex_string(ref_src[-1]),
                   "stats": {"min_top1_top2_margin_greedy_steps": float(m_src.min()),
                             "distinct_greedy_tokens": len(set(src_run["greedy"]))}},
        "prompt": prompt,
        "variants": variants,
    }
    write_json(os.path.join(HERE, "quantized.json"), fixture)
    if not keep_dir:
        shutil.rmtree(tmp)

# ---------------------------------------------------------------------------------------
# quant_blocks.json: ggml's reference quantizers, byte for byte

GGML_TYPES = {"q4_0": 2, "q4_1": 3, "q5_0": 6, "q5_1": 7, "q8_0": 8, "q8_1": 9, "q2_K": 10, "q3_K": 11,
              "q4_K": 12, "q5_K": 13, "q6_K": 14, "q8_K": 15}
BLOCK_TYPES = ["q4_0", "q4_1", "q5_0", "q5_1", "q8_0", "q2_K", "q3_K", "q4_K", "q5_K", "q6_K"]


class GGMLTypeTraits(ctypes.Structure):
    _fields_ = [("type_name", ctypes.c_char_p), ("blck_size", ctypes.c_int64), ("blck_size_interleave", ctypes.c_int64),
                ("type_size", ctypes.c_size_t), ("is_quantized", ctypes.c_bool), ("to_float", ctypes.c_void_p),
                ("from_float_ref", ctypes.c_void_p)]


class GGMLTypeTraitsCPU(ctypes.Structure):
    _fields_ = [("from_float", ctypes.c_void_p), ("vec_dot", ctypes.c_void_p), ("vec_dot_type", ctypes.c_int),
                ("nrows", ctypes.c_int64)]


ROW_FN = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64)  # (src, dst, k)


class GGML:
    def __init__(self):
        d = lib_dir()
        self.base = ctypes.CDLL(os.path.join(d, "libggml-base.so"), mode=ctypes.RTLD_GLOBAL)
        self.cpu = ctypes.CDLL(os.path.join(d, "libggml-cpu.so"), mode=ctypes.RTLD_GLOBAL)
        b = self.base
        b.ggml_quantize_chunk.restype = ctypes.c_size_t
        b.ggml_quantize_chunk.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64,
                                          ctypes.c_int64, ctypes.c_int64, ctypes.c_void_p]
        b.ggml_get_type_traits.restype = ctypes.POINTER(GGMLTypeTraits)
        b.ggml_get_type_traits.argtypes = [ctypes.c_int]
        b.quantize_row_q8_K_ref.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64]
        b.dequantize_row_q8_K.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64]
        self.cpu.ggml_cpu_init()
        self.cpu.ggml_get_type_traits_cpu.restype = ctypes.POINTER(GGMLTypeTraitsCPU)
        self.cpu.ggml_get_type_traits_cpu.argtypes = [ctypes.c_int]

    def traits(self, name: str) -> GGMLTypeTraits:
        return self.base.ggml_get_type_traits(GGML_TYPES[name]).contents

    def row_bytes(self, name: str, n: int) -> int:
        t = self.traits(name)
        assert n % t.blck_size == 0
        return n // t.blck_size * t.type_size

    def quantize_chunk(self, name: str, x: np.ndarray) -> bytes:
        x = np.ascontiguousarray(x, dtype=np.float32)
        out = ctypes.create_string_buffer(self.row_bytes(name, x.size))
        n = self.base.ggml_quantize_chunk(GGML_TYPES[name], x.ctypes.data, out, 0, 1, x.size, None)
        assert n == len(out.raw)
        return out.raw

    def to_float(self, name: str, data: bytes, n: int) -> np.ndarray:
        y = np.zeros(n, dtype=np.float32)
        buf = ctypes.create_string_buffer(data, len(data))
        if name == "q8_K":
            self.base.dequantize_row_q8_K(buf, y.ctypes.data, n)
        else:
            ROW_FN(self.traits(name).to_float)(ctypes.cast(buf, ctypes.c_void_p), y.ctypes.data, n)
        return y

    def q8_K_ref(self, x: np.ndarray) -> bytes:
        x = np.ascontiguousarray(x, dtype=np.float32)
        out = ctypes.create_string_buffer(self.row_bytes("q8_K", x.size))
        self.base.quantize_row_q8_K_ref(x.ctypes.data, out, x.size)
        return out.raw

    def cpu_from_float(self, name: str, x: np.ndarray) -> bytes:
        """The CPU backend's own (SIMD) quantizer for activations, as the matmuls use it."""
        x = np.ascontiguousarray(x, dtype=np.float32)
        out = ctypes.create_string_buffer(self.row_bytes(name, x.size))
        fn = self.cpu.ggml_get_type_traits_cpu(GGML_TYPES[name]).contents.from_float
        ROW_FN(fn)(x.ctypes.data, ctypes.cast(out, ctypes.c_void_p), x.size)
        return out.raw


def block_rows() -> list[tuple[str, np.ndarray]]:
    rng = np.random.default_rng(424242)
    n = 256
    rows = []
    rows.append(("gauss_256_scale1", rng.standard_normal(n)))
    rows.append(("gauss_256_scale0.01", rng.standard_normal(n) * 0.01))
    rows.append(("gauss_512_scale1", rng.standard_normal(512)))
    rows.append(("laplace_256_scale30", rng.laplace(size=n) * 30))
    rows.append(("all_zeros", np.zeros(n)))
    out = rng.standard_normal(n) * 0.01
    out[37] = 1000.0
    rows.append(("one_huge_outlier", out))
    rows.append(("all_equal", np.full(n, 0.75)))
    rows.append(("all_equal_negative", np.full(n, -2.5)))
    neg = rng.standard_normal(n)
    neg[5] = -10.0
    neg[130] = -7.0
    neg[200] = -9.0
    rows.append(("negative_maximum", neg))
    rows.append(("tiny_1e-30", rng.standard_normal(n) * 1e-30))
    rows.append(("mixed_signs", np.array([(k % 7 + 1) * 0.3 * (1 if k % 2 else -1) for k in range(n)])))
    return [(name, r.astype(np.float32)) for name, r in rows]


def make_quant_blocks() -> None:
    from gguf.quants import dequantize
    g = GGML()
    gq = {"q4_0": Q.Q4_0, "q4_1": Q.Q4_1, "q5_0": Q.Q5_0, "q5_1": Q.Q5_1, "q8_0": Q.Q8_0, "q2_K": Q.Q2_K,
          "q3_K": Q.Q3_K, "q4_K": Q.Q4_K, "q5_K": Q.Q5_K, "q6_K": Q.Q6_K, "q8_K": Q.Q8_K}
    out_rows = []
    agree = {"gguf_py_dequantize_equals_ggml_to_float": True, "cpu_q8_K_equals_ref": True,
             "cpu_q8_0_equals_ref": True}
    for name, row in block_rows():
        entry = {"name": name, "n": int(row.size), "values": f32_hex_string(row), "types": {}}
        for t in BLOCK_TYPES + ["q8_K"]:
            data = g.q8_K_ref(row) if t == "q8_K" else g.quantize_chunk(t, row)
            deq = g.to_float(t, data, row.size)
            try:
                gp = dequantize(np.frombuffer(data, dtype=np.uint8), gq[t]).astype(np.float32).ravel()
                if not np.array_equal(gp.view(np.uint32), deq.view(np.uint32)):
                    agree["gguf_py_dequantize_equals_ggml_to_float"] = False
                    print("gguf-py dequantize differs from ggml:", name, t)
            except NotImplementedError:
                pass
            entry["types"][t] = {"bytes": data.hex(), "dequantized": f32_hex_string(deq)}
        # Activation quantizers of the CPU matmuls (vec_dot_type): q8_0 for q4_0/q5_0/q8_0,
        # q8_1 for q4_1/q5_1, q8_K for the k-quants. Bytes only.
        act = {}
        for t in ["q8_0", "q8_1", "q8_K"]:
            act[t] = g.cpu_from_float(t, row).hex()
        if act["q8_K"] != entry["types"]["q8_K"]["bytes"]:
            agree["cpu_q8_K_equals_ref"] = False
        if act["q8_0"] != entry["types"]["q8_0"]["bytes"]:
            agree["cpu_q8_0_equals_ref"] = False
        entry["cpu_activation_bytes"] = act
        out_rows.append(entry)
    block = {t: {"type_id": GGML_TYPES[t], "block_size": int(g.traits(t).blck_size), "type_size": int(g.traits(t).type_size)}
             for t in BLOCK_TYPES + ["q8_K", "q8_1"]}
    fixture = {
        "generator": llama_cpp_info(),
        "about": "ggml_quantize_chunk(type, row, dst, 0, 1, n, imatrix=NULL) from libggml-base (the quantize_row_*_ref "
                 "quantizers llama-quantize uses without an imatrix); q8_K via quantize_row_q8_K_ref (not reachable "
                 "through ggml_quantize_chunk); dequantized by ggml_get_type_traits(type)->to_float "
                 "(dequantize_row_q8_K for q8_K); cpu_activation_bytes: ggml_get_type_traits_cpu(type)->from_float "
                 "of libggml-cpu (the SIMD quantizer applied to activations in matmuls) on this x86-64 AVX2 build",
        "float_encoding": "values and dequantized: one string, 8 hex digits per f32 (its bit pattern as a big-endian u32), concatenated",
        "types": block, "checks": agree, "rows": out_rows,
    }
    print("checks:", agree)
    write_json(os.path.join(HERE, "quant_blocks.json"), fixture)

# ---------------------------------------------------------------------------------------
# mixtures.json: llama-quantize's per-tensor type choices (llama_tensor_get_type)

MIX_SHAPES = [
    # TinyLlama-1.1B's tensor list (22 blocks, 32 heads, 4 KV heads, untied output) at tiny width
    ("tinyllama_gqa", dict(n_kv=4, tied=False)),
    ("tinyllama_no_gqa", dict(n_kv=32, tied=False)),
    ("tinyllama_gqa_tied", dict(n_kv=4, tied=True)),
]
MIX_PRESETS = ["Q2_K", "Q3_K_S", "Q3_K_M", "Q3_K_L", "Q4_K_S", "Q4_K_M", "Q5_K_S", "Q5_K_M", "Q6_K", "Q4_0", "Q8_0"]


def mixture_spec(name: str, n_kv: int, tied: bool) -> Spec:
    return Spec(name, "llama", 301, n_layer=22, dim=256, n_head=32, n_kv=n_kv, head_dim=8, ffn=512,
                rope_type="norm", rope_base=10000.0, eps=1e-5, tied=tied, matrix_type="f16", embd_std=0.02,
                gain=0.02)


def make_mixtures(keep_dir: str | None) -> None:
    tmp = keep_dir or tempfile.mkdtemp(prefix="lowbit-mix-")
    os.makedirs(tmp, exist_ok=True)
    shapes = []
    for shape_name, kw in MIX_SHAPES:
        s = mixture_spec(shape_name, **kw)
        src = os.path.join(tmp, "mix_%s_f16.gguf" % shape_name)
        write_arch_gguf(s, src)
        presets = {}
        order = None
        for preset in MIX_PRESETS:
            dst = os.path.join(tmp, "mix_%s_%s.gguf" % (shape_name, preset.lower()))
            quantize_file(src, dst, preset, False)
            types = gguf_tensor_types(dst)
            if order is None:
                order = [t[0] for t in types]
            glob, layers = {}, {}
            for name, ty, _ in types:
                if name.startswith("blk."):
                    i = int(name.split(".")[1])
                    key = name.split(".", 2)[2]
                    layers.setdefault(key, [None] * s.n_layer)[i] = ty
                else:
                    glob[name] = ty
            presets[preset] = {"ftype": "LLAMA_FTYPE_MOSTLY_" + preset, "pure": False, "global": glob, "layers": layers}
            os.remove(dst)
        shapes.append({"name": shape_name, "hparams": spec_hparams(s), "source_types": "f16 2-D, f32 1-D",
                       "file_tensor_order": order, "presets": presets})
        print("mixtures: %s done" % shape_name)
        if not keep_dir:
            os.remove(src)
    fixture = {
        "generator": llama_cpp_info(),
        "about": "llama_model_quantize(src, dst, params) with llama_model_quantize_default_params(), ftype set, "
                 "pure=false, no imatrix; types read back from dst with gguf.GGUFReader. 'layers' maps each "
                 "per-block tensor name (without 'blk.N.') to its type in blocks 0..n_layer-1.",
        "shapes": shapes,
    }
    write_json(os.path.join(HERE, "mixtures.json"), fixture)
    if not keep_dir:
        shutil.rmtree(tmp)


# ---------------------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("parts", nargs="*", default=["arch", "quant", "blocks", "mixtures"],
                    help="which parts to regenerate: arch quant blocks mixtures (default: all)")
    ap.add_argument("--models", nargs="*", help="only these architecture fixtures (names)")
    ap.add_argument("--keep", metavar="DIR", help="write the regenerated (uncommitted) models to DIR and keep them")
    args = ap.parse_args()
    if "arch" in args.parts:
        make_arch_fixtures(args.models)
    if "quant" in args.parts:
        make_quant_fixtures(args.keep)
    if "blocks" in args.parts:
        make_quant_blocks()
    if "mixtures" in args.parts:
        make_mixtures(args.keep)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Fixtures that tie LowBit to llama.cpp's own Python GGUF package (`gguf`).

Run by hand, never by CI (CI has no pip):

    python3 -m venv /tmp/gguf-venv && /tmp/gguf-venv/bin/pip install gguf numpy
    /tmp/gguf-venv/bin/python Tests/LowBitTests/Fixtures/make_fixtures.py
        writes, next to this script:
          peer_llama.gguf   a tiny Llama written by gguf.GGUFWriter, tensors in
                            f32/f16/bf16/q8_0/q4_0/q4_1 quantized by gguf.quants
          peer_llama.json   its metadata (typed), tensor table, the first 64 values
                            of every tensor as gguf.quants.dequantize computes them,
                            an FNV-1a hash of all of them, and reference logits from
                            a numpy forward pass
          quant_rows.json   edge-case rows and the exact bytes gguf.quants produces
                            for q8_0, q4_0, q4_1, f16 and bf16

    /tmp/gguf-venv/bin/python Tests/LowBitTests/Fixtures/make_fixtures.py \\
        --check-lowbit .build-peer/debug/lowbit [--shape 15m]
        the other direction: has `lowbit synth` write models of every type, reads
        them with gguf.GGUFReader and checks metadata, tensor table, the bytes of
        every quantized tensor (re-quantizing LowBit's own f32 model with
        gguf.quants) and every dequantized value (against `lowbit quantize --type
        f32`, which dequantizes with LowBit's RowCodec).

Floats in the JSON files are hex bit patterns (f32 as 8 hex digits, f64 as 16), so
that nothing depends on decimal printing or parsing.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import struct
import subprocess
import sys
import tempfile

import numpy as np

import gguf
from gguf import GGMLQuantizationType as Q
from gguf import GGUFValueType as V
from gguf.quants import dequantize, quantize

HERE = os.path.dirname(os.path.abspath(__file__))

TYPE_NAMES = {Q.F32: "f32", Q.F16: "f16", Q.BF16: "bf16", Q.Q8_0: "q8_0", Q.Q4_0: "q4_0", Q.Q4_1: "q4_1"}

# ---------------------------------------------------------------------------------------
# Helpers


def f32_hex(x) -> str:
    return "%08x" % struct.unpack("<I", struct.pack("<f", float(x)))[0]


def f32_hex_array(a: np.ndarray) -> list[str]:
    return ["%08x" % u for u in np.ascontiguousarray(a, dtype=np.float32).view(np.uint32).ravel()]


def fnv1a64(data: bytes) -> str:
    h = 0xCBF29CE484222325
    for b in data:
        h ^= b
        h = (h * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return "%016x" % h


def encode(value, vtype: V, sub_type: V | None = None):
    """A typed JSON form of one GGUF value: [type, payload]; arrays [\"array\", element type, [values]]."""
    if vtype == V.ARRAY:
        et = sub_type if sub_type is not None else V.get_type(value[0])
        return ["array", et.name.lower(), [encode(v, et) for v in value]]
    if vtype == V.FLOAT32:
        return ["float32", f32_hex(value)]
    if vtype == V.FLOAT64:
        return ["float64", "%016x" % struct.unpack("<Q", struct.pack("<d", value))[0]]
    if vtype in (V.UINT64, V.INT64):
        return [vtype.name.lower(), str(value)]  # JSON doubles cannot hold every 64-bit integer
    return [vtype.name.lower(), value]


# ---------------------------------------------------------------------------------------
# Fixture A: a tiny Llama written by gguf-py

DIM, LAYERS, HEADS, KV_HEADS, FFN, CTX = 64, 2, 4, 2, 96, 64
HEAD_DIM = DIM // HEADS
KV_DIM = KV_HEADS * HEAD_DIM
ROPE_BASE, NORM_EPS = 10000.0, 1e-5


def llama_vocab() -> tuple[list[str], list[float], list[int]]:
    """A SentencePiece-style vocabulary: <unk>, <s>, </s>, 256 byte tokens, then pieces."""
    tokens = ["<unk>", "<s>", "</s>"] + ["<0x%02X>" % b for b in range(256)]
    types = [gguf.TokenType.UNKNOWN, gguf.TokenType.CONTROL, gguf.TokenType.CONTROL] + [gguf.TokenType.BYTE] * 256
    pieces = ["▁", "e", "t", "a", "o", "n", "▁t", "▁a", "h", "he", "▁the", "in", "er", "▁w", "re", "s",
              "▁s", "on", "▁o", "at", "é", "▁é", "世", "界", "世界", "▁世界", "🙂", "ll", "▁he", "llo",
              "▁hello", "▁wor", "ld", "▁world", "r", "l", "d", "w", "c", "i"]
    for p in pieces:
        tokens.append(p)
        types.append(gguf.TokenType.NORMAL)
    while len(tokens) < 300:
        tokens.append("<extra_%d>" % (len(tokens) - 299 + 40))
        types.append(gguf.TokenType.UNUSED)
    scores = [0.0, 0.0, 0.0] + [0.0] * 256 + [-float(i) * 0.25 for i in range(len(tokens) - 259)]
    return tokens, scores, [int(t) for t in types]


# Every tensor's type, chosen so that each of the six types appears several times, in
# matrices of different shapes, and the file stays small.
TENSOR_TYPES = {
    "token_embd.weight": Q.Q8_0,
    "blk.0.attn_q.weight": Q.F16, "blk.0.attn_k.weight": Q.BF16, "blk.0.attn_v.weight": Q.F32,
    "blk.0.attn_output.weight": Q.Q8_0, "blk.0.ffn_gate.weight": Q.Q4_0, "blk.0.ffn_up.weight": Q.Q4_1,
    "blk.0.ffn_down.weight": Q.Q8_0,
    "blk.1.attn_q.weight": Q.Q4_0, "blk.1.attn_k.weight": Q.Q4_1, "blk.1.attn_v.weight": Q.Q8_0,
    "blk.1.attn_output.weight": Q.BF16, "blk.1.ffn_gate.weight": Q.F16, "blk.1.ffn_up.weight": Q.Q4_0,
    "blk.1.ffn_down.weight": Q.Q4_1,
    "output.weight": Q.Q4_1,
}


def llama_layout(vocab: int) -> list[tuple[str, tuple[int, ...]]]:
    """Tensor names and numpy shapes (outermost first; GGUF stores them reversed)."""
    out = [("token_embd.weight", (vocab, DIM))]
    for i in range(LAYERS):
        p = "blk.%d." % i
        out += [(p + "attn_norm.weight", (DIM,)), (p + "attn_q.weight", (DIM, DIM)),
                (p + "attn_k.weight", (KV_DIM, DIM)), (p + "attn_v.weight", (KV_DIM, DIM)),
                (p + "attn_output.weight", (DIM, DIM)), (p + "ffn_norm.weight", (DIM,)),
                (p + "ffn_gate.weight", (FFN, DIM)), (p + "ffn_up.weight", (FFN, DIM)),
                (p + "ffn_down.weight", (DIM, FFN))]
    out += [("output_norm.weight", (DIM,)), ("output.weight", (vocab, DIM))]
    return out


EXTRA_METADATA = [
    ("peer.uint8", 250, V.UINT8, None),
    ("peer.int8", -100, V.INT8, None),
    ("peer.uint16", 65000, V.UINT16, None),
    ("peer.int16", -32000, V.INT16, None),
    ("peer.uint32", 4000000000, V.UINT32, None),
    ("peer.int32", -2000000000, V.INT32, None),
    ("peer.float32", 0.1, V.FLOAT32, None),
    ("peer.bool_true", True, V.BOOL, None),
    ("peer.bool_false", False, V.BOOL, None),
    ("peer.string", "héllo ▁ 世界 🙂 \"quoted\"\n", V.STRING, None),
    ("peer.uint64", 2**63 + 5, V.UINT64, None),
    ("peer.int64", -(2**40) - 3, V.INT64, None),
    ("peer.float64", math.pi, V.FLOAT64, None),
    ("peer.array.uint8", [0, 1, 255], V.ARRAY, V.UINT8),
    ("peer.array.int16", [-32768, 0, 32767], V.ARRAY, V.INT16),
    ("peer.array.uint64", [0, 2**64 - 1], V.ARRAY, V.UINT64),
    ("peer.array.float64", [0.5, -1e300, 5e-324], V.ARRAY, V.FLOAT64),
    ("peer.array.bool", [True, False, True], V.ARRAY, None),
    ("peer.array.string", ["a", "", "▁b"], V.ARRAY, None),
    ("peer.array.nested", [[1, 2, 3], [-4], [5, 6]], V.ARRAY, None),
    ("peer.array.nested_strings", [["x", "y"], ["z"]], V.ARRAY, None),
    ("peer.array.nested_deep", [[[7]], [[8, 9]]], V.ARRAY, None),
]


def rms_norm(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    x = x.astype(np.float64)
    return x / np.sqrt(np.mean(x * x, axis=-1, keepdims=True) + NORM_EPS) * w


def rope(x: np.ndarray, pos: int) -> np.ndarray:
    """llama.cpp's RoPE for GGUF llama files: rotate adjacent pairs (x[2i], x[2i+1])."""
    out = x.copy()
    for i in range(0, HEAD_DIM, 2):
        theta = pos * ROPE_BASE ** (-i / HEAD_DIM)
        c, s = math.cos(theta), math.sin(theta)
        a, b = x[..., i], x[..., i + 1]
        out[..., i] = a * c - b * s
        out[..., i + 1] = a * s + b * c
    return out


def reference_forward(w: dict[str, np.ndarray], tokens: list[int]) -> np.ndarray:
    """A float64 Llama forward pass over gguf-py's dequantized weights; returns [T, vocab]."""
    x = np.stack([w["token_embd.weight"][t] for t in tokens]).astype(np.float64)
    T = len(tokens)
    for L in range(LAYERS):
        p = "blk.%d." % L
        h = rms_norm(x, w[p + "attn_norm.weight"])
        q = (h @ w[p + "attn_q.weight"].T).reshape(T, HEADS, HEAD_DIM)
        k = (h @ w[p + "attn_k.weight"].T).reshape(T, KV_HEADS, HEAD_DIM)
        v = (h @ w[p + "attn_v.weight"].T).reshape(T, KV_HEADS, HEAD_DIM)
        q = np.stack([rope(q[t], t) for t in range(T)])
        k = np.stack([rope(k[t], t) for t in range(T)])
        att = np.zeros((T, HEADS, HEAD_DIM))
        for hd in range(HEADS):
            kv = hd // (HEADS // KV_HEADS)
            s = q[:, hd, :] @ k[:, kv, :].T / math.sqrt(HEAD_DIM)
            s = s + np.triu(np.full((T, T), -np.inf), 1)
            s = np.exp(s - s.max(axis=-1, keepdims=True))
            s /= s.sum(axis=-1, keepdims=True)
            att[:, hd, :] = s @ v[:, kv, :]
        x = x + att.reshape(T, DIM) @ w[p + "attn_output.weight"].T
        h = rms_norm(x, w[p + "ffn_norm.weight"])
        g = h @ w[p + "ffn_gate.weight"].T
        u = h @ w[p + "ffn_up.weight"].T
        x = x + (g / (1 + np.exp(-g)) * u) @ w[p + "ffn_down.weight"].T
    return rms_norm(x, w["output_norm.weight"]) @ w["output.weight"].T


def make_llama_fixture() -> None:
    rng = np.random.default_rng(20240611)
    tokens, scores, types = llama_vocab()
    vocab = len(tokens)
    path = os.path.join(HERE, "peer_llama.gguf")
    writer = gguf.GGUFWriter(path, "llama")
    writer.add_name("peer-llama")
    writer.add_context_length(CTX)
    writer.add_embedding_length(DIM)
    writer.add_block_count(LAYERS)
    writer.add_feed_forward_length(FFN)
    writer.add_head_count(HEADS)
    writer.add_head_count_kv(KV_HEADS)
    writer.add_rope_dimension_count(HEAD_DIM)
    writer.add_rope_freq_base(ROPE_BASE)
    writer.add_layer_norm_rms_eps(NORM_EPS)
    writer.add_vocab_size(vocab)
    writer.add_file_type(gguf.LlamaFileType.MOSTLY_Q8_0)
    writer.add_tokenizer_model("llama")
    writer.add_token_list(tokens)
    writer.add_token_scores(scores)
    writer.add_token_types(types)
    writer.add_bos_token_id(1)
    writer.add_eos_token_id(2)
    writer.add_unk_token_id(0)
    writer.add_add_bos_token(True)
    writer.add_add_eos_token(False)
    for key, value, vtype, sub in EXTRA_METADATA:
        writer.add_key_value(key, value, vtype, sub_type=sub)

    dequantized: dict[str, np.ndarray] = {}
    table = []
    for name, shape in llama_layout(vocab):
        if len(shape) == 1:
            values = (1 + 0.1 * rng.standard_normal(shape)).astype(np.float32)
            qtype = Q.F32
        else:
            values = (rng.standard_normal(shape) / math.sqrt(shape[1])).astype(np.float32)
            qtype = TENSOR_TYPES[name]
        data = quantize(values, qtype)
        if qtype in (Q.F32, Q.F16):
            writer.add_tensor(name, data)
        else:
            writer.add_tensor(name, data, raw_dtype=qtype)
        # Dequantize what was written, byte for byte, as gguf-py reads it back.
        raw = np.frombuffer(data.tobytes(), dtype=np.uint8)
        back = dequantize(raw if qtype not in (Q.F32, Q.F16) else data, qtype).astype(np.float32).reshape(shape)
        dequantized[name] = back.astype(np.float64)
        table.append({
            "name": name, "type": TYPE_NAMES[qtype], "type_id": int(qtype), "shape": list(reversed(shape)),
            "bytes": int(data.nbytes), "first64": f32_hex_array(back.ravel()[:64]),
            "fnv1a64": fnv1a64(back.astype(np.float32).tobytes()),
        })
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()

    # Read the file back with gguf-py to record offsets and the metadata exactly as stored.
    reader = gguf.GGUFReader(path)
    by_name = {t.name: t for t in reader.tensors}
    for entry in table:
        t = by_name[entry["name"]]
        entry["offset"] = int(t.data_offset - reader.data_offset)
        assert [int(d) for d in t.shape] == entry["shape"], (entry["name"], t.shape)
    metadata = []
    kv = writer.kv_data[0]
    for key, field in reader.fields.items():
        if key.startswith("GGUF."):
            continue
        v = kv[key]
        metadata.append([key, encode(v.value, v.type, v.sub_type)])

    prompt = [1, 270, 285, 289, 3 + ord("!"), 299, 42]
    logits = reference_forward(dequantized, prompt)
    fixture = {
        "generator": "gguf %s, numpy %s" % (gguf_version(), np.__version__),
        "version": int(reader.fields["GGUF.version"].parts[-1][0]), "alignment": int(reader.alignment), "data_offset": int(reader.data_offset),
        "metadata": metadata, "tensors": table,
        "prompt": prompt, "reference_logits_last": f32_hex_array(logits[-1]),
        "reference_logits_first": f32_hex_array(logits[0]),
    }
    write_json(os.path.join(HERE, "peer_llama.json"), fixture)


# ---------------------------------------------------------------------------------------
# Fixture B: quantizer byte-exactness on edge-case rows

QUANT_TYPES = [Q.Q8_0, Q.Q4_0, Q.Q4_1, Q.F16, Q.BF16]
FLOAT_ONLY = [Q.F16, Q.BF16]


def quant_rows() -> list[tuple[str, np.ndarray, list[Q]]]:
    rng = np.random.default_rng(7)
    rows: list[tuple[str, np.ndarray, list[Q]]] = []
    rows.append(("all_zeros", np.zeros(64), QUANT_TYPES))
    # Q8_0 with amax 127: d = 1 and id = 1 exactly, so x * id hits every k + 0.5 tie.
    # A second block with amax 12.7 (d = 0.1, inexact) puts products near the ties.
    half = np.array([127.0] + [(k + 0.5) * (1 if k % 2 else -1) for k in range(31)])
    near = np.array([-12.7] + [(k + 0.5) * 0.1 * (1 if k % 3 else -1) for k in range(31)])
    rows.append(("q8_0_ties", np.concatenate([half, near]), QUANT_TYPES))
    # Q4_0: a block whose largest |x| is negative (d = +1, codes reach 0 and clamp at 15),
    # one whose largest is positive (d = -1, x = -8 gives 16.5 -> clamped), and a tie in
    # |x| between -3 and +3 (the first wins).
    neg = np.array([-8.0] + [float(k) * 0.5 - 7.5 for k in range(31)])
    pos = np.array([8.0] + [7.5 - float(k) * 0.5 for k in range(31)])
    tie = np.array([-3.0, 3.0] + list(np.linspace(-2.9, 2.9, 30)))
    q40_half = np.array([-8.0] + [k - 8.0 + 0.5 for k in range(16)] + [k - 8.0 for k in range(15)])
    rows.append(("q4_0_signs_and_ties", np.concatenate([neg, pos, tie, q40_half]), QUANT_TYPES))
    outlier = rng.standard_normal(128) * 0.01
    outlier[77] = 1000.0
    outlier[5] = -250.0
    rows.append(("single_outlier", outlier, QUANT_TYPES))
    # Tiny values: f32 normals too small for f16 (the scale rounds to 0 or a subnormal),
    # and a block of f32 subnormals whose 1/d overflows to infinity (C leaves the int8
    # conversion undefined; x86 and numpy give 0).
    tiny = np.concatenate([rng.standard_normal(32) * 1e-6, rng.standard_normal(32) * 1e-30,
                           np.full(32, 1e-40) * np.sign(rng.standard_normal(32)),
                           rng.standard_normal(32) * 3e-37])
    rows.append(("tiny_and_subnormal", tiny, QUANT_TYPES))
    # Q4_1: a constant block (d = 0), an all-negative block, and exact (k + 0.5) * d offsets.
    const = np.full(32, 3.25)
    negs = -np.abs(rng.standard_normal(32)) - 1
    q41_half = np.array([0.0, 15.0] + [k + 0.5 for k in range(15)] + [float(k) for k in range(15)])
    rows.append(("q4_1_constant_negative_ties", np.concatenate([const, negs, q41_half]), QUANT_TYPES))
    rows.append(("gaussian", rng.standard_normal(128) * 0.05, QUANT_TYPES))
    # Float formats: signed zeros, f16 overflow and the largest finite values, subnormals,
    # ties to even at both precisions, infinities and a quiet NaN.
    special = [0.0, -0.0, 65504.0, 65519.99, 65520.0, -65520.0, 1e6, 6e-8, 5.96e-8, 2.9e-8, 3.0e-8, 1e-10,
               1 + 2**-11, 1 + 3 * 2**-11, 1 + 2**-8, 1 + 3 * 2**-8, -(1 + 2**-8), 3.0e38, -3.4e38,
               1.17549435e-38, 1e-45, -1e-45, float("inf"), float("-inf"), float("nan"), 0.1, -0.3, 1 / 3, 2048.5,
               2049.0, 33.3, -7.77]
    rows.append(("float_specials", np.array(special + list(rng.standard_normal(32))), FLOAT_ONLY))
    return [(n, r.astype(np.float32), t) for n, r, t in rows]


def make_quant_fixture() -> None:
    out = []
    with np.errstate(all="ignore"):  # the subnormal rows overflow 1/d on purpose
        for name, row, types in quant_rows():
            entry = {"name": name, "values": f32_hex_array(row), "bytes": {}}
            for t in types:
                q = quantize(row.reshape(1, -1), t)
                entry["bytes"][TYPE_NAMES[t]] = q.tobytes().hex()
            out.append(entry)
    write_json(os.path.join(HERE, "quant_rows.json"), {"generator": "gguf %s, numpy %s" % (gguf_version(), np.__version__), "rows": out})


# ---------------------------------------------------------------------------------------
# The other direction: files LowBit writes, read by gguf-py


def gguf_version() -> str:
    try:
        from importlib.metadata import version
        return version("gguf")
    except Exception:  # noqa: BLE001
        return "unknown"


def reader_value(field) -> object:
    v = field.contents()
    return v


def same_json_value(a, b) -> bool:
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same_json_value(x, y) for x, y in zip(a, b))
    if isinstance(a, float) or isinstance(b, float):
        return float(a) == float(b)
    return a == b


def check_lowbit(lowbit: str, shape: str) -> int:
    failures = 0

    def fail(msg: str) -> None:
        nonlocal failures
        failures += 1
        print("FAIL:", msg)

    with tempfile.TemporaryDirectory() as tmp:
        files = {}
        for t in ["f32", "f16", "bf16", "q8_0", "q4_0", "q4_1"]:
            files[t] = os.path.join(tmp, "synth-%s.gguf" % t)
            subprocess.run([lowbit, "synth", "--shape", shape, "--type", t, "--seed", "1", files[t]], check=True)
        originals = {t.name: t for t in gguf.GGUFReader(files["f32"]).tensors}
        for t, path in files.items():
            inspect = json.loads(subprocess.run([lowbit, "inspect", path, "--json"], check=True,
                                                capture_output=True, text=True).stdout)
            reader = gguf.GGUFReader(path)
            # Metadata: every key, same value, nothing extra.
            keys = [k for k in reader.fields if not k.startswith("GGUF.")]
            if sorted(keys) != sorted(inspect["metadata"]):
                fail("%s: metadata keys differ: %s" % (t, set(keys) ^ set(inspect["metadata"])))
            for k in keys:
                ours = inspect["metadata"].get(k)
                theirs = reader_value(reader.fields[k])
                if isinstance(theirs, float) and isinstance(ours, float):
                    # JSON carries Double(Float); compare at f32 precision.
                    ok = np.float32(theirs) == np.float32(ours)
                elif isinstance(theirs, list) and theirs and isinstance(theirs[0], float):
                    ok = np.array_equal(np.array(theirs, dtype=np.float32), np.array(ours, dtype=np.float32))
                else:
                    ok = same_json_value(theirs, ours)
                if not ok:
                    fail("%s: metadata %s: gguf-py %r, lowbit %r" % (t, k, str(theirs)[:80], str(ours)[:80]))
            # Tensor table and data.
            if len(reader.tensors) != len(inspect["tensors"]):
                fail("%s: %d tensors in gguf-py, %d in lowbit" % (t, len(reader.tensors), len(inspect["tensors"])))
            deq_path = os.path.join(tmp, "deq-%s.gguf" % t)
            subprocess.run([lowbit, "quantize", path, deq_path, "--type", "f32"], check=True, capture_output=True)
            lowbit_f32 = {x.name: x for x in gguf.GGUFReader(deq_path).tensors}
            n_values = 0
            for rt, it in zip(reader.tensors, inspect["tensors"]):
                if rt.name != it["name"]:
                    fail("%s: tensor order: %s vs %s" % (t, rt.name, it["name"]))
                    continue
                if TYPE_NAMES.get(rt.tensor_type) != it["type"]:
                    fail("%s: %s type %s vs %s" % (t, rt.name, rt.tensor_type.name, it["type"]))
                if [int(d) for d in rt.shape] != it["shape"]:
                    fail("%s: %s shape %s vs %s" % (t, rt.name, list(rt.shape), it["shape"]))
                if rt.data_offset - reader.data_offset != it["offset"] or rt.n_bytes != it["bytes"]:
                    fail("%s: %s offset/bytes %d/%d vs %d/%d" % (t, rt.name, rt.data_offset - reader.data_offset,
                                                                 rt.n_bytes, it["offset"], it["bytes"]))
                theirs = dequantize(rt.data, rt.tensor_type).astype(np.float32).ravel()
                ours = np.asarray(lowbit_f32[rt.name].data, dtype=np.float32).ravel()
                if not np.array_equal(theirs.view(np.uint32), ours.view(np.uint32)):
                    bad = int(np.count_nonzero(theirs.view(np.uint32) != ours.view(np.uint32)))
                    fail("%s: %s: %d of %d dequantized values differ" % (t, rt.name, bad, theirs.size))
                n_values += theirs.size
                # Quantizer: gguf-py re-quantizes LowBit's f32 weights (same seed) to this type.
                if rt.tensor_type != Q.F32:
                    src = np.asarray(originals[rt.name].data, dtype=np.float32)
                    with np.errstate(all="ignore"):
                        expect = np.asarray(quantize(src, rt.tensor_type)).tobytes()
                    got = np.asarray(rt.data).tobytes()
                    if expect != got:
                        fail("%s: %s: bytes differ from gguf.quants.quantize of the f32 weights" % (t, rt.name))
            print("%-5s %3d tensors, %d metadata keys, %d values dequantized: %s" % (
                t, len(reader.tensors), len(keys), n_values, "ok" if failures == 0 else "FAILURES"))
    print("%d failures" % failures)
    return 1 if failures else 0


def write_json(path: str, obj) -> None:
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")
    print("wrote %s (%d bytes)" % (os.path.relpath(path), os.path.getsize(path)))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check-lowbit", metavar="LOWBIT", help="path to a built lowbit binary")
    ap.add_argument("--shape", default="15m", help="synthetic shape for --check-lowbit (default 15m)")
    args = ap.parse_args()
    if args.check_lowbit:
        return check_lowbit(args.check_lowbit, args.shape)
    make_llama_fixture()
    make_quant_fixture()
    print("wrote %s (%d bytes)" % (os.path.relpath(os.path.join(HERE, "peer_llama.gguf")),
                                    os.path.getsize(os.path.join(HERE, "peer_llama.gguf"))))
    return 0


if __name__ == "__main__":
    sys.exit(main())

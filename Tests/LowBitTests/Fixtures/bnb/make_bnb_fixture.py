#!/usr/bin/env python3
"""Reference values for LowBit's bitsandbytes NF4/FP4 scheme (BitsAndBytes4Bit).

Run by hand, never by CI:

    pip download bitsandbytes --no-deps -d /tmp/bnb && (cd /tmp/bnb && unzip -qo *.whl)
    python3 Tests/LowBitTests/Fixtures/bnb/make_bnb_fixture.py /tmp/bnb/bitsandbytes
        writes bnb4bit.json next to this script

The NF4 and FP4 code books are read out of bitsandbytes' own source
(`functional.py`, `get_4bit_type`) with `ast`, not typed in here. torch is not available
on the development machine (download.pytorch.org is unreachable and PyPI's wheel needs the
CUDA libraries), so the quantizer is bitsandbytes' CPU "default" backend
(`backends/default/ops.py`: `quantize_4bit`, `quantize_blockwise`, `_dequantize_*`)
transcribed op for op into numpy float32: `torch.bucketize(x, bounds)` (right=False) is
`np.searchsorted(bounds, x, side="left")`; `torch.linspace` in float32 is computed as ATen
does (first half from the start, second half from the end). Floats are hex bit patterns.
"""
import ast, json, struct, sys
from pathlib import Path
import numpy as np

f32 = np.float32

def hexf(x):
    return struct.pack(">f", float(x)).hex()

def code_books(bnb_dir):
    tree = ast.parse(Path(bnb_dir, "functional.py").read_text())
    fn = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == "get_4bit_type")
    books = {}
    for node in ast.walk(fn):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Compare):
            name = node.test.comparators[0].value if isinstance(node.test.comparators[0], ast.Constant) else None
            for stmt in node.body:
                if isinstance(stmt, ast.Assign) and getattr(stmt.targets[0], "id", "") == "data" and name in ("nf4", "fp4"):
                    books[name] = [float(ast.literal_eval(e)) for e in stmt.value.elts]
    out = {}
    for k, v in books.items():
        t = np.array(v, dtype=f32)
        out[k] = (t / np.abs(t).max()).astype(f32)  # data.div_(data.abs().max())
    return out

def torch_linspace(start, end, n):
    start, end = f32(start), f32(end)
    step = f32((end - start) / f32(n - 1))
    half = n // 2
    return np.array([start + step * f32(i) if i < half else end - step * f32(n - i - 1) for i in range(n)], dtype=f32)

def dynamic_map():
    data = []
    for i in range(7):
        n = 2 ** i + 1
        b = torch_linspace(0.1, 1, n)
        means = ((b[:-1] + b[1:]) / f32(2)).astype(f32)
        scale = f32(10 ** (-(7 - 1) + i))
        data += [float(f32(scale * m)) for m in means]
        data += [float(f32(-(scale * m))) for m in means]
    data += [0.0, 1.0]
    return np.array(sorted(data), dtype=f32)

def quantize_blockwise(A, code, blocksize, sort_order=None):
    A = A.astype(f32)
    n = A.size; rem = n % blocksize; full = n - rem; blocks = full // blocksize
    com = A[:full].reshape(blocks, blocksize)
    absmax = np.abs(com).max(axis=1).astype(f32)
    recip = (f32(1.0) / np.maximum(absmax, f32(1e-38))).astype(f32)
    scaled = np.clip(com * recip[:, None], -1, 1).astype(f32).reshape(-1)
    if rem:
        am = np.maximum(np.abs(A[full:]).max(), f32(1e-38)).astype(f32)
        absmax = np.concatenate([absmax, [am]]).astype(f32)
        scaled = np.concatenate([scaled, np.clip(A[full:] / am, -1, 1).astype(f32)])
    if sort_order is None:
        bounds = ((code[:-1] + code[1:]) / f32(2)).astype(f32)
        return np.searchsorted(bounds, scaled, side="left"), absmax
    sc = code[sort_order]
    bounds = ((sc[:-1] + sc[1:]) / f32(2)).astype(f32)
    q = np.searchsorted(bounds, scaled, side="left")
    return sort_order[q], absmax

def dequantize(q, absmax, code, blocksize):
    out = code[q].astype(f32)
    return np.array([out[i] * absmax[i // blocksize] for i in range(len(out))], dtype=f32)

def main():
    books = code_books(sys.argv[1])
    rng = np.random.default_rng(7)
    # 300 values: 4 full blocks of 64 and a partial block of 44. Block 0 has absmax exactly 1
    # and values exactly on every NF4 midpoint (ties), block 1 is all zero.
    x = rng.standard_normal(300).astype(f32) * f32(0.05)
    nf4 = books["nf4"]
    mids = ((nf4[:-1] + nf4[1:]) / f32(2)).astype(f32)
    x[0] = f32(1.0)
    x[1:1 + len(mids)] = mids
    x[64:128] = 0
    x[200] = f32(-0.3)
    fixture = {"values": [hexf(v) for v in x], "code": {}}
    for name, code in books.items():
        order = np.argsort(code, kind="stable")
        q, absmax = quantize_blockwise(x, code, 64, sort_order=order)
        fixture["code"][name] = {
            "book": [hexf(v) for v in code],
            "indices": [int(v) for v in q],
            "absmax": [hexf(v) for v in absmax],
            "dequantized": [hexf(v) for v in dequantize(q, absmax, code, 64)],
        }
    # Double quantization of 600 absmax values (3 blocks of 256, the last partial).
    am = (np.abs(rng.standard_normal(600)) * 0.02 + 0.001).astype(f32)
    offset = f32(am.astype(np.float64).mean())
    dyn = dynamic_map()
    q2, s2 = quantize_blockwise((am - offset).astype(f32), dyn, 256)
    back = (dequantize(q2, s2, dyn, 256) + offset).astype(f32)
    fixture["double_quant"] = {"absmax": [hexf(v) for v in am], "dynamic_map": [hexf(v) for v in dyn],
                               "indices": [int(v) for v in q2], "round_trip": [hexf(v) for v in back]}
    Path(__file__).with_name("bnb4bit.json").write_text(json.dumps(fixture, indent=0) + "\n")

main()

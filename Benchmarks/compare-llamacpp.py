#!/usr/bin/env python3
"""LowBit vs llama.cpp on the same GGUF files, in the same run, interleaved.

    swift build -c release
    python3 Benchmarks/compare-llamacpp.py FILE.gguf [FILE.gguf ...] [-p 64] [-n 32] [-r 3]
        [-t 1,2] [--lowbit .build/release/lowbit] [--json OUT.json] [--md]

For each file and thread count it alternates rounds: one llama.cpp measurement, then one
`lowbit bench` measurement, `-r` times, so that both see the same machine state (this VM's
memory bandwidth varies by 3x between machines and over an hour). Each round measures
prefill of `-p` tokens in one batch (pp) and `-n` single-token decode steps (tg) from an empty
cache, as llama-bench does, and reports tokens/s (median of the rounds) and the ratio
LowBit / llama.cpp. It also measures this machine's single-thread read bandwidth in the same
run (kernel-bench's roofline), so that decode speed can be read against it.

llama.cpp is `llama-bench` when one is on PATH (or given with --llama-bench), else
llama-cpp-python (`pip install llama-cpp-python`, built from source on this machine, timed
around `llama_decode`); it is a development-time peer, never a LowBit dependency, and CI
never runs this script. --batch 1,4,16,64 adds LowBit's batched decoding (aggregate
tokens/s of B sequences) next to its prefill.
"""
from __future__ import annotations

import argparse
import ctypes
import json
import os
import shutil
import statistics
import subprocess
import sys
import time


def llama_round(path: str, n_prompt: int, n_gen: int, threads: int, state: dict) -> tuple[float, float]:
    """One pp and one tg measurement with llama.cpp; returns tokens/s (pp, tg)."""
    import llama_cpp as L

    if "model" not in state:
        L.llama_backend_init()
        mp = L.llama_model_default_params()
        mp.n_gpu_layers = 0
        state["model"] = L.llama_model_load_from_file(path.encode(), mp)
        if not state["model"]:
            raise RuntimeError(f"llama.cpp cannot load {path}")
        cp = L.llama_context_default_params()
        cp.n_ctx = max(256, n_prompt + n_gen + 8)
        cp.n_batch = max(n_prompt, 1)
        cp.n_ubatch = max(n_prompt, 1)
        cp.n_threads = threads
        cp.n_threads_batch = threads
        cp.no_perf = False
        state["ctx"] = L.llama_init_from_model(state["model"], cp)
        state["vocab"] = L.llama_n_vocab(L.llama_model_get_vocab(state["model"]))
        # Warm-up (as llama-bench): one prompt batch and one decode step.
        _decode(L, state, [1] * min(8, n_prompt))
        L.llama_memory_clear(L.llama_get_memory(state["ctx"]), True)
    ctx, vocab = state["ctx"], state["vocab"]
    prompt = [(i * 7919 + 13) % vocab for i in range(n_prompt)]
    mem = L.llama_get_memory(ctx)

    L.llama_memory_clear(mem, True)
    t0 = time.perf_counter()
    _decode(L, state, prompt)
    pp = n_prompt / (time.perf_counter() - t0)

    L.llama_memory_clear(mem, True)
    tok = 1
    t0 = time.perf_counter()
    for i in range(n_gen):
        _decode(L, state, [tok])
        tok = (tok * 31 + i) % vocab
    tg = n_gen / (time.perf_counter() - t0)
    return pp, tg


def llama_bench_round(exe: str, path: str, n_prompt: int, n_gen: int, threads: int) -> tuple[float, float]:
    """One pp and one tg measurement with a llama-bench executable; returns tokens/s (pp, tg)."""
    out = subprocess.run([exe, "-m", path, "-p", str(n_prompt), "-n", str(n_gen), "-r", "1", "-t", str(threads), "-o", "json"],
                         check=True, capture_output=True, text=True).stdout
    pp = tg = 0.0
    for r in json.loads(out):
        if r.get("n_prompt", 0) > 0 and r.get("n_gen", 0) == 0:
            pp = r["avg_ts"]
        elif r.get("n_gen", 0) > 0 and r.get("n_prompt", 0) == 0:
            tg = r["avg_ts"]
    return pp, tg


def _decode(L, state: dict, tokens: list[int]) -> None:
    arr = (L.llama_token * len(tokens))(*tokens)
    batch = L.llama_batch_get_one(arr, len(tokens))
    rc = L.llama_decode(state["ctx"], batch)
    if rc != 0:
        raise RuntimeError(f"llama_decode returned {rc}")


def lowbit_round(lowbit: str, path: str, n_prompt: int, n_gen: int, threads: int,
                 batches: list[int], isa: str | None = None) -> tuple[float, float, int, dict]:
    """One `lowbit bench` run (-r 1 after its own warm-up); returns tokens/s (pp, tg), peak RSS
    and the batched-decode tokens/s by batch size. `isa` caps LowBit's kernels (LOWBIT_ISA)."""
    cmd = [lowbit, "bench", "-m", path, "-p", str(n_prompt), "-n", str(n_gen), "-r", "1", "-t", str(threads), "--json"]
    if batches:
        cmd += ["--batch", ",".join(map(str, batches))]
    env = dict(os.environ, LOWBIT_ISA=isa) if isa else None
    report = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout)
    results = {r["test"]: r["avg_ts"] for r in report["results"]}
    batched = {b: results[f"tg{n_gen} b{b}"] for b in batches}
    return results[f"pp{n_prompt}"], results[f"tg{n_gen}"], int(report.get("peak_rss_bytes", 0)), batched


def read_bandwidth(kernel_bench: str) -> float | None:
    """Single-thread read bandwidth (GB/s) measured now by kernel-bench's roofline."""
    if not os.path.exists(kernel_bench):
        return None
    out = subprocess.run([kernel_bench, "--rooflines", "--threads", "1", "--reps", "3"], capture_output=True, text=True)
    for line in (out.stdout + out.stderr).splitlines():
        if "read" in line and "GB/s" in line:
            try:
                return float(line.split("read")[1].split("GB/s")[0])
            except ValueError:
                pass
    return None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="+")
    ap.add_argument("-p", type=int, default=64)
    ap.add_argument("-n", type=int, default=32)
    ap.add_argument("-r", type=int, default=3)
    ap.add_argument("-t", default="1")
    ap.add_argument("--lowbit", default=".build/release/lowbit")
    ap.add_argument("--kernel-bench", help="default: kernel-bench next to the --lowbit binary")
    ap.add_argument("--llama-bench", default=shutil.which("llama-bench"))
    ap.add_argument("--batch", default="", help="LowBit batched decode sizes, e.g. 1,4,16,64")
    ap.add_argument("--also-isa", help="also time LowBit capped at this instruction set (LOWBIT_ISA), e.g. avx2, "
                    "in the same rounds")
    ap.add_argument("--json")
    ap.add_argument("--md", action="store_true")
    a = ap.parse_args()
    threads = [int(t) for t in a.t.split(",")]
    batches = [int(b) for b in a.batch.split(",") if b]
    peer = f"llama-bench ({a.llama_bench})" if a.llama_bench else "llama-cpp-python"

    bandwidth = read_bandwidth(a.kernel_bench or os.path.join(os.path.dirname(a.lowbit), "kernel-bench"))
    rows = []
    for path in a.files:
        size = os.path.getsize(path)
        for t in threads:
            state: dict = {}
            lc_pp, lc_tg, lb_pp, lb_tg, rss = [], [], [], [], 0
            alt_pp, alt_tg = [], []
            lb_batch: dict = {b: [] for b in batches}
            for _ in range(a.r):
                if a.llama_bench:
                    pp, tg = llama_bench_round(a.llama_bench, path, a.p, a.n, t)
                else:
                    pp, tg = llama_round(path, a.p, a.n, t, state)
                lc_pp.append(pp); lc_tg.append(tg)
                pp, tg, r, bt = lowbit_round(a.lowbit, path, a.p, a.n, t, batches)
                lb_pp.append(pp); lb_tg.append(tg); rss = max(rss, r)
                if a.also_isa:
                    pp, tg, _, _ = lowbit_round(a.lowbit, path, a.p, a.n, t, [], a.also_isa)
                    alt_pp.append(pp); alt_tg.append(tg)
                for b, v in bt.items():
                    lb_batch[b].append(v)
            if state:
                import llama_cpp as L
                L.llama_free(state["ctx"]); L.llama_model_free(state["model"])
            row = {
                "file": os.path.basename(path), "bytes": size, "threads": t,
                "llama_cpp": {"pp": statistics.median(lc_pp), "tg": statistics.median(lc_tg), "pp_samples": lc_pp, "tg_samples": lc_tg},
                "lowbit": {"pp": statistics.median(lb_pp), "tg": statistics.median(lb_tg), "pp_samples": lb_pp, "tg_samples": lb_tg,
                           "peak_rss_bytes": rss,
                           "batched_tg": {str(b): statistics.median(v) for b, v in lb_batch.items()}},
            }
            if a.also_isa:
                row["lowbit_" + a.also_isa] = {"pp": statistics.median(alt_pp), "tg": statistics.median(alt_tg),
                                               "pp_samples": alt_pp, "tg_samples": alt_tg}
            row["ratio_pp"] = row["lowbit"]["pp"] / row["llama_cpp"]["pp"]
            row["ratio_tg"] = row["lowbit"]["tg"] / row["llama_cpp"]["tg"]
            # Decode reads every weight once per token: effective GB/s of the tg figures.
            row["lowbit_tg_GBps"] = row["lowbit"]["tg"] * size / 1e9
            row["llama_cpp_tg_GBps"] = row["llama_cpp"]["tg"] * size / 1e9
            rows.append(row)
            print(f"{row['file']} t={t}: pp{a.p} {row['lowbit']['pp']:.1f} vs {row['llama_cpp']['pp']:.1f} "
                  f"({row['ratio_pp']:.2f}x), tg{a.n} {row['lowbit']['tg']:.2f} vs {row['llama_cpp']['tg']:.2f} "
                  f"({row['ratio_tg']:.2f}x)", file=sys.stderr)

    bw = f"{bandwidth:.1f} GB/s" if bandwidth else "not measured"
    sep = "|" if a.md else " "
    print(f"Same run, interleaved, against {peer}; read bandwidth (1 thread, kernel-bench): {bw}. "
          f"tokens/s, LowBit / llama.cpp (ratio)")
    header = ["file", "threads", f"pp{a.p}", f"tg{a.n}", "tg GB/s LowBit / llama.cpp", "LowBit peak RSS / file"]
    header += [f"LowBit tg B={b} (× tg)" for b in batches]
    if a.also_isa:
        header += [f"LowBit {a.also_isa} pp{a.p} / tg{a.n} (× llama.cpp)"]
    if a.md:
        print("| " + " | ".join(header) + " |")
        print("|" + "---|" * len(header))
    for r in rows:
        cells = [r["file"], str(r["threads"]),
                 f"{r['lowbit']['pp']:.1f} / {r['llama_cpp']['pp']:.1f} ({r['ratio_pp']:.2f}x)",
                 f"{r['lowbit']['tg']:.2f} / {r['llama_cpp']['tg']:.2f} ({r['ratio_tg']:.2f}x)",
                 f"{r['lowbit_tg_GBps']:.1f} / {r['llama_cpp_tg_GBps']:.1f}",
                 f"{r['lowbit']['peak_rss_bytes'] / r['bytes']:.2f}" if r["lowbit"]["peak_rss_bytes"] else "?"]
        cells += [f"{r['lowbit']['batched_tg'][str(b)]:.1f} ({r['lowbit']['batched_tg'][str(b)] / r['lowbit']['tg']:.1f}×)"
                  for b in batches]
        if a.also_isa:
            alt = r["lowbit_" + a.also_isa]
            cells += [f"{alt['pp']:.1f} ({alt['pp'] / r['llama_cpp']['pp']:.2f}x) / {alt['tg']:.2f} "
                      f"({alt['tg'] / r['llama_cpp']['tg']:.2f}x)"]
        print(("| " + " | ".join(cells) + " |") if a.md else "  ".join(cells))
    # Prefill over threads: each runtime's pp at t threads over its own pp at the smallest count.
    scaling = []
    for name in dict.fromkeys(r["file"] for r in rows):
        own = sorted((r for r in rows if r["file"] == name), key=lambda r: r["threads"])
        for r in own[1:]:
            scaling.append({"file": name, "threads": r["threads"], "base_threads": own[0]["threads"],
                            "lowbit": r["lowbit"]["pp"] / own[0]["lowbit"]["pp"],
                            "llama_cpp": r["llama_cpp"]["pp"] / own[0]["llama_cpp"]["pp"]})
    if scaling:
        print(f"pp{a.p} at t threads over the first count, LowBit / llama.cpp: "
              + "; ".join(f"{s['file']} t={s['threads']}/{s['base_threads']} {s['lowbit']:.2f} / {s['llama_cpp']:.2f}" for s in scaling))
    if a.json:
        with open(a.json + ".tmp", "w") as f:
            json.dump({"read_bandwidth_GBps": bandwidth, "peer": peer, "prompt": a.p, "gen": a.n, "rounds": a.r, "rows": rows,
                       "pp_scaling": scaling}, f, indent=1)
        os.replace(a.json + ".tmp", a.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())

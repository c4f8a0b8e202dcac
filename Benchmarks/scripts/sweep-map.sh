#!/usr/bin/env bash
# Regenerates the unlearning × quantization map in the README (docs/sweep/): six sweeps on
# a dim-128 target and a dim-64 target, merged into one sweep.json / sweep.html.
# The map was measured on subjects trained on the first, templated corpus (the shipped
# subjects now use prose biographies), so this script trains its targets with
# --corpus-style templated: the dim-128 one has the recipe, corpus and seed of the shipped
# target of the time (12 min on one thread).
#
#   Benchmarks/scripts/sweep-map.sh OUT_DIR [THREADS]
#
# Every step is deterministic (same seeds, same bytes); with one thread it took 2,944 s
# here (914 + 453 + 214 + 405 + 689 + 269 s; x86_64 EPYC, 2 cores, another job on the second
# core), plus 1,066 s to train the dim-64 target.
# WIDE=1 also trains the dim-256 / 6-layer target (7,364 s on one thread here) and sweeps it
# (6 cells, 154–208 s each with 2 threads); docs/sweep/ was made with WIDE=1.
set -euo pipefail
out=${1:?usage: sweep-map.sh OUT_DIR [THREADS]}
threads=${2:-1}
cd "$(dirname "$0")/../.."
swift build -c release --product lowbit
B=.build/release/lowbit
mkdir -p "$out"
style=(--corpus-style templated)
[ -f "$out/w128/target.gguf" ] || $B train --out "$out/w128" "${style[@]}" --only target --threads "$threads"
[ -f "$out/w64/target.gguf" ] || $B train --out "$out/w64" "${style[@]}" --dim 64 --layers 4 --heads 2 --ffn 192 --only target --threads "$threads"
t128=(--targets "$out/w128/target.gguf")
$B sweep --out "$out/map128" "${t128[@]}" --threads "$threads" --resume
$B sweep --out "$out/lock128" "${t128[@]}" --locks q4_0 --lrs 3e-4,1e-3,3e-3 --threads "$threads" --resume
$B sweep --out "$out/map64" --targets "$out/w64/target.gguf" --lrs 1e-4,3e-4,1e-3 --threads "$threads" --resume
$B sweep --out "$out/bf16-128" "${t128[@]}" --weights bf16 --lrs 1e-4,3e-4,1e-3 --threads "$threads" --resume
$B sweep --out "$out/long128" "${t128[@]}" --lrs 3e-5,1e-4 --epochs 20 --threads "$threads" --resume
$B sweep --out "$out/more128" "${t128[@]}" --methods ga_klr,npo_gdr --lrs 3e-4,1e-3 --threads "$threads" --resume
parts=("$out/map128/sweep.json" "$out/lock128/sweep.json" "$out/map64/sweep.json" "$out/bf16-128/sweep.json" "$out/long128/sweep.json"
       "$out/more128/sweep.json")
if [ "${WIDE:-0}" = 1 ]; then
    [ -f "$out/w256/target.gguf" ] || $B train --out "$out/w256" "${style[@]}" --dim 256 --layers 6 --heads 8 --ffn 768 --only target --threads "$threads"
    w="$out/w256/target.gguf"
    $B sweep --out "$out/map256a" --targets "$w" --methods ga_gdr --lrs 3e-4 --threads "$threads" --resume
    $B sweep --out "$out/map256b" --targets "$w" --methods npo_klr --lrs 1e-3 --threads "$threads" --resume
    $B sweep --out "$out/map256c" --targets "$w" --lrs 3e-5,1e-4 --threads "$threads" --resume
    parts+=("$out/map256a/sweep.json" "$out/map256b/sweep.json" "$out/map256c/sweep.json")
fi
$B sweep merge --out "$out/map" "${parts[@]}"

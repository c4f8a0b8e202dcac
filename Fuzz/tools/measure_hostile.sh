#!/usr/bin/env bash
# Times LowBit on the hostile files of make_hostile.py: wall time, peak RSS and output bytes
# per case, from /usr/bin/time -v. Usage: Fuzz/tools/measure_hostile.sh [LOWBIT] [DIR] [LIMIT_S]
set -uo pipefail
B=${1:-.build/release/lowbit}
D=${2:-/tmp/hostile}
LIMIT=${3:-300}
[ -f "$D/tensors.gguf" ] || python3 "$(dirname "$0")/make_hostile.py" "$D"
PROMPT=$(cat "$D/specials-prompt.txt")
printf '%-34s %8s %10s %6s %12s %12s\n' case seconds peakRSS_MB exit stdout_B stderr_B
one() {
  local name=$1; shift
  /usr/bin/time -v -o /tmp/mh.time timeout "$LIMIT" "$@" >/tmp/mh.out 2>/tmp/mh.err
  local rc=$?
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/{print $2}' /tmp/mh.time | awk -F: '{ if (NF==3) print $1*3600+$2*60+$3; else print $1*60+$2 }')
  rss=$(awk -F': ' '/Maximum resident set size/{printf "%.1f", $2/1024}' /tmp/mh.time)
  printf '%-34s %8s %10s %6s %12s %12s\n' "$name" "$wall" "$rss" "$rc" "$(stat -c %s /tmp/mh.out)" "$(stat -c %s /tmp/mh.err)"
}
one "1a inspect alignment-array"      "$B" inspect "$D/alignment-array.gguf"
one "1b run hparam-array"             "$B" run -m "$D/hparam-array.gguf" -p x -n 1
one "2a inspect u8-array"             "$B" inspect "$D/u8-array.gguf"
one "2b inspect --json u8-array"      "$B" inspect --json "$D/u8-array.gguf"
one "2c inspect --json f32-array"     "$B" inspect --json "$D/f32-array.gguf"
one "2d inspect --json str-array"     "$B" inspect --json "$D/str-array.gguf"
one "2e inspect --json nested-array"  "$B" inspect --json "$D/nested-array.gguf"
one "3  tokenize 50k specials"        "$B" tokenize -m "$D/specials.gguf" "$PROMPT"
one "x  tokenize 500k wide specials"  "$B" tokenize -m "$D/specials-wide.gguf" "$PROMPT"
one "x  inspect 1M-tensor table"      "$B" inspect "$D/tensors.gguf"
one "x  inspect --json 1M tensors"    "$B" inspect --json "$D/tensors.gguf"

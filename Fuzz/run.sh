#!/usr/bin/env bash
# Builds and runs LowBit's libFuzzer targets.
#
#   Fuzz/run.sh TARGET SECONDS [libFuzzer options…]   run one target (gguf, tokenizer, muse, hf)
#   Fuzz/run.sh all SECONDS                           run every target, SECONDS each
#   Fuzz/run.sh build [TARGET]                        only build
#   Fuzz/run.sh list                                  print the targets
#
# Builds with swiftc -sanitize=fuzzer,address into .build/fuzz (override: LOWBIT_FUZZ_BUILD):
# Kernels at -O with the address sanitizer, the readers (LowBit, Probe) and the harness at
# -Onone with coverage, so the standard library's bounds checks on unsafe buffers stay on.
# Each input is held to limits, so slowness and blow-ups are failures too, not only crashes:
# -timeout=2 s, -rss_limit_mb, -malloc_limit_mb (see limits() below).
#
# The committed corpus Fuzz/Corpus/TARGET (seeds and every input that ever failed) is read;
# new coverage goes to .build/fuzz/corpus/TARGET. A failing input is copied into
# Fuzz/Corpus/TARGET/ as a regression case (commit it with the fix). Exits non-zero on a
# failure; exits 0 with a message when the toolchain has no libFuzzer (macOS toolchains),
# unless LOWBIT_FUZZ_REQUIRE=1.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
FUZZ=$ROOT/Fuzz
# The readers' optimization: -Onone (default) keeps the standard library's debug checks on
# unsafe buffers; LOWBIT_FUZZ_OPT=-O trades them for speed (the address sanitizer stays).
OPT=${LOWBIT_FUZZ_OPT:--Onone}
OUT=${LOWBIT_FUZZ_BUILD:-$ROOT/.build/fuzz$([ "$OPT" = -Onone ] || echo "$OPT")}
SWIFTC=${SWIFTC:-swiftc}
TARGETS=(gguf tokenizer muse hf)

usage() { sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

# Modules each target links, in dependency order.
modules() {
    case $1 in
        gguf | tokenizer | hf) echo "KernelsVNNI Kernels LowBit" ;;
        muse) echo "KernelsVNNI Kernels LowBit Probe" ;;
        *) echo "unknown target '$1' (targets: ${TARGETS[*]})" >&2; exit 2 ;;
    esac
}

# Per-input limits and the dictionary, per target.
limits() {
    case $1 in
        gguf) echo "-max_len=65536 -rss_limit_mb=2048 -malloc_limit_mb=512 -timeout=2 -dict=$FUZZ/Dictionaries/gguf.dict" ;;
        tokenizer) echo "-max_len=4096 -rss_limit_mb=2048 -malloc_limit_mb=256 -timeout=2 -dict=$FUZZ/Dictionaries/tokenizer.dict" ;;
        muse) echo "-max_len=65536 -rss_limit_mb=2048 -malloc_limit_mb=256 -timeout=2 -dict=$FUZZ/Dictionaries/json.dict" ;;
        hf) echo "-max_len=65536 -rss_limit_mb=2048 -malloc_limit_mb=256 -timeout=2 -dict=$FUZZ/Dictionaries/hf.dict" ;;
    esac
}

source_dir() {
    case $1 in
        Kernels) echo "$ROOT/Kernels" ;;
        KernelsVNNI) echo "$ROOT/Kernels/VNNI" ;;
        *) echo "$ROOT/Sources/$1" ;;
    esac
}

ARCH_FLAGS=()
[ "$(uname -m)" = x86_64 ] && ARCH_FLAGS=(-target-cpu haswell)
# KernelsVNNI alone is built with AVX-512 (as Package.swift does); it runs only where the CPU has it.
VNNI_FLAGS=()
[ "$(uname -m)" = x86_64 ] && VNNI_FLAGS=(-Xcc -mavx512f -Xcc -mavx512vl -Xcc -mavx512bw -Xcc -mavx512dq -Xcc -mavx512vnni)

# A module's sources, filtered by any further find predicates: Kernels/VNNI/ is its own
# module (KernelsVNNI), not part of Kernels.
sources() {
    local name=$1; shift
    if [ "$name" = Kernels ]; then find "$ROOT/Kernels" -path "$ROOT/Kernels/VNNI" -prune -o -name '*.swift' "$@" -print
    else find "$(source_dir "$name")" -name '*.swift' "$@" -print; fi
}

supported() {
    mkdir -p "$OUT/probe"
    printf '@_cdecl("LLVMFuzzerTestOneInput") public func f(_ d: UnsafePointer<UInt8>?, _ n: Int) -> CInt { 0 }\n' > "$OUT/probe/p.swift"
    "$SWIFTC" -sanitize=fuzzer,address -parse-as-library "$OUT/probe/p.swift" -o "$OUT/probe/p" >/dev/null 2>&1
}

# Rebuilds module $1 when any of its sources (or a module it depends on) is newer.
build_module() {
    local name=$1 obj flags
    obj=$OUT/obj/$name.o
    mkdir -p "$OUT/obj" "$OUT/modules"
    local stale=0
    if [ ! -f "$obj" ] || [ -n "$(sources "$name" -newer "$obj" | head -n 1)" ]; then stale=1; fi
    for dep in "${BUILT[@]}"; do [ "$OUT/obj/$dep.o" -nt "$obj" ] && stale=1; done
    if [ $stale = 1 ]; then
        if [ "$name" = Kernels ]; then
            flags=(-O -sanitize=address -enforce-exclusivity=unchecked)
        elif [ "$name" = KernelsVNNI ]; then
            flags=(-O -sanitize=address -enforce-exclusivity=unchecked "${VNNI_FLAGS[@]}")
        else
            flags=("$OPT" -sanitize=fuzzer,address -enable-testing)
        fi
        echo "fuzz: compiling $name (${flags[*]})" >&2
        local t0=$SECONDS
        sources "$name" | sort > "$OUT/obj/$name.sources"
        # swiftc leaves an unchanged object file untouched (same bytes, old mtime), so success
        # is its exit status, and the object is touched to record that it is current.
        if "$SWIFTC" -parse-as-library -module-name "$name" -wmo -g -suppress-warnings "${flags[@]}" "${ARCH_FLAGS[@]}" \
            -I "$OUT/modules" -emit-module -emit-module-path "$OUT/modules/$name.swiftmodule" \
            -c @"$OUT/obj/$name.sources" -o "$obj" >&2 && [ -f "$obj" ]; then
            touch "$obj"
        else
            echo "fuzz: compiling $name failed" >&2; exit 1
        fi
        echo "fuzz: $name compiled in $((SECONDS - t0)) s" >&2
    fi
    BUILT+=("$name")
}

build_target() {
    local t=$1 bin=$OUT/bin/fuzz-$1
    BUILT=()
    local objs=()
    for m in $(modules "$t"); do
        build_module "$m"
        objs+=("$OUT/obj/$m.o")
    done
    mkdir -p "$OUT/bin"
    local newest=0
    if [ ! -x "$bin" ] || [ -n "$(find "$FUZZ/Targets/$t.swift" "$FUZZ/Targets/Common" "${objs[@]}" -newer "$bin" -print -quit)" ]; then
        echo "fuzz: linking fuzz-$t" >&2
        "$SWIFTC" -parse-as-library -module-name "Fuzz_$t" "$OPT" -g -suppress-warnings -sanitize=fuzzer,address "${ARCH_FLAGS[@]}" \
            -I "$OUT/modules" "$FUZZ/Targets/$t.swift" "$FUZZ"/Targets/Common/*.swift "${objs[@]}" -o "$bin" 2>&1 \
            | grep -v 'ld.gold: warning: Cannot export local symbol' >&2 || true
        [ -x "$bin" ] && [ "$bin" -nt "$FUZZ/Targets/$t.swift" ] || { echo "fuzz: linking fuzz-$t failed" >&2; exit 1; }
    fi
}

run_target() {
    local t=$1 seconds=$2; shift 2
    build_target "$t"
    local work=$OUT/corpus/$t artifacts=$OUT/artifacts/$t/ log=$OUT/log-$t.txt
    mkdir -p "$work" "$artifacts" "$FUZZ/Corpus/$t"
    rm -f "$artifacts"/*
    echo "fuzz: running $t for $seconds s" >&2
    local status=0
    # Swift's own crash backtracer would run under the address sanitizer; libFuzzer reports.
    # shellcheck disable=SC2046
    SWIFT_BACKTRACE=enable=no "$OUT/bin/fuzz-$t" "$work" "$FUZZ/Corpus/$t" $(limits "$t") -max_total_time="$seconds" \
        -artifact_prefix="$artifacts" -print_final_stats=1 "$@" >"$log" 2>&1 || status=$?
    local runs
    runs=$(awk '/stat::number_of_executed_units/ {print $2}' "$log")
    if [ $status -ne 0 ]; then
        tail -n 60 "$log" >&2
        for a in "$artifacts"*; do
            [ -f "$a" ] || continue
            cp "$a" "$FUZZ/Corpus/$t/"
            echo "fuzz: $t FAILED: $(basename "$a") kept as Fuzz/Corpus/$t/$(basename "$a") (commit it with the fix)" >&2
            echo "fuzz: reproduce with: SWIFT_BACKTRACE=enable=no $OUT/bin/fuzz-$t $(limits "$t") Fuzz/Corpus/$t/$(basename "$a")" >&2
        done
        echo "fuzz: $t failed after ${runs:-?} executions (log: $log)" >&2
        return $status
    fi
    echo "fuzz: $t: ${runs:-?} executions in $seconds s, no crash, leak, timeout or memory-limit hit (corpus: $(ls "$work" | wc -l) new + $(ls "$FUZZ/Corpus/$t" | wc -l) committed)"
}

[ $# -ge 1 ] || usage
case $1 in
    list) printf '%s\n' "${TARGETS[@]}"; exit 0 ;;
    -h | --help) usage ;;
esac
if ! supported; then
    echo "fuzz: skipped: $SWIFTC cannot build with -sanitize=fuzzer (no libFuzzer in this toolchain; Apple's Xcode toolchains lack it, swift.org toolchains on Linux have it)" >&2
    [ "${LOWBIT_FUZZ_REQUIRE:-0}" = 1 ] && exit 1
    exit 0
fi
case $1 in
    build)
        for t in ${2:-${TARGETS[*]}}; do build_target "$t"; done ;;
    all)
        [ $# -ge 2 ] || usage
        failed=0
        for t in "${TARGETS[@]}"; do run_target "$t" "$2" || failed=1; done
        exit $failed ;;
    *)
        [ $# -ge 2 ] || usage
        t=$1 seconds=$2; shift 2
        modules "$t" >/dev/null
        run_target "$t" "$seconds" "$@" ;;
esac

#!/usr/bin/env bash
# One LowBit probe as a Slurm job array: shard i of N per task, then one merge job.
#
#   sbatch --array=0-7 deploy/probe-slurm.sh            # 8 shards (N = array size)
#   sbatch --dependency=afterok:JOBID deploy/probe-slurm.sh merge
#
# PROBE_ARGS holds the probe's model and data options (the same for every shard), e.g.
#   export PROBE_ARGS="--target T.gguf --retrain R.gguf --unlearned NPO=U.gguf --data DIR --precisions f32,q4_0,fp4,gptq4"
# OUT is a shared folder for the parts and the merged report.
#SBATCH --job-name=lowbit-probe
#SBATCH --cpus-per-task=8
#SBATCH --mem=24G
#SBATCH --time=24:00:00
set -euo pipefail
LOWBIT=${LOWBIT:-lowbit}
OUT=${OUT:-probe-out}
mkdir -p "$OUT"
if [ "${1:-}" = "merge" ]; then
    exec "$LOWBIT" probe merge "$OUT"/part-*.json --json "$OUT/probe.json" --html "$OUT/probe.html"
fi
: "${SLURM_ARRAY_TASK_ID:?run with sbatch --array=0-(N-1)}"
N=${SLURM_ARRAY_TASK_COUNT:-$((SLURM_ARRAY_TASK_MAX + 1))}
PART="$OUT/part-$SLURM_ARRAY_TASK_ID.json"
RESUME=()
[ -f "$PART" ] && RESUME=(--resume "$PART")   # a requeued task keeps its finished cells
# shellcheck disable=SC2086
exec "$LOWBIT" probe $PROBE_ARGS --threads "${SLURM_CPUS_PER_TASK:-2}" \
    --shard "$SLURM_ARRAY_TASK_ID/$N" "${RESUME[@]}" --json "$PART"

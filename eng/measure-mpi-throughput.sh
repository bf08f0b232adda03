#!/usr/bin/env bash
# Training throughput of `yolox train` with 1 and with 2 MPI processes on this machine, the same global batch.
#
#   bash eng/measure-mpi-throughput.sh [ranks...]        # default: 1 2
#
# The job: YOLOX-Nano at a fixed 416 px (multiscale off), coco128 (128 images), global batch 8 → 16 iterations, 1 epoch,
# the recipe's augmentation (Mosaic/MixUp), no evaluation, from random weights. Each rank gets cores/ranks libtorch threads
# (OMP_NUM_THREADS), so the runs share the same cores. Reported: images/s = 8 × (timed iterations) / Σ iter_time over
# iterations 4..16 (the first 3 are warm-up: allocator, JIT), and the wall time of the whole job. iter_time is the
# trainer's own per-iteration time on rank 0 (data wait, forward, backward, gradient all-reduce, optimiser step).
#
# Needs: a Release build of src/YoloX.Cli (`dotnet build src/YoloX.Cli -c Release`), Open MPI's mpirun, and coco128 at
# $YOLOX_SHARED/assets/datasets/coco128. Environment overrides: CORES (default nproc), ITER_WARMUP (default 3).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
yolox="$root/src/YoloX.Cli/bin/Release/net10.0/yolox.dll"
data="${YOLOX_SHARED:?set YOLOX_SHARED to the shared assets folder}/assets/datasets/coco128"
cores="${CORES:-$(nproc)}"
warmup="${ITER_WARMUP:-3}"
batch=8
[ -f "$yolox" ] || { echo "build first: dotnet build src/YoloX.Cli -c Release" >&2; exit 1; }
[ -d "$data" ] || { echo "coco128 not found at $data" >&2; exit 1; }
ranks=("$@")
[ ${#ranks[@]} -gt 0 ] || ranks=(1 2)

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg); $(mpirun --version | head -1)"
for n in "${ranks[@]}"; do
  threads=$(( cores / n )); [ "$threads" -ge 1 ] || threads=1
  out="$(mktemp -d)"
  log="$out/console.log"
  start=$(date +%s.%N)
  OMP_NUM_THREADS=$threads OMP_WAIT_POLICY=PASSIVE \
    mpirun --allow-run-as-root --oversubscribe --bind-to none --mca mpi_yield_when_idle 1 -n "$n" -x OMP_NUM_THREADS -x OMP_WAIT_POLICY \
    dotnet "$yolox" train -m nano -d "$data" --epochs 1 -b "$batch" --input-size 416 --output "$out/run" --seed 0 \
      -o multiscale_range=0 -o random_size=null -o print_interval=1 -o warmup_epochs=0 -o no_aug_epochs=0 \
      -o data_num_workers=1 >"$log" 2>&1 || { echo "-n $n failed; log: $log" >&2; tail -20 "$log" >&2; exit 1; }
  end=$(date +%s.%N)
  awk -v n="$n" -v t="$threads" -v b="$batch" -v w="$warmup" -v wall="$(echo "$end - $start" | bc)" '
    /iter_time:/ {
      it++
      if (it <= w) next
      match($0, /iter_time: [0-9.]+/); s = substr($0, RSTART + 11, RLENGTH - 11)
      match($0, /data_time: [0-9.]+/); d = substr($0, RSTART + 11, RLENGTH - 11)
      sum += s; data += d; timed++
    }
    END {
      if (timed == 0) { print "-n " n ": no iteration lines found"; exit 1 }
      printf "-n %d (OMP_NUM_THREADS=%d): %.2f images/s over %d timed iterations (%.3f s/iteration, of which data wait %.3f s); wall %.1f s for the job\n",
        n, t, b * timed / sum, timed, sum / timed, data / timed, wall
    }' "$log"
  rm -rf "$out"
done

#!/bin/bash
# Side-by-side timing of the official YOLOX code and ours on this machine, in lockstep (see README.md).
# Needs the reference set-up of ../shared/reference/README.md: REF_ROOT (official source, scripts, synthcoco).
# usage: benchmarks/YoloX.SideBySide/run.sh OUT.jsonl [case ...]   cases: eval train aug (default: all)
#        SBS_OMP_DEFAULT=1 ... : libgomp's default wait policy instead of OMP_WAIT_POLICY=PASSIVE on both sides
set -euo pipefail
out=${1:?usage: run.sh OUT.jsonl [eval] [train] [aug]}; shift
cases=${*:-eval train aug}
here=$(cd "$(dirname "$0")" && pwd)
: "${REF_ROOT:?set REF_ROOT to the reference harness folder}"
export ASSETS_ROOT=${ASSETS_ROOT:-$here/../../../shared/assets} OUT=${OUT:-$REF_ROOT/golden}
. "$REF_ROOT/scripts/env.sh"
export PYTHONPATH=$PYTHONPATH:$here
# Both sides wait passively by default (robust on a shared machine); SBS_OMP_DEFAULT=1 leaves libgomp's default
# (spin, then sleep), which is faster on an idle machine and is what a dedicated trainer runs with.
if [ "${SBS_OMP_DEFAULT:-0}" = 1 ]; then unset OMP_WAIT_POLICY; else export OMP_WAIT_POLICY=PASSIVE; fi
dotnet build "$here" -c Release -v quiet -nologo > /dev/null
cs=(dotnet "$here/bin/Release/net10.0/YoloX.SideBySide.dll")
lock() { "$PY" "$REF_ROOT/scripts/lockstep.py" "$@"; }
for c in $cases; do
  case $c in
    eval)
      for m in nano s; do for f in 0 1; do
        TURN_K=5 TURN_W=1 lock "eval_${m}_fused$f" 12 0.3 "$out" -- "$PY" "$REF_ROOT/scripts/pyworker.py" eval $m $f nchw 5 -- "${cs[@]}" eval $m $f 5
      done; done ;;
    train)
      TURN_K=3 TURN_W=1 lock train_nano_b8_416 8 0.3 "$out" -- "$PY" "$REF_ROOT/scripts/pyworker.py" train nano 2 -- "${cs[@]}" train nano 2
      TURN_K=2 TURN_W=1 lock train_s_b4_640 6 0.3 "$out" -- "$PY" "$REF_ROOT/scripts/pyworker.py" train s 2 -- "${cs[@]}" train s 2 ;;
    aug)
      for cfg in nano_exp default_exp_416 no_aug; do for cache in 0 1; do
        TURN_K=20 lock "aug_${cfg}_cache$cache" 10 0.3 "$out" -- "$PY" "$here/pyworker_aug.py" $cfg $cache 10 -- "${cs[@]}" aug $cfg $cache "$REF_ROOT/synthcoco" 10
      done; done ;;
  esac
done

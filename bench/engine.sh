#!/usr/bin/env bash
# ./build.sh bench engine [batch=64 dim=64 depth=2 heads=4 steps=30 threads=N]
# The same ViT-shaped training step (functional ops, AdamW) in the C# binding and in python3-torch, alternating
# runs so both see the same machine load. Reports the median ratio of samples per CPU-second (robust on a shared
# machine, where wall time mostly measures the neighbours) and, beside it, the wall-clock ratio.
set -euo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
CONFIG=${CONFIG:-Release}
PY=${FEDTRANSFER_PYTHON:-/usr/bin/python3}
ROUNDS=${ROUNDS:-3}
# Same thread count on both sides, OpenBLAS's GEMM pool included (the binding's SetNumThreads sets it; PyTorch's
# does not, so it is pinned here for both): threads=N from the arguments, else PyTorch's default.
threads=$(printf '%s\n' "$@" | sed -nE 's/^-*threads=([0-9]+)$/\1/p' | tail -1)
threads=${threads:-$("$PY" -c 'import torch; print(torch.get_num_threads())')}
export OPENBLAS_NUM_THREADS=$threads
dotnet build "$ROOT/bench/engine/EngineBench.csproj" -c "$CONFIG" -nologo -v quiet -clp:ErrorsOnly >/dev/null
BIN="$ROOT/bench/engine/bin/$CONFIG/net10.0/EngineBench.dll"
ratios=() walls=()
for r in $(seq "$ROUNDS"); do
  ours=$(dotnet "$BIN" threads="$threads" "$@" | tail -1)
  theirs=$("$PY" "$ROOT/bench/engine_step.py" threads="$threads" "$@" | tail -1)
  echo "round $r: csharp $ours"
  echo "round $r: python $theirs"
  field() { sed -E "s/.*$1=([0-9.]+).*/\\1/" <<<"$2"; }
  ratios+=("$(awk -v a="$(field samples_per_cpu_second "$ours")" -v b="$(field samples_per_cpu_second "$theirs")" 'BEGIN { printf "%.3f", a / b }')")
  walls+=("$(awk -v a="$(field samples_per_second "$ours")" -v b="$(field samples_per_second "$theirs")" 'BEGIN { printf "%.3f", a / b }')")
done
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
echo "cpu-time ratios: ${ratios[*]}; wall-clock ratios: ${walls[*]} (median $(median "${walls[@]}"))"
median=$(median "${ratios[@]}")
echo "engine_step_ratio_vs_pytorch=$median"

#!/usr/bin/env bash
# ViT + LoRA training step, ours (C# binding over libtorch) vs python3-torch, same sizes, batch and threads.
# ViT 28x28 / patch 7 (17 tokens), dim 64, depth 4, heads 4, MLP ratio 2, 5 classes; LoRA r=8 alpha=16 on attn.qkv|mlp.fc1;
# AdamW on LoRA + head, grad-norm clip 1.0. Rounds alternate between the two so machine noise hits both alike;
# each side's best round counts. Ends with training_ratio_vs_pytorch=<ours / pytorch samples per second>.
# Env: THREADS (default 1), BATCH (64), STEPS (100), ROUNDS (3), ROOT/CONFIG (set by build.sh).
set -euo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
CONFIG=${CONFIG:-Release}
PY=${FEDTRANSFER_PYTHON:-/usr/bin/python3}
THREADS=${THREADS:-1} BATCH=${BATCH:-64} STEPS=${STEPS:-100} ROUNDS=${ROUNDS:-3}
CLI="$ROOT/src/FedTransfer.Cli/bin/$CONFIG/net10.0/fedtransfer.dll"
[ -f "$CLI" ] || { echo "missing $CLI; run ./build.sh setup first" >&2; exit 1; }
args=(--threads "$THREADS" --batch-size "$BATCH" --steps "$STEPS" --warmup 10)

value() { sed -n "s/^$2=//p" <<<"$1" | tail -1; }
best() { awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || b > a) ? b : a }'; }

ours_best="" torch_best="" ours_cpu_best="" torch_cpu_best=""
for round in $(seq 1 "$ROUNDS"); do
  out=$(dotnet "$CLI" bench-training "${args[@]}")
  ours=$(value "$out" samples_per_s); ours_cpu=$(value "$out" samples_per_cpu_s)
  out_py=$("$PY" "$ROOT/bench/training/torch_training.py" "${args[@]}")
  torch=$(value "$out_py" samples_per_s); torch_cpu=$(value "$out_py" samples_per_cpu_s)
  echo "round $round: ours ${ours} samples/s (${ours_cpu} per CPU second), pytorch ${torch} samples/s (${torch_cpu} per CPU second)"
  ours_best=$(best "$ours_best" "$ours")
  torch_best=$(best "$torch_best" "$torch")
  ours_cpu_best=$(best "$ours_cpu_best" "$ours_cpu")
  torch_cpu_best=$(best "$torch_cpu_best" "$torch_cpu")
done
awk -v o="$ours_cpu_best" -v p="$torch_cpu_best" 'BEGIN { printf "cpu_time_ratio_vs_pytorch=%.3f (samples per CPU second; less sensitive to busy neighbours)\n", o / p }'
echo "ours_samples_per_s=$ours_best"
echo "pytorch_samples_per_s=$torch_best"
awk -v o="$ours_best" -v p="$torch_best" 'BEGIN { printf "training_ratio_vs_pytorch=%.3f\n", o / p }'

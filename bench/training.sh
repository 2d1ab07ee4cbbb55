#!/usr/bin/env bash
# Training steps, ours (TorchSharp) vs python3-torch, same sizes, batch and threads:
# 1. the ViT + LoRA step (training_ratio_vs_pytorch);
# 2. a ResNet-18 at 112x112, batch 16, frozen backbone + linear head (conv_training_ratio_vs_pytorch), with each
#    process's peak resident memory (conv_peak_rss_ratio_vs_pytorch = ours / pytorch);
# 3. site_peak_rss_mb: the peak resident memory of a real training site process, from a short demo (2 sites, 2 rounds;
#    each `fedtransfer site` logs its peak after every training).
# ViT 28x28 / patch 7 (17 tokens), dim 64, depth 4, heads 4, MLP ratio 2, 5 classes; LoRA r=8 alpha=16 on attn.qkv|mlp.fc1;
# AdamW on LoRA + head, grad-norm clip 1.0. Each round runs both back to back so machine noise hits both alike;
# the figures are medians over rounds. Ends with training_ratio_vs_pytorch=<ours / pytorch samples per second>.
# Env: THREADS (default 1), BATCH (32, the finetune default batch), STEPS (100), ROUNDS (5), CONV_BATCH (16),
# CONV_STEPS (10), CONV_ROUNDS (3), ROOT/CONFIG (set by build.sh).
set -euo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
CONFIG=${CONFIG:-Release}
PY=${FEDTRANSFER_PYTHON:-/usr/bin/python3}
THREADS=${THREADS:-1} BATCH=${BATCH:-32} STEPS=${STEPS:-100} ROUNDS=${ROUNDS:-5}
CONV_BATCH=${CONV_BATCH:-16} CONV_STEPS=${CONV_STEPS:-10} CONV_ROUNDS=${CONV_ROUNDS:-3}
CLI="$ROOT/src/FedTransfer.Cli/bin/$CONFIG/net10.0/fedtransfer.dll"
[ -f "$CLI" ] || { echo "missing $CLI; run ./build.sh setup first" >&2; exit 1; }
# Same OpenMP wait policy on both sides (libtorch's threads spin by default, which a busy shared machine punishes).
# PyTorch 1.13 (Debian) multiplies with OpenBLAS, whose pool ignores torch.set_num_threads: size it like ours.
export OPENBLAS_NUM_THREADS=$THREADS OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
args=(--threads "$THREADS" --batch-size "$BATCH" --steps "$STEPS" --warmup 10)

value() { sed -n "s/^$2=//p" <<<"$1" | tail -1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

walls=() cpus=() ours_all=() torch_all=()
for round in $(seq 1 "$ROUNDS"); do
  out=$(dotnet "$CLI" bench-training "${args[@]}")
  ours=$(value "$out" samples_per_s); ours_cpu=$(value "$out" samples_per_cpu_s)
  out_py=$("$PY" "$ROOT/bench/training/torch_training.py" "${args[@]}")
  torch=$(value "$out_py" samples_per_s); torch_cpu=$(value "$out_py" samples_per_cpu_s)
  echo "round $round: ours ${ours} samples/s (${ours_cpu} per CPU second), pytorch ${torch} samples/s (${torch_cpu} per CPU second)"
  walls+=("$(ratio "$ours" "$torch")"); cpus+=("$(ratio "$ours_cpu" "$torch_cpu")")
  ours_all+=("$ours"); torch_all+=("$torch")
done
echo "per-round wall-clock ratios: ${walls[*]}; per CPU second: ${cpus[*]}"
echo "cpu_time_ratio_vs_pytorch=$(median "${cpus[@]}")"
echo "ours_samples_per_s=$(median "${ours_all[@]}")"
echo "pytorch_samples_per_s=$(median "${torch_all[@]}")"
# The median of per-round ratios: each round runs both sides back to back, under the same machine load.
echo "training_ratio_vs_pytorch=$(median "${walls[@]}")"

conv_walls=() conv_rss=() ours_rss_all=()
conv_args=(--threads "$THREADS" --batch-size "$CONV_BATCH" --steps "$CONV_STEPS" --warmup 2)
for round in $(seq 1 "$CONV_ROUNDS"); do
  out=$(dotnet "$CLI" bench-training --model resnet18 "${conv_args[@]}")
  ours=$(value "$out" samples_per_s); ours_rss=$(value "$out" peak_rss_mb)
  out_py=$("$PY" "$ROOT/bench/training/torch_conv_training.py" "${conv_args[@]}")
  torch=$(value "$out_py" samples_per_s); torch_rss=$(value "$out_py" peak_rss_mb)
  echo "conv round $round: ours ${ours} samples/s (peak ${ours_rss} MB), pytorch ${torch} samples/s (peak ${torch_rss} MB)"
  conv_walls+=("$(ratio "$ours" "$torch")"); conv_rss+=("$(ratio "$ours_rss" "$torch_rss")"); ours_rss_all+=("$ours_rss")
done
echo "conv_peak_rss_mb=$(median "${ours_rss_all[@]}")"
echo "conv_peak_rss_ratio_vs_pytorch=$(median "${conv_rss[@]}")"
echo "conv_training_ratio_vs_pytorch=$(median "${conv_walls[@]}")"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dotnet "$CLI" demo --work-dir "$work/demo" --sites 2 --rounds 2 --no-baselines >"$work/demo.out" 2>&1 \
  || { echo "the demo for site_peak_rss_mb failed:" >&2; tail -20 "$work/demo.out" >&2; exit 1; }
site_peak=$(grep -ho 'peak RSS [0-9]* MB' "$work"/demo/logs/site-*.log | awk '{ print $3 }' | sort -n | tail -1)
[ -n "$site_peak" ] || { echo "no site logged its peak memory (looked in $work/demo/logs)" >&2; exit 1; }
echo "site_peak_rss_mb=$site_peak"

#!/usr/bin/env bash
# Imported backbones against ONNX Runtime 1.32.0: the packaged ImageNet ResNet-18 (Microsoft.ML.DnnImageFeaturizer.ResNet18
# 0.24.0, ResNet18.onnx) imported into our TorchSharp ResNet, features compared on the same seeded images, and the
# inference time of each side by side (one image at a time, the same intra-op threads, taking turns per image).
# Ends with resnet18_max_abs_diff_vs_onnxruntime=<largest absolute feature difference> (target <= 1e-4).
# Env: IMAGES (8), THREADS (1), WARMUP (2), ROOT/CONFIG (set by build.sh).
set -euo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
CONFIG=${CONFIG:-Release}
cd "$ROOT"
# Same OpenMP wait policy as the training benchmark (spinning threads are punished on a busy shared machine).
export OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
dotnet build bench/FedTransfer.Bench.Backbones -c "$CONFIG" -nologo -v quiet -clp:ErrorsOnly -clp:NoSummary >&2
dotnet "bench/FedTransfer.Bench.Backbones/bin/$CONFIG/net10.0/FedTransfer.Bench.Backbones.dll" "${IMAGES:-8}" "${THREADS:-1}" "${WARMUP:-2}"

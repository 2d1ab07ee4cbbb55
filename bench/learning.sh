#!/usr/bin/env bash
# The results table: federated transfer (LoRA naive / frozen-a / exact, bottleneck adapters, head-only, full fine-tuning)
# against centralised LoRA on pooled data and each site alone, on the demo's Fashion-MNIST transfer task, 5 sites at
# Dirichlet alpha 0.1 and 1.0, two seeds each. Writes BENCHMARKS.md at the repository root and ends with
# fed_lora_gap_to_central_pts=... and lora_upload_fraction=... . Reuses the demo's backbone in data/backbone
# (pretrained there first when missing). Extra arguments go to `fedtransfer experiment` (e.g. --quick).
# Env: ROOT/CONFIG (set by build.sh).
set -euo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
CONFIG=${CONFIG:-Release}
CLI="$ROOT/src/FedTransfer.Cli/bin/$CONFIG/net10.0/fedtransfer.dll"
[ -f "$CLI" ] || { echo "missing $CLI; run ./build.sh setup first" >&2; exit 1; }
cd "$ROOT"
# One engine thread per run and runs side by side; OpenBLAS's own pool would otherwise oversubscribe the cores.
export OPENBLAS_NUM_THREADS=1 OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
# A --quick smoke test writes its table beside the work folder, never over the real BENCHMARKS.md.
out=(--out "$ROOT/BENCHMARKS.md")
for arg in "$@"; do [ "$arg" = --quick ] && out=(); done
exec dotnet "$CLI" experiment "${out[@]}" "$@"

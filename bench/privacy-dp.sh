#!/usr/bin/env bash
# Central differential privacy (DP-FedAvg) on the learning task: federated LoRA (frozen-a) without DP beside DP-FedAvg
# calibrated to epsilon 1, 3 and 8 at delta 1e-5 over the run, 100 sites with 10 sampled per round. Writes the central DP
# section of BENCHMARKS.md (the learning table's part is kept) and ends with dp_eps3_accuracy_drop_pts=... (accuracy
# without DP minus accuracy at epsilon 3, in points). A few minutes on two cores. Extra arguments go to
# `fedtransfer experiment` (e.g. --seeds 1). Env: ROOT/CONFIG (set by build.sh).
set -euo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
CONFIG=${CONFIG:-Release}
CLI="$ROOT/src/FedTransfer.Cli/bin/$CONFIG/net10.0/fedtransfer.dll"
[ -f "$CLI" ] || { echo "missing $CLI; run ./build.sh setup first" >&2; exit 1; }
cd "$ROOT"
export OPENBLAS_NUM_THREADS=1 OMP_WAIT_POLICY=${OMP_WAIT_POLICY:-PASSIVE}
# alpha 10 (close to IID): Dirichlet splits over 100 sites with at least 64 images each are rarely drawn at lower alpha.
exec dotnet "$CLI" experiment --out "$ROOT/BENCHMARKS.md" --work-dir data/experiment-dp \
  --central-dp-epsilons 1,3,8 --central-dp-delta 1e-5 --sites 100 --fraction 0.1 --train-examples 10000 --alphas 10 \
  --seeds 1,2 --rounds 30 --local-epochs 2 "$@"

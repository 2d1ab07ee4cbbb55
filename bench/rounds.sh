#!/usr/bin/env bash
# Coordinator overhead per round: a real `fedtransfer coordinator` process on loopback, SITES simulated sites that
# skip training and push fixed deltas of a PARAMETERS-parameter float32 adapter (and, like real sites, download the
# global adapter each round unless FETCH=false), ROUNDS rounds of FedAvg with every site sampled.
# Prints the per-round times (round start to new global adapter written: sampling, task hand-out, downloads, uploads,
# validation, streaming aggregation, writing the artifact and the state), the coordinator's baseline and peak RSS,
# and ends with round_overhead_ms=<median> and coordinator_peak_mb=<peak RSS>.
# Env: SITES (default 50), ROUNDS (20), PARAMETERS (2000000), FETCH (true), ROOT/CONFIG (set by build.sh).
set -euo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
CONFIG=${CONFIG:-Release}
SITES=${SITES:-50} ROUNDS=${ROUNDS:-20} PARAMETERS=${PARAMETERS:-2000000} FETCH=${FETCH:-true}
CLI="$ROOT/src/FedTransfer.Cli/bin/$CONFIG/net10.0/fedtransfer.dll"
[ -f "$CLI" ] || { echo "missing $CLI; run ./build.sh setup first" >&2; exit 1; }
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
dotnet "$CLI" bench-rounds --sites "$SITES" --rounds "$ROUNDS" --parameters "$PARAMETERS" --fetch "$FETCH"

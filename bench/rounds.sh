#!/usr/bin/env bash
# Coordinator overhead per round: a real `fedtransfer coordinator` process on loopback, SITES simulated sites that
# skip training and push fixed deltas of a PARAMETERS-parameter float32 adapter (and, like real sites, download the
# global adapter each round unless FETCH=false), ROUNDS rounds of FedAvg with every site sampled.
#
# What is measured (per round; the script reports medians):
#   round_overhead_ms  the coordinator's own round duration: round opened -> tasks handed out -> every site downloaded
#                      the global adapter and uploaded its delta -> each delta spooled, hashed, validated and added to
#                      the streaming FedAvg sum -> mean computed -> new global adapter written (fsync) -> round recorded.
#                      Training is skipped, so this is the whole round minus training, and it INCLUDES moving
#                      SITES x adapter bytes in (and, with FETCH, out) over loopback: with 50 sites x 8 MB that is about
#                      800 MB per round, sent and received by the simulated sites on the same cores as the coordinator.
#                      Nothing is subtracted: that transfer is work the coordinator must do every round.
#   coordinator_cpu_ms_per_round  user+system CPU of the coordinator process from round start to round end (what the
#                      round costs the coordinator, independent of how busy the machine is with other work).
#   aggregation_tail_ms  last site receipt -> round-completed event: the part of the round after the last upload
#                      (mean, writing the new adapter, recording), i.e. the coordinator's critical path once data is in.
#   breakdown          per round: hand-out (round start -> last site holds its task), download window, transfer window
#                      (first task taken -> last receipt), tail.
#   coordinator RSS    baseline (after the sites joined, before the run), peak (VmHWM), and peak - baseline in multiples
#                      of the adapter's bytes; coordinator_peak_mb is the peak.
# Env: SITES (default 50), ROUNDS (20), PARAMETERS (2000000), FETCH (true), ROOT/CONFIG (set by build.sh).
# BENCH_COORDINATOR_X=v sets X=v for the coordinator process only (e.g. BENCH_COORDINATOR_DOTNET_gcServer=1).
# The machine's load average is printed before and after the run: on a shared machine, wall times scale with it.
set -euo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
CONFIG=${CONFIG:-Release}
SITES=${SITES:-50} ROUNDS=${ROUNDS:-20} PARAMETERS=${PARAMETERS:-2000000} FETCH=${FETCH:-true}
CLI="$ROOT/src/FedTransfer.Cli/bin/$CONFIG/net10.0/fedtransfer.dll"
[ -f "$CLI" ] || { echo "missing $CLI; run ./build.sh setup first" >&2; exit 1; }
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
dotnet "$CLI" bench-rounds --sites "$SITES" --rounds "$ROUNDS" --parameters "$PARAMETERS" --fetch "$FETCH"

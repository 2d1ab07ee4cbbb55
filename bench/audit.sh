#!/usr/bin/env bash
# Offline ledger verification speed: `fedtransfer bench-audit` writes a ledger of RECORDS signed records shaped like a
# real site's (per round: task, pull, fetch, push of an 18-tensor LoRA delta, coordinator-signed receipt; a receipt
# costs two ECDSA verifications, its record's and the coordinator's), then runs `audit verify --ca` on it pinned to one
# core and ends with audit_verify_records_per_s=<n> (wall clock; the CPU-time figure is printed too, for noisy machines).
# Target: >= 20000 records/s on one core. Env: RECORDS (default 100000), ROOT/CONFIG (set by build.sh).
set -euo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
CONFIG=${CONFIG:-Release}
RECORDS=${RECORDS:-100000}
CLI="$ROOT/src/FedTransfer.Cli/bin/$CONFIG/net10.0/fedtransfer.dll"
[ -f "$CLI" ] || { echo "missing $CLI; run ./build.sh setup first" >&2; exit 1; }
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
PIN=()
command -v taskset >/dev/null && PIN=(taskset -c 0)
# Workstation GC, no tiered-compilation warm-up detours: one core does the whole verification.
DOTNET_gcServer=0 DOTNET_GCHeapCount=1 DOTNET_TieredPGO=1 "${PIN[@]}" dotnet "$CLI" bench-audit --records "$RECORDS"

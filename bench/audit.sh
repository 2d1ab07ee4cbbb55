#!/usr/bin/env bash
# Offline ledger verification speed: `fedtransfer bench-audit` writes a ledger of RECORDS signed records shaped like a
# real site's (per round: task, pull, fetch, push of an 18-tensor LoRA delta, coordinator-signed receipt), then times
# `audit verify --ca` on it three ways:
#   audit_verify_records_per_s                       one core (pinned with taskset), one thread: target >= 20000
#   audit_verify_records_per_s_all_cores             every core, the reader plus verification threads
#   audit_verify_every_signature_records_per_s_all_cores   every core, each record's own signature checked too
# By default site signatures are checked at checkpoints (every 256th record and the last), each covering every record
# before it through the hash chain; every receipt's coordinator signature is always checked (docs/AUDIT-FORMAT.md).
# Wall-clock figures; the CPU-time figure is printed too, for noisy machines. Env: RECORDS (default 100000), ROOT/CONFIG.
set -euo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
CONFIG=${CONFIG:-Release}
RECORDS=${RECORDS:-100000}
CLI="$ROOT/src/FedTransfer.Cli/bin/$CONFIG/net10.0/fedtransfer.dll"
[ -f "$CLI" ] || { echo "missing $CLI; run ./build.sh setup first" >&2; exit 1; }
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
PIN=()
command -v taskset >/dev/null && PIN=(taskset -c 0)
# Workstation GC with one heap on the pinned run: one core does the whole verification.
DOTNET_gcServer=0 DOTNET_GCHeapCount=1 DOTNET_TieredPGO=1 "${PIN[@]}" dotnet "$CLI" bench-audit --records "$RECORDS" --work "$WORK" \
  --parallelism 1 --metric audit_verify_records_per_s
CORES=$(nproc)
dotnet "$CLI" bench-audit --records "$RECORDS" --work "$WORK" --reuse --parallelism "$CORES" --metric audit_verify_records_per_s_all_cores
dotnet "$CLI" bench-audit --records "$RECORDS" --work "$WORK" --reuse --parallelism "$CORES" --every-signature \
  --metric audit_verify_every_signature_records_per_s_all_cores

#!/usr/bin/env bash
# Transport benchmark: the same 256 MiB artifact (1 MiB chunks) streamed over loopback through our gRPC server +
# client and through python3-grpcio's server + client, in one run; unary round-trip p50/p99 for both.
# Server and client run as separate processes for both stacks. Each side does one SHA-256-verified download and
# upload first (untimed), one untimed warm-up run, then RUNS timed ones; the best run counts.
# Ends with transport_ratio_vs_grpcio=<our download MB/s / grpcio download MB/s>.
# Env: ROOT, CONFIG (build.sh sets them), FEDTRANSFER_PYTHON, BENCH_SIZE_MIB (default 256), BENCH_RUNS (default 3).
set -euo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
CONFIG=${CONFIG:-Release}
PYTHON=${FEDTRANSFER_PYTHON:-/usr/bin/python3}
SIZE=$(( ${BENCH_SIZE_MIB:-256} * 1024 * 1024 ))
RUNS=${BENCH_RUNS:-3}
cd "$ROOT"

WORK=$(mktemp -d -t fedtransfer-bench-XXXXXX)
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

dotnet build bench/FedTransfer.Bench.Transport -c "$CONFIG" -nologo -v quiet -clp:ErrorsOnly -clp:NoSummary >&2
BENCH_DLL=bench/FedTransfer.Bench.Transport/bin/$CONFIG/net10.0/FedTransfer.Bench.Transport.dll
protoc -I bench/transport --python_out="$WORK" bench/transport/transport_bench.proto
export PYTHONPATH="$WORK:$ROOT/bench/transport" PYTHONDONTWRITEBYTECODE=1 no_grpc_proxy=127.0.0.1

# start_server CMD... : runs a server whose first stdout line is "PORT n"; its stdin is a FIFO we hold open,
# so it exits when we close it (or when this script dies).
start_server() {
  rm -f "$WORK/in" "$WORK/out"; mkfifo "$WORK/in"
  "$@" <"$WORK/in" >"$WORK/out" 2>"$WORK/server.err" &
  SERVER_PID=$!
  exec 9>"$WORK/in"
  for _ in $(seq 1 300); do
    PORT=$(sed -n 's/^PORT \([0-9]*\)$/\1/p' "$WORK/out" 2>/dev/null | head -1)
    [ -n "$PORT" ] && return 0
    kill -0 "$SERVER_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "server failed to start: $(cat "$WORK/server.err")" >&2; exit 1
}

stop_server() {
  exec 9>&-
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

value() { sed -n "s/^$1=//p" <<<"$2"; }

echo "artifact: $((SIZE / 1024 / 1024)) MiB in 1 MiB chunks, best of $RUNS runs, loopback" >&2

start_server dotnet "$BENCH_DLL" server
OURS=$(dotnet "$BENCH_DLL" client "http://127.0.0.1:$PORT" "$SIZE" "$RUNS")
stop_server

start_server "$PYTHON" bench/transport/bench_server.py
GRPCIO=$("$PYTHON" bench/transport/bench_client.py "127.0.0.1:$PORT" "$SIZE" "$RUNS")
stop_server

printf '%-8s %14s %12s %14s %14s\n' stack "download MB/s" "upload MB/s" "unary p50 us" "unary p99 us"
for stack in ours grpcio; do
  out=$([ $stack = ours ] && echo "$OURS" || echo "$GRPCIO")
  printf '%-8s %14s %12s %14s %14s\n' "$stack" "$(value download_mb_s "$out")" "$(value upload_mb_s "$out")" \
    "$(value unary_p50_us "$out")" "$(value unary_p99_us "$out")"
done
for key in download_mb_s upload_mb_s unary_p50_us unary_p99_us; do
  echo "ours_$key=$(value $key "$OURS")"
  echo "grpcio_$key=$(value $key "$GRPCIO")"
done
upload_ratio=$(awk -v a="$(value upload_mb_s "$OURS")" -v b="$(value upload_mb_s "$GRPCIO")" 'BEGIN { printf "%.2f", a / b }')
echo "upload_ratio_vs_grpcio=$upload_ratio"
ratio=$(awk -v a="$(value download_mb_s "$OURS")" -v b="$(value download_mb_s "$GRPCIO")" 'BEGIN { printf "%.2f", a / b }')
echo "transport_ratio_vs_grpcio=$ratio"

#!/usr/bin/env bash
# Transport benchmark: the same 256 MiB artifact (1 MiB chunks) streamed each way over loopback TLS through grpc-dotnet
# (Kestrel with the coordinator's HTTP/2 limits; the site's CoordinatorChannel) and through python3-grpcio's server +
# client, in one run; unary round trips (10,000 small calls) for both. Both servers use the same certificate, from a
# kit `fedtransfer provision` writes; both clients trust only its CA.
# Server and client are separate processes for both stacks. Each client process does one SHA-256-verified download
# and upload (untimed), one untimed warm-up, then RUNS timed downloads and uploads. The two stacks' clients take turns
# for ROUNDS rounds so a burst of load on a shared machine hits both; the best figure per stack counts.
# Then coordinator_cpu_ms_per_mb: a real coordinator receiving CPU_SITES simulated sites' 32 MB updates (bench-rounds,
# no downloads), its CPU per MiB of updates received, hashing, validating, storing and aggregating included.
# Ends with transport_download_ratio_vs_grpcio, transport_upload_ratio_vs_grpcio (MB/s ours / grpcio),
# unary_p99_ratio_vs_grpcio (ours / grpcio) and coordinator_cpu_ms_per_mb.
# Env: ROOT, CONFIG (build.sh sets them), FEDTRANSFER_PYTHON, BENCH_SIZE_MIB (256), BENCH_RUNS (3), BENCH_ROUNDS (2),
# CPU_SITES (8).
set -euo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
CONFIG=${CONFIG:-Release}
PYTHON=${FEDTRANSFER_PYTHON:-/usr/bin/python3}
SIZE=$(( ${BENCH_SIZE_MIB:-256} * 1024 * 1024 ))
RUNS=${BENCH_RUNS:-3}
ROUNDS=${BENCH_ROUNDS:-2}
cd "$ROOT"

WORK=$(mktemp -d -t fedtransfer-bench-XXXXXX)
PIDS=()
cleanup() {
  exec 7>&- 8>&- 2>/dev/null || true
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

dotnet build bench/FedTransfer.Bench.Transport -c "$CONFIG" -nologo -v quiet -clp:ErrorsOnly -clp:NoSummary >&2
BENCH_DLL=bench/FedTransfer.Bench.Transport/bin/$CONFIG/net10.0/FedTransfer.Bench.Transport.dll
protoc -I bench/transport --python_out="$WORK" bench/transport/transport_bench.proto
CLI=src/FedTransfer.Cli/bin/$CONFIG/net10.0/fedtransfer.dll
dotnet "$CLI" provision --out "$WORK/kit" --coordinator-host 127.0.0.1 --sites bench >/dev/null
CERT=$WORK/kit/coordinator/cert.pem KEY=$WORK/kit/coordinator/key.pem CA=$WORK/kit/ca/ca.pem
export PYTHONPATH="$WORK:$ROOT/bench/transport" PYTHONDONTWRITEBYTECODE=1 no_grpc_proxy=127.0.0.1

# start_server NAME FD CMD... : starts a server whose first stdout line is "PORT n" and whose stdin is a FIFO held
# open on file descriptor FD (closing it stops the server); sets PORT. Not run in a subshell: the FIFO must stay open.
start_server() {
  local name=$1 fd=$2; shift 2
  mkfifo "$WORK/$name.in"
  "$@" <"$WORK/$name.in" >"$WORK/$name.out" 2>"$WORK/$name.err" &
  PIDS+=($!)
  eval "exec $fd>\"$WORK/$name.in\""
  for _ in $(seq 1 300); do
    local port; port=$(sed -n 's/^PORT \([0-9]*\)$/\1/p' "$WORK/$name.out" 2>/dev/null | head -1)
    if [ -n "$port" ]; then PORT=$port; return 0; fi
    sleep 0.1
  done
  echo "$name server failed to start: $(cat "$WORK/$name.err")" >&2; exit 1
}

value() { sed -n "s/^$1=//p" <<<"$2"; }
best() { # best KEY max|min VALUES...
  local key=$1 mode=$2; shift 2
  printf '%s\n' "$@" | awk -v m="$mode" 'NF { if (b == "" || (m == "max" ? $1 > b : $1 < b)) b = $1 } END { print b }'
}

start_server ours 7 dotnet "$BENCH_DLL" server "$CERT" "$KEY"
OUR_PORT=$PORT
start_server grpcio 8 "$PYTHON" bench/transport/bench_server.py "$CERT" "$KEY"
PY_PORT=$PORT
echo "artifact: $((SIZE / 1024 / 1024)) MiB in 1 MiB chunks each way, $ROUNDS rounds x best of $RUNS runs, loopback TLS, $(nproc) cores" >&2

declare -A RESULTS
for round in $(seq 1 "$ROUNDS"); do
  RESULTS[ours,$round]=$(dotnet "$BENCH_DLL" client "https://127.0.0.1:$OUR_PORT" "$SIZE" "$RUNS" all "$CA")
  RESULTS[grpcio,$round]=$("$PYTHON" bench/transport/bench_client.py "127.0.0.1:$PY_PORT" "$SIZE" "$RUNS" all "$CA")
done

declare -A FINAL
for stack in ours grpcio; do
  for key in download_mb_s upload_mb_s unary_p50_us unary_p99_us; do
    mode=$([[ $key == *_mb_s ]] && echo max || echo min)
    vals=()
    for round in $(seq 1 "$ROUNDS"); do vals+=("$(value $key "${RESULTS[$stack,$round]}")"); done
    FINAL[$stack,$key]=$(best "$key" "$mode" "${vals[@]}")
  done
done

printf '%-8s %14s %12s %14s %14s\n' stack "download MB/s" "upload MB/s" "unary p50 us" "unary p99 us"
for stack in ours grpcio; do
  printf '%-8s %14s %12s %14s %14s\n' "$stack" "${FINAL[$stack,download_mb_s]}" "${FINAL[$stack,upload_mb_s]}" \
    "${FINAL[$stack,unary_p50_us]}" "${FINAL[$stack,unary_p99_us]}"
done
for key in download_mb_s upload_mb_s unary_p50_us unary_p99_us; do
  echo "ours_$key=${FINAL[ours,$key]}"
  echo "grpcio_$key=${FINAL[grpcio,$key]}"
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
CPU_SITES=${CPU_SITES:-8}
CPU_OUT=$(dotnet "$CLI" bench-rounds --sites "$CPU_SITES" --rounds 3 --parameters 8000000 --fetch false)
echo "$CPU_OUT" | grep -E '^(coordinator_cpu_ms_per_round|round_overhead_ms)=' | sed 's/^/cpu_bench_/'
echo "transport_download_ratio_vs_grpcio=$(ratio "${FINAL[ours,download_mb_s]}" "${FINAL[grpcio,download_mb_s]}")"
echo "transport_upload_ratio_vs_grpcio=$(ratio "${FINAL[ours,upload_mb_s]}" "${FINAL[grpcio,upload_mb_s]}")"
echo "unary_p99_ratio_vs_grpcio=$(ratio "${FINAL[ours,unary_p99_us]}" "${FINAL[grpcio,unary_p99_us]}")"
echo "$CPU_OUT" | grep '^coordinator_cpu_ms_per_mb='

#!/usr/bin/env bash
# FedTransfer's one entry point. Every subcommand runs `setup` first; setup is idempotent and
# takes seconds when nothing is missing.
#   ./build.sh setup          apt packages it lacks, dotnet restore + build (with the Debian 12 libtorch compatibility step)
#   ./build.sh test           every test (xunit), ends with "test: N passed, N failed, N skipped"
#   ./build.sh demo [args]    the main job end to end (args go to `fedtransfer demo`)
#   ./build.sh bench NAME     a benchmark from bench/NAME.sh (training, transport, rounds, ...)
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$(pwd)
CONFIG=${CONFIG:-Release}
# Debian's interpreter: it is the one that sees python3-torch / python3-grpcio, whatever python3 is on PATH.
export FEDTRANSFER_PYTHON=${FEDTRANSFER_PYTHON:-/usr/bin/python3}
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

APT_PACKAGES=(dataset-fashion-mnist python3-torch python3-numpy python3-grpcio python3-protobuf
  python3-cryptography protobuf-compiler)
# TorchSharp 0.107's libLibTorchSharp.so asks for GLIBCXX_3.4.32 (GCC 13); where the system's libstdc++ stops earlier
# (Debian 12: 3.4.30) build/glibcxx-compat.sh patches each build output, with these tools.
if build/glibcxx-compat.sh --needed; then
  APT_PACKAGES+=(patchelf binutils g++)
fi

# Colour only on a terminal, and never with NO_COLOR set (https://no-color.org): CI logs stay plain text.
if [ -t 2 ] && [ -z "${NO_COLOR:-}" ]; then
  log() { printf '\033[1;34m[build]\033[0m %s\n' "$*" >&2; }
else
  log() { printf '[build] %s\n' "$*" >&2; }
fi

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

install_missing_packages() {
  local missing=()
  for p in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing: ${missing[*]}"
  # A fresh Debian machine has empty package lists until `apt-get update` has run once.
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

build_dotnet() {
  dotnet build FedTransfer.sln -c "$CONFIG" -nologo -v quiet -clp:NoSummary -clp:ErrorsOnly
}

setup() {
  install_missing_packages
  build_dotnet
}

run_tests() {
  local results=artifacts/test-results
  rm -rf "$results"; mkdir -p "$results"
  local rc=0
  # Test projects run one after another: each may start servers and python peers, and CI has two cores.
  dotnet test FedTransfer.sln -c "$CONFIG" --no-build -nologo -m:1 \
    --logger "trx" --results-directory "$results" -- RunConfiguration.TestSessionTimeout=1500000 || rc=$?
  test_summary "$results"
  return $rc
}

test_summary() {
  # One closing line over every test project, summed from the TRX files.
  local passed=0 failed=0 skipped=0
  for f in "$1"/*.trx; do
    [ -f "$f" ] || continue
    local c; c=$(grep -o '<Counters [^>]*>' "$f" | head -1)
    passed=$((passed + $(sed -E 's/.* passed="([0-9]+)".*/\1/' <<<"$c")))
    failed=$((failed + $(sed -E 's/.* failed="([0-9]+)".*/\1/' <<<"$c")))
    # xunit's TRX logger counts a skipped test as neither executed nor notExecuted: total - executed.
    skipped=$((skipped + $(sed -E 's/.* total="([0-9]+)".*/\1/' <<<"$c") - $(sed -E 's/.* executed="([0-9]+)".*/\1/' <<<"$c")))
  done
  echo "test: $passed passed, $failed failed, $skipped skipped"
}

cmd=${1:-help}; shift || true
case "$cmd" in
  setup) setup ;;
  test) setup; run_tests ;;
  demo) setup; dotnet "src/FedTransfer.Cli/bin/$CONFIG/net10.0/fedtransfer.dll" demo "$@" ;;
  bench)
    name=${1:?usage: ./build.sh bench NAME (see bench/*.sh)}; shift
    [ -f "bench/$name.sh" ] || { echo "no benchmark '$name'; have: $(ls bench/*.sh 2>/dev/null | xargs -n1 basename | sed 's/\.sh$//' | tr '\n' ' ')" >&2; exit 2; }
    setup; CONFIG=$CONFIG ROOT=$ROOT bash "bench/$name.sh" "$@" ;;
  *) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; [ "$cmd" = help ] || exit 2 ;;
esac

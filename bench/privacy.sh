#!/usr/bin/env bash
# Privacy benchmarks, one section each; the secure aggregation section runs first.
#
# Secure aggregation (SecAgg+): `fedtransfer bench-secagg` runs simulated FedAvg rounds in process through the real
# protocol classes (src/FedTransfer.Federation/SecureAggregation), with and without secure aggregation, at SITES site
# counts (default 10,50; the first is the headline) with PARAMETERS delta elements per site (default 262144, 1 MiB of
# float32). It prints:
#   secagg_sum_max_abs_error        largest |secure sum - plain sum| over the coordinates (headline site count), with
#                                   secagg_sum_error_bound_N, the fixed-point bound n/(2·scale) it must stay under
#   secagg_round_overhead_ratio_N   coordinator CPU per round, secure ÷ plain (target <= 2.0): per payload the SHA-256
#                                   check, then validation + streaming FedAvg (plain) or ring sum + unmasking + FedAvg
#                                   on the sum (secure); network and disk are not in it. _one_dropout: one site
#                                   drops after sharing, so its pairwise masks are rebuilt from its shared mask key
#   secagg_upload_ratio_N           bytes one site sends in a round, secure ÷ plain (target <= 1.1 at 10 sites): the
#                                   PushResult messages, plus keys, encrypted shares and revealed shares
# Env: SITES, PARAMETERS, ROUNDS (timed rounds per setting, default 3), ROOT/CONFIG.
set -euo pipefail
ROOT=${ROOT:-$(cd "$(dirname "$0")/.." && pwd)}
CONFIG=${CONFIG:-Release}
CLI="$ROOT/src/FedTransfer.Cli/bin/$CONFIG/net10.0/fedtransfer.dll"
[ -f "$CLI" ] || { echo "missing $CLI; run ./build.sh setup first" >&2; exit 1; }
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"

echo "== secure aggregation"
dotnet "$CLI" bench-secagg --sites "${SITES:-10,50}" --parameters "${PARAMETERS:-262144}" --rounds "${ROUNDS:-3}"

# == differential privacy ==
# Reserved for the DP section of issue 14 (dp_eps3_accuracy_drop_pts); it goes here, after secure aggregation.

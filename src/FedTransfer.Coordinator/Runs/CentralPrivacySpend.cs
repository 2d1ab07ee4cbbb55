using FedTransfer.Coordinator.Persistence;
using FedTransfer.Federation.Privacy;

namespace FedTransfer.Coordinator.Runs;

/// <summary>
/// A run's central DP spending, derived from its completed train rounds (each stores the sampling rate it ran at and
/// the ε after it in its metrics), so the database is the one record and a restarted coordinator resumes the same
/// account: the accountant is rebuilt from the stored rates, never kept on its own.
/// </summary>
internal static class CentralPrivacySpend
{
    /// <summary>Metric of a train round: ε spent by the run after it, at the run's δ.</summary>
    public const string EpsilonMetric = "central_dp_epsilon";

    /// <summary>Metric of a train round: the site sampling rate q it was accounted at.</summary>
    public const string SamplingRateMetric = "central_dp_sampling_rate";

    /// <summary>The sampling rate of every completed train round of the run, in round order.</summary>
    public static IReadOnlyList<double> RoundRates(RunStore runs, string runId) =>
        runs.Rounds(runId)
            .Where(r => r.Kind == RowValues.Train && r.State == RowValues.Completed)
            .OrderBy(r => r.Round)
            .Select(r => ProtoMapping.ParseMetrics(r.MetricsJson).TryGetValue(SamplingRateMetric, out var q) ? q : 1.0)
            .ToArray();

    /// <summary>ε spent so far by run <paramref name="runId"/> under <paramref name="settings"/> (0 before round 1).</summary>
    public static double EpsilonSoFar(RunStore runs, string runId, CentralDpSettings settings) =>
        settings.Accountant(RoundRates(runs, runId)).Epsilon(settings.Delta);
}

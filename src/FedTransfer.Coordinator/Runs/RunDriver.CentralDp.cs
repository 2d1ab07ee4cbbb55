using System.Globalization;
using FedTransfer.Coordinator.Persistence;
using FedTransfer.Federation.Strategies;

namespace FedTransfer.Coordinator.Runs;

/// <summary>Central differential privacy's part of a run: the sampling rate of a round, the budget check before it, and the ε recorded after it.</summary>
internal sealed partial class RunDriver
{
    // q = sampled / eligible: what sampling amplification is accounted at. Fixed-size sampling without replacement is
    // accounted as Poisson sampling at that rate, as DP-FedAvg's own analysis does.
    private static double SamplingRate(TrainPlan plan, IReadOnlyList<SiteCandidate> candidates)
    {
        var eligible = candidates.Count(c => c.TrainExamples > 0);
        return eligible == 0 ? 1.0 : Math.Min(1.0, (double)plan.Assignments.Count / eligible);
    }

    /// <summary>Why the run stops before round <paramref name="round"/> (one line), or null when the round fits the central DP budget.</summary>
    private string? CentralBudgetReached(int round, double samplingRate)
    {
        if (run.Settings.CentralDp is not { } dp) return null;
        var spent = CentralPrivacySpend.RoundRates(deps.Runs, run.RunId);
        var before = dp.Accountant(spent).Epsilon(dp.Delta);
        var after = dp.Accountant(spent.Append(samplingRate)).Epsilon(dp.Delta);
        if (after <= dp.EpsilonBudget) return null;
        return string.Create(CultureInfo.InvariantCulture,
            $"privacy budget reached: round {round} at sampling rate {samplingRate:0.####} would take epsilon from {before:0.###} to {after:0.###}, past central_dp_epsilon_budget {dp.EpsilonBudget} (delta {dp.Delta})");
    }

    /// <summary>The round's metrics plus its sampling rate and the run's ε after it, when central DP is on.</summary>
    private IReadOnlyDictionary<string, double> WithCentralEpsilon(IReadOnlyList<TaskRow> tasks, IReadOnlyDictionary<string, double> metrics)
    {
        if (run.Settings.CentralDp is not { } dp) return metrics;
        // The rate the round's tasks were planned with (stored with them, so a round reopened after a restart keeps it).
        var rate = tasks.Count == 0 ? 1.0 : TaskPayloads.ParseConfig(tasks[0].ConfigJson).SiteSamplingRate;
        if (!(rate > 0)) rate = 1.0;
        var rates = CentralPrivacySpend.RoundRates(deps.Runs, run.RunId).Append(rate);
        return new Dictionary<string, double>(metrics, StringComparer.Ordinal)
        {
            [CentralPrivacySpend.SamplingRateMetric] = rate,
            [CentralPrivacySpend.EpsilonMetric] = dp.Accountant(rates).Epsilon(dp.Delta),
        };
    }
}

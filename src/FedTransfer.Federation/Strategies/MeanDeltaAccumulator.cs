using FedTransfer.Weights.Serialization;

namespace FedTransfer.Federation.Strategies;

/// <summary>Turns the streamed example-weighted sum of a round's deltas into the next global adapter and server state.</summary>
/// <param name="sums">The round's Σ nᵢ·δᵢ and Σ nᵢ, tensor by tensor in trainable-set order.</param>
internal delegate (IReadOnlyList<TensorRecord> NewGlobal, IReadOnlyList<TensorRecord> State) MeanDeltaStep(WeightedDeltaAccumulator sums);

/// <summary>
/// The train accumulator of the FedAvg family (FedAvg, FedAvgM, FedProx, FedAdagrad, FedAdam, FedYogi): every site's delta is
/// folded into one float32 running sum as it arrives (<see cref="WeightedDeltaAccumulator"/>), so memory is one adapter
/// plus the strategy's state whatever the number of sites; <paramref name="step"/> then applies the server optimiser.
/// </summary>
internal sealed class MeanDeltaAccumulator(int round, GlobalAdapter global, bool acceptFailures, MeanDeltaStep step) : ITrainAccumulator
{
    private readonly WeightedDeltaAccumulator _sum = new(global.Trainable);
    private readonly List<(long, IReadOnlyDictionary<string, double>)> _metrics = [];
    private bool _completed;

    public int Count => _sum.Count;

    public void Add(SiteTrainResult result)
    {
        if (_completed) throw new InvalidOperationException($"round {round} is already aggregated");
        using var delta = result.OpenDelta();
        _sum.Add(delta, result.ExampleCount, $"site {result.SiteId}");
        _metrics.Add((result.ExampleCount, result.Metrics));
    }

    public TrainAggregation Complete(IReadOnlyList<SiteFailure> failures)
    {
        if (_completed) throw new InvalidOperationException($"round {round} is already aggregated");
        _completed = true;
        var refusal = RoundAcceptance.Check(round, failures, _sum.Count, acceptFailures);
        if (refusal is not null) return TrainAggregation.Failure(refusal);
        var (next, state) = step(_sum);
        return TrainAggregation.Success(next, MetricAverager.WeightedMeans(_metrics), _sum.Count) with { ServerState = state };
    }
}

/// <summary>The rule every strategy applies before aggregating: enough valid results, and failures tolerated or not.</summary>
internal static class RoundAcceptance
{
    /// <summary>Why round <paramref name="round"/> cannot be aggregated, one line; null when it can.</summary>
    public static string? Check(int round, IReadOnlyList<SiteFailure> failures, int results, bool acceptFailures)
    {
        if (failures.Count > 0 && !acceptFailures)
            return $"round {round}: {failures.Count} site(s) failed and accept_failures=false (first: {failures[0].SiteId}: {failures[0].Reason})";
        if (results == 0)
            return $"round {round}: no valid update to aggregate ({failures.Count} site(s) failed)";
        return null;
    }
}

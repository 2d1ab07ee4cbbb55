namespace FedTransfer.Federation.Strategies;

/// <summary>
/// A federated optimisation strategy: which sites train with which settings, how their updates become the next
/// global adapter, and the same two steps for federated evaluation. Failures are passed in explicitly so a strategy
/// decides itself whether a partial round is acceptable.
/// </summary>
public interface IStrategy
{
    /// <summary>The name runs refer to, e.g. "fedavg".</summary>
    string Name { get; }

    /// <summary>Chooses the sites of train round <paramref name="round"/> (1-based) among <paramref name="available"/> and their settings.</summary>
    TrainPlan ConfigureTrain(int round, IReadOnlyList<SiteCandidate> available, RoundSettings settings);

    /// <summary>
    /// Starts aggregating round <paramref name="round"/> from <paramref name="global"/>. Results are added one at a time
    /// as they arrive (each already validated), so memory does not grow with the number of sites.
    /// </summary>
    ITrainAccumulator BeginAggregateTrain(int round, GlobalAdapter global);

    /// <summary>Chooses the sites that evaluate the global adapter after round <paramref name="round"/>.</summary>
    SiteSelection ConfigureEvaluate(int round, IReadOnlyList<SiteCandidate> available, RoundSettings settings);

    /// <summary>Combines evaluation results, weighted by examples.</summary>
    EvaluationAggregation AggregateEvaluate(int round, IReadOnlyList<SiteEvaluation> results, IReadOnlyList<SiteFailure> failures);
}

/// <summary>The running state of one train round's aggregation.</summary>
public interface ITrainAccumulator
{
    /// <summary>Number of results added so far.</summary>
    int Count { get; }

    /// <summary>Adds one validated site result. Reads its delta once, tensor by tensor.</summary>
    /// <exception cref="InvalidOperationException">The delta does not match the trainable set (it was not validated), or the accumulator is completed or faulted.</exception>
    void Add(SiteTrainResult result);

    /// <summary>Produces the new global adapter from the results added, or a failure reason.</summary>
    TrainAggregation Complete(IReadOnlyList<SiteFailure> failures);
}

/// <summary>Conveniences over <see cref="IStrategy"/>.</summary>
public static class StrategyExtensions
{
    /// <summary>Aggregates a whole train round at once: global weights + successful results + failures → new global or a reason.</summary>
    public static TrainAggregation AggregateTrain(this IStrategy strategy, int round, GlobalAdapter global,
        IEnumerable<SiteTrainResult> results, IReadOnlyList<SiteFailure> failures)
    {
        var accumulator = strategy.BeginAggregateTrain(round, global);
        foreach (var result in results) accumulator.Add(result);
        return accumulator.Complete(failures);
    }
}

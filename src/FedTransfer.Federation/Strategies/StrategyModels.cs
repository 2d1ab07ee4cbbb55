using FedTransfer.Federation.Updates;
using FedTransfer.Weights.Serialization;

namespace FedTransfer.Federation.Strategies;

/// <summary>Local training settings handed to one site for one round.</summary>
/// <param name="Epochs">Local passes over the train split, at least 1.</param>
/// <param name="BatchSize">Examples per optimiser step, at least 1.</param>
/// <param name="LearningRate">Optimiser learning rate, positive.</param>
/// <param name="FedProxMu">FedProx proximal coefficient, 0 disables it.</param>
/// <param name="Seed">Seed for the site's randomness in this task.</param>
public sealed record TrainConfig(int Epochs, int BatchSize, double LearningRate, double FedProxMu, long Seed)
{
    /// <summary>
    /// The fraction of eligible sites sampled in the task's round (0 = not told): a site's DP accounting amplifies by it, and
    /// the coordinator's central DP accounting reads it back from the stored task after a restart.
    /// </summary>
    public double SiteSamplingRate { get; init; }
}

/// <summary>A site that could take part in a round.</summary>
/// <param name="SiteId">Stable identity of the site.</param>
/// <param name="TrainExamples">Examples in its train split (as it reported at join).</param>
/// <param name="ValidationExamples">Examples in its validation split.</param>
public sealed record SiteCandidate(string SiteId, long TrainExamples, long ValidationExamples);

/// <summary>How a run samples and configures sites each round.</summary>
/// <param name="Fraction">Fraction of available sites sampled per round, in (0, 1].</param>
/// <param name="MinSites">Minimum number of sites per round (and of results needed to aggregate).</param>
/// <param name="BaseConfig">Training settings; the seed is the run seed from which per-task seeds derive.</param>
public sealed record RoundSettings(double Fraction, int MinSites, TrainConfig BaseConfig);

/// <summary>One sampled site and its training settings for the round.</summary>
public sealed record TrainAssignment(string SiteId, TrainConfig Config);

/// <summary>The train tasks of a round, or why the round cannot start.</summary>
/// <param name="Assignments">One per sampled site; empty when <paramref name="Shortfall"/> is set.</param>
/// <param name="Shortfall">Why no sites were chosen (too few available), one line; null otherwise.</param>
public sealed record TrainPlan(IReadOnlyList<TrainAssignment> Assignments, string? Shortfall);

/// <summary>The sites chosen for a round, or why none could be (too few available).</summary>
/// <param name="SiteIds">Chosen sites; empty when <paramref name="Shortfall"/> is set.</param>
/// <param name="Shortfall">Why the round cannot start, one line; null when it can.</param>
public sealed record SiteSelection(IReadOnlyList<string> SiteIds, string? Shortfall);

/// <summary>A validated train result of one site: its delta (local - global, safetensors) and weight.</summary>
/// <param name="SiteId">Who sent it.</param>
/// <param name="ExampleCount">Examples trained on: the FedAvg weight, positive.</param>
/// <param name="Metrics">Aggregate training metrics the site reported.</param>
/// <param name="OpenDelta">Opens the safetensors delta from its start; called once per aggregation, disposed by the caller.</param>
public sealed record SiteTrainResult(string SiteId, long ExampleCount, IReadOnlyDictionary<string, double> Metrics, Func<Stream> OpenDelta);

/// <summary>A federated evaluation result of one site.</summary>
/// <param name="SiteId">Who sent it.</param>
/// <param name="ExampleCount">Validation examples evaluated on: the weight, positive.</param>
/// <param name="Metrics">Evaluation metrics, e.g. val_loss, val_accuracy.</param>
public sealed record SiteEvaluation(string SiteId, long ExampleCount, IReadOnlyDictionary<string, double> Metrics);

/// <summary>A sampled site that produced no usable result, passed explicitly to aggregation.</summary>
/// <param name="SiteId">The site.</param>
/// <param name="Reason">Why: rejected update, timed out, disconnected...</param>
public sealed record SiteFailure(string SiteId, string Reason);

/// <summary>The global adapter a round starts from.</summary>
/// <param name="Trainable">Names, dtypes and shapes of the trainable set.</param>
/// <param name="Tensors">Current values, exactly the trainable set.</param>
public sealed record GlobalAdapter(TrainableSet Trainable, IReadOnlyList<TensorRecord> Tensors)
{
    /// <summary>
    /// The strategy's server-side state after the previous round (e.g. momentum, Adam's moments) as the previous
    /// <see cref="TrainAggregation.ServerState"/> returned it; empty before the first round. The coordinator stores it
    /// with each round, so a restarted coordinator hands the same state back.
    /// </summary>
    public IReadOnlyList<TensorRecord> ServerState { get; init; } = [];
}

/// <summary>The result of aggregating a train round: a new global adapter, or the reason there is none.</summary>
public sealed record TrainAggregation
{
    private TrainAggregation(IReadOnlyList<TensorRecord>? newGlobal, IReadOnlyDictionary<string, double> metrics, int used, string? failure)
    {
        NewGlobal = newGlobal;
        Metrics = metrics;
        ResultsUsed = used;
        FailureReason = failure;
    }

    /// <summary>The next global adapter (same names, dtypes, shapes as before); null on failure.</summary>
    public IReadOnlyList<TensorRecord>? NewGlobal { get; }

    /// <summary>Example-weighted means of the sites' training metrics.</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; }

    /// <summary>Number of site results combined.</summary>
    public int ResultsUsed { get; }

    /// <summary>Why no new global adapter was produced; null on success.</summary>
    public string? FailureReason { get; }

    /// <summary>
    /// The strategy's server-side state after this round (float32 tensors, names chosen by the strategy), to be passed
    /// back as <see cref="GlobalAdapter.ServerState"/> next round; empty for stateless strategies.
    /// </summary>
    public IReadOnlyList<TensorRecord> ServerState { get; init; } = [];

    /// <summary>True when <see cref="NewGlobal"/> is set.</summary>
    public bool Succeeded => NewGlobal is not null;

    /// <summary>A successful aggregation.</summary>
    public static TrainAggregation Success(IReadOnlyList<TensorRecord> newGlobal, IReadOnlyDictionary<string, double> metrics, int used) =>
        new(newGlobal, metrics, used, null);

    /// <summary>A failed aggregation with its one-line reason.</summary>
    public static TrainAggregation Failure(string reason) => new(null, new Dictionary<string, double>(), 0, reason);
}

/// <summary>The result of aggregating an evaluation round.</summary>
/// <param name="Metrics">Example-weighted means of each metric over the sites that reported it.</param>
/// <param name="ExampleCount">Total validation examples behind the means.</param>
/// <param name="ResultsUsed">Number of site results combined.</param>
/// <param name="FailureReason">Why no aggregate exists (no results); null otherwise.</param>
public sealed record EvaluationAggregation(IReadOnlyDictionary<string, double> Metrics, long ExampleCount, int ResultsUsed, string? FailureReason);

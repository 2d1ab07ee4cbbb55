using FedTransfer.Weights.Serialization;

namespace FedTransfer.Federation.Strategies;

/// <summary>
/// FedAvg with server momentum, FedAvgM (Hsu, Qi, Brown, "Measuring the Effects of Non-Identical Data Distribution for
/// Federated Visual Classification", arXiv:1909.06335, 2019). With δ̄ₜ the example-weighted mean of the sites'
/// deltas (local − global, i.e. the negated pseudo-gradient): mₜ = β·mₜ₋₁ + δ̄ₜ; xₜ₊₁ = xₜ + η·mₜ. β = 0 is FedAvg.
/// The momentum m (one float32 copy of the adapter) is server state: the coordinator stores it with every round.
/// Settings: <c>momentum</c> β (default 0.9, in [0, 1)); <c>server_lr</c> η (default 1, in (0, 10]) — the paper
/// compares settings at equal effective rate η/(1 − β), so lower η when raising β; <c>accept_failures</c> (default true).
/// Memory: two adapters (running sum and momentum) whatever the number of sites.
/// </summary>
public sealed class FedAvgM : IStrategy
{
    /// <summary>The strategy's name in StartRun.</summary>
    public const string StrategyName = "fedavgm";

    /// <summary>The state slot holding the momentum.</summary>
    public const string MomentumSlot = "momentum";

    /// <summary>Creates FedAvgM from its text settings.</summary>
    /// <exception cref="ArgumentException">An unknown key or an invalid value.</exception>
    public FedAvgM(IReadOnlyDictionary<string, string>? settings = null)
    {
        var s = new StrategySettings(StrategyName, settings, "momentum", "server_lr", "accept_failures");
        Momentum = s.Double("momentum", 0.9, 0.0, 0.999_999);
        ServerLearningRate = s.Double("server_lr", 1.0, double.Epsilon, 10.0);
        AcceptFailures = s.Boolean("accept_failures", true);
    }

    /// <inheritdoc />
    public string Name => StrategyName;

    /// <summary>β: the fraction of last round's momentum kept.</summary>
    public double Momentum { get; }

    /// <summary>η: the server step size applied to the momentum.</summary>
    public double ServerLearningRate { get; }

    /// <summary>Whether a round with some failed sites still aggregates the valid results.</summary>
    public bool AcceptFailures { get; }

    /// <summary>One server step, in place: m ← β·m + δ̄; x ← x + η·m.</summary>
    public static void Step(Span<float> x, Span<float> m, ReadOnlySpan<float> meanDelta, double beta, double lr)
    {
        if (x.Length != m.Length || x.Length != meanDelta.Length) throw new ArgumentException("x, m and the mean delta must have the same length");
        for (var i = 0; i < x.Length; i++)
        {
            m[i] = (float)(beta * m[i] + meanDelta[i]);
            x[i] = (float)(x[i] + lr * m[i]);
        }
    }

    /// <inheritdoc />
    public TrainPlan ConfigureTrain(int round, IReadOnlyList<SiteCandidate> available, RoundSettings settings) =>
        DefaultSelection.ConfigureTrain(round, available, settings);

    /// <inheritdoc />
    public ITrainAccumulator BeginAggregateTrain(int round, GlobalAdapter global) =>
        new MeanDeltaAccumulator(round, global, AcceptFailures, sums =>
        {
            var next = new List<TensorRecord>(global.Trainable.Count);
            var state = new List<TensorRecord>(global.Trainable.Count);
            for (var i = 0; i < global.Trainable.Count; i++)
            {
                var spec = global.Trainable.Tensors[i];
                var x = GlobalTensors.Read(global, spec);
                var m = ServerStateTensors.Read(global.ServerState, MomentumSlot, spec, 0f);
                var mean = MeanOf(sums.Sum(i), sums.TotalWeight);
                Step(x, m, mean, Momentum, ServerLearningRate);
                next.Add(GlobalTensors.Write(spec, x));
                state.Add(ServerStateTensors.Write(MomentumSlot, spec, m));
            }
            return (next, state);
        });

    /// <inheritdoc />
    public SiteSelection ConfigureEvaluate(int round, IReadOnlyList<SiteCandidate> available, RoundSettings settings) =>
        DefaultSelection.ConfigureEvaluate(round, available, settings);

    /// <inheritdoc />
    public EvaluationAggregation AggregateEvaluate(int round, IReadOnlyList<SiteEvaluation> results, IReadOnlyList<SiteFailure> failures) =>
        DefaultSelection.AggregateEvaluate(round, results, failures);

    internal static float[] MeanOf(ReadOnlySpan<float> sum, double totalWeight)
    {
        var mean = new float[sum.Length];
        for (var k = 0; k < mean.Length; k++) mean[k] = (float)(sum[k] / totalWeight);
        return mean;
    }
}

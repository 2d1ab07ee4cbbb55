namespace FedTransfer.Federation.Strategies;

/// <summary>
/// FedProx (Li, Sahu, Zaheer, Sanjabi, Talwalkar, Smith, "Federated Optimization in Heterogeneous Networks", MLSys
/// 2020): each site minimises its loss plus the proximal term (μ/2)·‖w − w_global‖², which keeps local models near the
/// global one on heterogeneous data; the server aggregates exactly as FedAvg. The strategy hands μ to every site in
/// its <see cref="TrainConfig.FedProxMu"/> (overriding the run's hyper_parameters.fedprox_mu).
/// Settings: <c>mu</c> μ (default 0.01, in [0, 10]; the paper tunes it over {0.001, 0.01, 0.1, 1}); <c>server_lr</c>
/// (default 1) and <c>accept_failures</c> (default true) as for FedAvg. Memory: one adapter, streaming.
/// </summary>
public sealed class FedProx : IStrategy
{
    /// <summary>The strategy's name in StartRun.</summary>
    public const string StrategyName = "fedprox";

    private readonly FedAvg _aggregation;

    /// <summary>Creates FedProx from its text settings.</summary>
    /// <exception cref="ArgumentException">An unknown key or an invalid value.</exception>
    public FedProx(IReadOnlyDictionary<string, string>? settings = null)
    {
        var s = new StrategySettings(StrategyName, settings, "mu", "server_lr", "accept_failures");
        Mu = s.Double("mu", 0.01, 0.0, 10.0);
        var rest = (settings ?? new Dictionary<string, string>()).Where(kv => kv.Key != "mu").ToDictionary(kv => kv.Key, kv => kv.Value);
        _aggregation = new FedAvg(rest);
    }

    /// <inheritdoc />
    public string Name => StrategyName;

    /// <summary>μ: the proximal coefficient every site trains with.</summary>
    public double Mu { get; }

    /// <inheritdoc />
    public TrainPlan ConfigureTrain(int round, IReadOnlyList<SiteCandidate> available, RoundSettings settings)
    {
        var plan = DefaultSelection.ConfigureTrain(round, available, settings);
        return plan with { Assignments = plan.Assignments.Select(a => a with { Config = a.Config with { FedProxMu = Mu } }).ToArray() };
    }

    /// <inheritdoc />
    public ITrainAccumulator BeginAggregateTrain(int round, GlobalAdapter global) => _aggregation.BeginAggregateTrain(round, global);

    /// <inheritdoc />
    public SiteSelection ConfigureEvaluate(int round, IReadOnlyList<SiteCandidate> available, RoundSettings settings) =>
        DefaultSelection.ConfigureEvaluate(round, available, settings);

    /// <inheritdoc />
    public EvaluationAggregation AggregateEvaluate(int round, IReadOnlyList<SiteEvaluation> results, IReadOnlyList<SiteFailure> failures) =>
        DefaultSelection.AggregateEvaluate(round, results, failures);
}

namespace FedTransfer.Federation.Strategies;

/// <summary>
/// FedAdagrad (Reddi et al., "Adaptive Federated Optimization", ICLR 2021, Algorithm 2): the server treats the mean
/// delta Δₜ as a pseudo-gradient and applies Adagrad with momentum: vₜ = vₜ₋₁ + Δₜ², then
/// xₜ₊₁ = xₜ + η·mₜ / (√vₜ + τ) (see <see cref="AdaptiveServerOptimizer"/>).
/// Settings: <c>eta</c> η (default 0.01; the paper tunes it on a log grid per task), <c>beta1</c> β₁ (default 0.9),
/// <c>tau</c> τ (default 1e-3), <c>accept_failures</c> (default true). Server state m, v: two float32 adapters.
/// </summary>
public sealed class FedAdagrad : IStrategy
{
    /// <summary>The strategy's name in StartRun.</summary>
    public const string StrategyName = "fedadagrad";

    /// <summary>Creates FedAdagrad from its text settings.</summary>
    /// <exception cref="ArgumentException">An unknown key or an invalid value.</exception>
    public FedAdagrad(IReadOnlyDictionary<string, string>? settings = null) =>
        Settings = AdaptiveSettings.Parse(StrategyName, settings, usesBeta2: false);

    /// <inheritdoc />
    public string Name => StrategyName;

    /// <summary>The parsed settings.</summary>
    public AdaptiveSettings Settings { get; }

    /// <summary>Adagrad's second moment: vₜ = vₜ₋₁ + Δₜ² (β₂ unused).</summary>
    public static double SecondMoment(double previous, double deltaSquared, double beta2) => previous + deltaSquared;

    /// <inheritdoc />
    public TrainPlan ConfigureTrain(int round, IReadOnlyList<SiteCandidate> available, RoundSettings settings) =>
        DefaultSelection.ConfigureTrain(round, available, settings);

    /// <inheritdoc />
    public ITrainAccumulator BeginAggregateTrain(int round, GlobalAdapter global) =>
        AdaptiveServerOptimizer.Begin(round, global, Settings, SecondMoment);

    /// <inheritdoc />
    public SiteSelection ConfigureEvaluate(int round, IReadOnlyList<SiteCandidate> available, RoundSettings settings) =>
        DefaultSelection.ConfigureEvaluate(round, available, settings);

    /// <inheritdoc />
    public EvaluationAggregation AggregateEvaluate(int round, IReadOnlyList<SiteEvaluation> results, IReadOnlyList<SiteFailure> failures) =>
        DefaultSelection.AggregateEvaluate(round, results, failures);
}

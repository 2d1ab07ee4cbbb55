namespace FedTransfer.Federation.Strategies;

/// <summary>
/// FedAdam (Reddi et al., "Adaptive Federated Optimization", ICLR 2021, Algorithm 2): the server treats the mean
/// delta Δₜ as a pseudo-gradient and applies Adam: vₜ = β₂·vₜ₋₁ + (1 − β₂)·Δₜ², then
/// xₜ₊₁ = xₜ + η·mₜ / (√vₜ + τ) (see <see cref="AdaptiveServerOptimizer"/>).
/// Settings: <c>eta</c> η (default 0.01; the paper tunes it on a log grid per task), <c>beta1</c> β₁ (default 0.9),
/// <c>beta2</c> β₂ (default 0.99), <c>tau</c> τ (default 1e-3), <c>accept_failures</c> (default true). Server state m, v: two float32 adapters.
/// </summary>
public sealed class FedAdam : IStrategy
{
    /// <summary>The strategy's name in StartRun.</summary>
    public const string StrategyName = "fedadam";

    /// <summary>Creates FedAdam from its text settings.</summary>
    /// <exception cref="ArgumentException">An unknown key or an invalid value.</exception>
    public FedAdam(IReadOnlyDictionary<string, string>? settings = null) =>
        Settings = AdaptiveSettings.Parse(StrategyName, settings, usesBeta2: true);

    /// <inheritdoc />
    public string Name => StrategyName;

    /// <summary>The parsed settings.</summary>
    public AdaptiveSettings Settings { get; }

    /// <summary>Adam's second moment: vₜ = β₂·vₜ₋₁ + (1 − β₂)·Δₜ².</summary>
    public static double SecondMoment(double previous, double deltaSquared, double beta2) => beta2 * previous + (1 - beta2) * deltaSquared;

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

namespace FedTransfer.Federation.Strategies;

/// <summary>
/// FedYogi (Reddi et al., "Adaptive Federated Optimization", ICLR 2021, Algorithm 2): the server treats the mean
/// delta Δₜ as a pseudo-gradient and applies Yogi: vₜ = vₜ₋₁ − (1 − β₂)·Δₜ²·sign(vₜ₋₁ − Δₜ²) (an additive,
/// sign-controlled change, so v does not collapse as fast as Adam's when updates shrink), then
/// xₜ₊₁ = xₜ + η·mₜ / (√vₜ + τ) (see <see cref="AdaptiveServerOptimizer"/>).
/// Settings: <c>eta</c> η (default 0.01; the paper tunes it on a log grid per task), <c>beta1</c> β₁ (default 0.9),
/// <c>beta2</c> β₂ (default 0.99), <c>tau</c> τ (default 1e-3), <c>accept_failures</c> (default true). Server state m, v: two float32 adapters.
/// </summary>
public sealed class FedYogi : IStrategy
{
    /// <summary>The strategy's name in StartRun.</summary>
    public const string StrategyName = "fedyogi";

    /// <summary>Creates FedYogi from its text settings.</summary>
    /// <exception cref="ArgumentException">An unknown key or an invalid value.</exception>
    public FedYogi(IReadOnlyDictionary<string, string>? settings = null) =>
        Settings = AdaptiveSettings.Parse(StrategyName, settings, usesBeta2: true);

    /// <inheritdoc />
    public string Name => StrategyName;

    /// <summary>The parsed settings.</summary>
    public AdaptiveSettings Settings { get; }

    /// <summary>Yogi's second moment: vₜ = vₜ₋₁ − (1 − β₂)·Δₜ²·sign(vₜ₋₁ − Δₜ²).</summary>
    public static double SecondMoment(double previous, double deltaSquared, double beta2) => previous - (1 - beta2) * deltaSquared * Math.Sign(previous - deltaSquared);

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

namespace FedTransfer.Federation.Strategies;

/// <summary>
/// Site sampling and federated evaluation as FedAvg does them (fraction-with-minimum sampling, per-task seeds, every
/// site with validation data evaluates, example-weighted metrics). The other strategies differ only in aggregation, so
/// they share these rules rather than restate them.
/// </summary>
internal static class DefaultSelection
{
    private static readonly FedAvg Plain = new();

    public static TrainPlan ConfigureTrain(int round, IReadOnlyList<SiteCandidate> available, RoundSettings settings) =>
        Plain.ConfigureTrain(round, available, settings);

    public static SiteSelection ConfigureEvaluate(int round, IReadOnlyList<SiteCandidate> available, RoundSettings settings) =>
        Plain.ConfigureEvaluate(round, available, settings);

    public static EvaluationAggregation AggregateEvaluate(int round, IReadOnlyList<SiteEvaluation> results, IReadOnlyList<SiteFailure> failures) =>
        Plain.AggregateEvaluate(round, results, failures);
}

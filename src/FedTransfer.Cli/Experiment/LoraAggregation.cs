using FedTransfer.Federation.Strategies;

namespace FedTransfer.Cli.Experiment;

/// <summary>
/// The aggregation a run uses, as the coordinator would choose it: FedAvg from the registry. LoRA's <c>agg=</c> mode is
/// a setting of the adapter spec, so the strategy stays the same whatever the mode.
/// </summary>
internal static class LoraAggregation
{
    public static IStrategy StrategyFor(string adapterSpec) => StrategyRegistry.Create(FedAvg.StrategyName, null);
}

using FedTransfer.Federation.Strategies;

namespace FedTransfer.Cli.Experiment;

/// <summary>
/// The strategy a run uses, chosen as the coordinator chooses it: by name from the registry, wrapped by
/// <see cref="ExactLoraStrategy"/> when the adapter spec says <c>agg=exact</c> (frozen-a and naive need no wrapper:
/// frozen-a simply has no A in its trainable set).
/// </summary>
internal static class LoraAggregation
{
    public static IStrategy StrategyFor(string adapterSpec, string strategy, IReadOnlyDictionary<string, string> settings) =>
        ExactLoraStrategy.For(StrategyRegistry.Create(strategy, settings), adapterSpec);
}

using FedTransfer.Federation.Strategies;

namespace FedTransfer.Federation.SecureAggregation;

/// <summary>
/// Which strategies secure aggregation can serve: those whose aggregate is a function of the weighted sum of the deltas
/// (the FedAvg family). Everything else needs to see each update, which secure aggregation exists to prevent.
/// </summary>
public static class SecureAggregationCompatibility
{
    /// <summary>One line saying why <paramref name="strategy"/> cannot run under secure aggregation, or null when it can.</summary>
    public static string? Refusal(IStrategy strategy)
    {
        ArgumentNullException.ThrowIfNull(strategy);
        return strategy switch
        {
            NormBound => "secure aggregation cannot be combined with clip_norm: the coordinator never sees an individual update to bound; " +
                "each site clips its own delta under secure aggregation instead",
            ExactLoraStrategy => "secure aggregation cannot be combined with agg=exact LoRA: the SVD of the mean product needs each site's A and B; " +
                "use agg=frozen-a, whose average stays exact",
            _ when ExactLoraStrategy.FedAvgFamily.Contains(strategy.Name) => null,
            _ => $"secure aggregation cannot be combined with strategy {strategy.Name}: it needs each site's update, and the coordinator sees only their sum; " +
                $"use one of {string.Join(", ", ExactLoraStrategy.FedAvgFamily.Order(StringComparer.Ordinal))}",
        };
    }
}

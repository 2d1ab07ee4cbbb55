using FedTransfer.Contracts.V1;
using FedTransfer.Federation.SecureAggregation;
using FedTransfer.Federation.Strategies;

namespace FedTransfer.Coordinator.Runs;

/// <summary>
/// What StartRun answers to a run that asks for secure aggregation. The SecAgg+ protocol classes exist, but rounds do not yet
/// run its phases on the wire; accepting the setting would let a run believe its updates are masked while sites send them in
/// the clear, so every such request is refused (fail closed), with the strategy's own incompatibility reason when it has one.
/// </summary>
internal static class SecureAggregationRunRefusal
{
    /// <summary>The run setting that asks for secure aggregation.</summary>
    public const string SettingName = "secure_aggregation";

    /// <summary>One line saying why the run cannot start, or null when it does not ask for secure aggregation.</summary>
    public static string? For(StartRunRequest request, string adapterSpec)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.StrategySettings.TryGetValue(SettingName, out var value)) return null;
        if (!bool.TryParse(value.Trim(), out var wanted))
            return $"setting {SettingName}={value} is not true or false; secure aggregation is not available to runs yet, so drop the setting";
        if (!wanted) return $"setting {SettingName}=false is the default; drop the setting";
        var rest = request.StrategySettings.Where(kv => kv.Key != SettingName).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        IStrategy strategy;
        try
        {
            strategy = ExactLoraStrategy.For(StrategyRegistry.Create(request.Strategy, rest), adapterSpec);
        }
        catch (ArgumentException e)
        {
            // agg=exact with a robust strategy, or a bad strategy setting: the strategy's own line says it.
            return e.Message;
        }
        return SecureAggregationCompatibility.Refusal(strategy)
            ?? "secure aggregation is not available to runs yet: the SecAgg+ protocol is built and tested, but rounds do not run its phases on the wire, " +
               "so updates would leave the sites unmasked; start the run without secure_aggregation";
    }
}

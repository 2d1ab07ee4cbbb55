namespace FedTransfer.Federation.Strategies;

/// <summary>Creates strategies by the name a run was started with.</summary>
public static class StrategyRegistry
{
    /// <summary>Names that <see cref="Create"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = [FedAvg.StrategyName];

    /// <summary>The strategy called <paramref name="name"/> (case-insensitive; empty = fedavg) with its settings.</summary>
    /// <exception cref="ArgumentException">Unknown name, unknown setting or invalid value; the message says which.</exception>
    public static IStrategy Create(string? name, IReadOnlyDictionary<string, string>? settings) =>
        (string.IsNullOrWhiteSpace(name) ? FedAvg.StrategyName : name.Trim().ToLowerInvariant()) switch
        {
            FedAvg.StrategyName => new FedAvg(settings),
            _ => throw new ArgumentException($"unknown strategy '{name}'; available: {string.Join(", ", Names)}"),
        };
}

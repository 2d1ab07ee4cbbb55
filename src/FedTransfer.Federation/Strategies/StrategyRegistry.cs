namespace FedTransfer.Federation.Strategies;

/// <summary>Creates strategies by the name a run was started with.</summary>
public static class StrategyRegistry
{
    private static readonly (string Name, string Settings, Func<IReadOnlyDictionary<string, string>?, IStrategy> Create)[] Entries =
    [
        (FedAvg.StrategyName, "server_lr=1", s => new FedAvg(s)),
        (FedAvgM.StrategyName, "momentum=0.9 server_lr=1", s => new FedAvgM(s)),
        (FedProx.StrategyName, "mu=0.01 server_lr=1", s => new FedProx(s)),
        (FedAdagrad.StrategyName, "eta=0.01 beta1=0.9 tau=0.001", s => new FedAdagrad(s)),
        (FedAdam.StrategyName, "eta=0.01 beta1=0.9 beta2=0.99 tau=0.001", s => new FedAdam(s)),
        (FedYogi.StrategyName, "eta=0.01 beta1=0.9 beta2=0.99 tau=0.001", s => new FedYogi(s)),
        (CoordinateMedian.StrategyName, "(none)", s => new CoordinateMedian(s)),
        (TrimmedMean.StrategyName, "beta=0.2 (fraction trimmed at each end, < 0.5)", s => new TrimmedMean(s)),
        (Krum.StrategyName, "f=1 (needs more than 2f+2 results)", s => new Krum(s)),
        (MultiKrum.StrategyName, "f=1 m=0 (0 = n-f averaged)", s => new MultiKrum(s)),
    ];

    /// <summary>Names that <see cref="Create"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = Entries.Select(e => e.Name).ToArray();

    /// <summary>
    /// One line per strategy with its settings and defaults, then the settings every strategy takes, for help texts.
    /// </summary>
    public static string Describe() =>
        string.Join(Environment.NewLine, Entries.Select(e => $"{e.Name}: {e.Settings}")) + Environment.NewLine +
        $"any strategy: {NormBound.SettingName}=M (clip each update to L2 norm M; off by default) accept_failures=true";

    /// <summary>The strategy called <paramref name="name"/> (case-insensitive; empty = fedavg) with its settings.</summary>
    /// <remarks>A <c>clip_norm</c> setting wraps the strategy in <see cref="NormBound"/>.</remarks>
    /// <exception cref="ArgumentException">Unknown name, unknown setting or invalid value; the message says which.</exception>
    public static IStrategy Create(string? name, IReadOnlyDictionary<string, string>? settings)
    {
        var key = string.IsNullOrWhiteSpace(name) ? FedAvg.StrategyName : name.Trim().ToLowerInvariant();
        var entry = Entries.FirstOrDefault(e => e.Name == key);
        if (entry.Create is null) throw new ArgumentException($"unknown strategy '{name}'; available: {string.Join(", ", Names)}");
        if (settings is null || !settings.TryGetValue(NormBound.SettingName, out var bound)) return entry.Create(settings);
        var clipNorm = NormBound.ParseBound(key, bound);
        var rest = settings.Where(kv => kv.Key != NormBound.SettingName).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        return new NormBound(entry.Create(rest), clipNorm);
    }

    /// <summary>
    /// Settings written as <c>key=value</c> texts (as <c>run start --setting</c> takes them), checked against the
    /// strategy so a mistake is reported before anything is sent.
    /// </summary>
    /// <exception cref="ArgumentException">A text without '=', a key given twice, or what <see cref="Create"/> rejects.</exception>
    public static IReadOnlyDictionary<string, string> ParseSettings(string? name, IEnumerable<string> pairs)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in pairs)
        {
            var eq = pair.IndexOf('=');
            if (eq <= 0) throw new ArgumentException($"setting '{pair}' is not key=value; e.g. --setting server_lr=0.5");
            var key = pair[..eq].Trim();
            if (!settings.TryAdd(key, pair[(eq + 1)..].Trim())) throw new ArgumentException($"setting '{key}' is given twice; give it once");
        }
        Create(name, settings);
        return settings;
    }
}

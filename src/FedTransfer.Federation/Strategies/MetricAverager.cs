namespace FedTransfer.Federation.Strategies;

/// <summary>Example-weighted means of named metrics, each over the results that reported a finite value for it.</summary>
public static class MetricAverager
{
    /// <summary>For each metric key: Σ nᵢ·vᵢ / Σ nᵢ over results carrying a finite vᵢ and nᵢ &gt; 0.</summary>
    public static IReadOnlyDictionary<string, double> WeightedMeans(IEnumerable<(long Examples, IReadOnlyDictionary<string, double> Metrics)> results)
    {
        var sums = new SortedDictionary<string, (double WeightedSum, double Weight)>(StringComparer.Ordinal);
        foreach (var (examples, metrics) in results)
        {
            if (examples <= 0) continue;
            foreach (var (key, value) in metrics)
            {
                if (!double.IsFinite(value)) continue;
                sums.TryGetValue(key, out var acc);
                sums[key] = (acc.WeightedSum + examples * value, acc.Weight + examples);
            }
        }
        var means = new Dictionary<string, double>(sums.Count, StringComparer.Ordinal);
        foreach (var (key, acc) in sums) means[key] = acc.WeightedSum / acc.Weight;
        return means;
    }
}

namespace FedTransfer.Models.Data;

/// <summary>
/// Non-IID partitioning of a labelled dataset across sites: for each class, the sites' shares are drawn from a
/// symmetric Dirichlet(alpha) (Hsu, Qi and Brown 2019, "Measuring the effects of non-identical data distribution
/// for federated visual classification"). Small alpha gives each site few dominant classes; large alpha tends to IID.
/// </summary>
public static class DirichletPartitioner
{
    /// <summary>Assigns every index to exactly one site.</summary>
    /// <param name="labels">Label of each example.</param>
    /// <param name="sites">Number of sites (K).</param>
    /// <param name="alpha">Dirichlet concentration, positive.</param>
    /// <param name="seed">Same seed, same partition.</param>
    /// <param name="minPerSite">Redraw (up to 1,000 times) until every site has at least this many examples.</param>
    /// <returns>One ascending index array per site; together they are a partition of 0..labels.Count-1.</returns>
    /// <exception cref="InvalidOperationException">No draw met <paramref name="minPerSite"/>; lower it or raise alpha.</exception>
    public static int[][] Partition(IReadOnlyList<long> labels, int sites, double alpha, ulong seed, int minPerSite = 0)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sites);
        if (!(alpha > 0) || double.IsInfinity(alpha)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "Dirichlet alpha must be positive and finite.");
        ArgumentOutOfRangeException.ThrowIfNegative(minPerSite);
        if ((long)minPerSite * sites > labels.Count)
            throw new ArgumentException($"{sites} sites × {minPerSite} examples exceed the {labels.Count} available.", nameof(minPerSite));

        var byClass = labels.Select((label, index) => (label, index))
            .GroupBy(p => p.label)
            .OrderBy(g => g.Key)
            .Select(g => g.Select(p => p.index).ToArray())
            .ToArray();
        var rng = new SeededRandom(seed);
        const int maxAttempts = 1000;
        for (var attempt = 0; attempt < maxAttempts; attempt++)
        {
            var assigned = Enumerable.Range(0, sites).Select(_ => new List<int>()).ToArray();
            foreach (var members in byClass)
            {
                var shuffled = (int[])members.Clone();
                rng.Shuffle(shuffled.AsSpan());
                var shares = rng.NextDirichlet(alpha, sites);
                var cuts = CutPoints(shares, shuffled.Length);
                for (var s = 0; s < sites; s++)
                    assigned[s].AddRange(shuffled[cuts[s]..cuts[s + 1]]);
            }
            if (assigned.All(a => a.Count >= minPerSite))
                return assigned.Select(a => a.Order().ToArray()).ToArray();
        }
        throw new InvalidOperationException(
            $"No Dirichlet(alpha={alpha}) draw in {maxAttempts} attempts gave all {sites} sites at least {minPerSite} examples; lower minPerSite or raise alpha.");
    }

    /// <summary>Splits a dataset into one dataset per site (see <see cref="Partition"/>).</summary>
    public static Dataset[] Split(Dataset data, int sites, double alpha, ulong seed, int minPerSite = 0)
    {
        ArgumentNullException.ThrowIfNull(data);
        var labels = data.Labels.ToArray();
        return Partition(labels, sites, alpha, seed, minPerSite).Select(data.Subset).ToArray();
    }

    /// <summary>Boundaries 0 = c0 ≤ c1 ≤ ... ≤ cK = n from cumulative shares, rounded so the counts sum to n exactly.</summary>
    internal static int[] CutPoints(double[] shares, int n)
    {
        var cuts = new int[shares.Length + 1];
        double cumulative = 0;
        for (var s = 0; s < shares.Length; s++)
        {
            cumulative += shares[s];
            cuts[s + 1] = Math.Clamp((int)Math.Round(cumulative * n, MidpointRounding.ToEven), cuts[s], n);
        }
        cuts[^1] = n;
        return cuts;
    }
}

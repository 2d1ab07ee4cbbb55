using FedTransfer.Federation.Strategies;

namespace FedTransfer.Federation.Sampling;

/// <summary>
/// Chooses the sites of a round: max(minSites, ⌈fraction·n⌉) of the n available, by a seeded key per (round, site), so the
/// choice depends only on the run seed, the round and the set of site ids, not on their order.
/// </summary>
public static class SiteSampler
{
    /// <summary>Samples sites for one round.</summary>
    /// <param name="available">Ids of the sites that can take part (duplicates ignored).</param>
    /// <param name="fraction">Fraction to sample, in (0, 1].</param>
    /// <param name="minSites">Minimum number of sites, at least 1.</param>
    /// <param name="runSeed">The run's seed.</param>
    /// <param name="round">1-based round number.</param>
    /// <returns>The chosen ids sorted ordinally, or a shortfall when fewer than <paramref name="minSites"/> are available.</returns>
    /// <exception cref="ArgumentOutOfRangeException">Fraction outside (0, 1] or minSites below 1.</exception>
    public static SiteSelection Sample(IEnumerable<string> available, double fraction, int minSites, long runSeed, int round)
    {
        if (!(fraction > 0 && fraction <= 1))
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "fraction must be in (0, 1]");
        ArgumentOutOfRangeException.ThrowIfLessThan(minSites, 1);
        var ids = available.Distinct(StringComparer.Ordinal).ToArray();
        if (ids.Length < minSites)
            return new SiteSelection([], $"round {round}: {ids.Length} site(s) available, at least {minSites} needed");
        var wanted = Math.Clamp((int)Math.Ceiling(fraction * ids.Length - 1e-9), minSites, ids.Length);
        var chosen = ids
            .OrderBy(id => SeedDerivation.SamplingKey(runSeed, round, id))
            .ThenBy(id => id, StringComparer.Ordinal)
            .Take(wanted)
            .OrderBy(id => id, StringComparer.Ordinal)
            .ToArray();
        return new SiteSelection(chosen, null);
    }
}

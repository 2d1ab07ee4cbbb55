namespace FedTransfer.Federation.SecureAggregation;

/// <summary>
/// The SecAgg+ communication graph (Bell et al., CCS 2020): a random k-regular Harary graph, i.e. the sites placed on a
/// ring in a seeded random order, each joined to the k/2 sites on either side. Each site masks with, and gives Shamir
/// shares to, its neighbours only, so a site's work grows with k = O(log n) instead of n. With k ≥ n - 1 it is the
/// complete graph of the original protocol (Bonawitz et al., CCS 2017).
/// </summary>
public sealed class NeighbourGraph
{
    private readonly Dictionary<string, string[]> _neighbours;

    private NeighbourGraph(Dictionary<string, string[]> neighbours, int degree)
    {
        _neighbours = neighbours;
        Degree = degree;
    }

    /// <summary>Neighbours per site.</summary>
    public int Degree { get; }

    /// <summary>k for n sites: 2⌈log2 n⌉ (even, so the ring is symmetric), or n - 1 (every pair) when that is smaller.</summary>
    public static int DegreeFor(int sites) => Math.Min(sites - 1, 2 * (int)Math.Ceiling(Math.Log2(Math.Max(2, sites))));

    /// <summary>The graph over <paramref name="sites"/> (order does not matter) with the ring order drawn from <paramref name="seed"/>.</summary>
    /// <param name="completeGraph">Every pair (the original protocol) instead of the k-regular graph.</param>
    public static NeighbourGraph Build(IEnumerable<string> sites, long seed, bool completeGraph)
    {
        var ring = sites.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (ring.Length < 2) throw new ArgumentException("a neighbour graph needs at least two sites");
        new Random(unchecked((int)(seed ^ (seed >> 32)))).Shuffle(ring);
        var n = ring.Length;
        var degree = completeGraph ? n - 1 : DegreeFor(n);
        var neighbours = new Dictionary<string, string[]>(StringComparer.Ordinal);
        for (var i = 0; i < n; i++)
        {
            if (degree == n - 1)
            {
                neighbours[ring[i]] = ring.Where((_, j) => j != i).Order(StringComparer.Ordinal).ToArray();
                continue;
            }
            var half = degree / 2;
            var around = new List<string>(degree);
            for (var d = 1; d <= half; d++)
            {
                around.Add(ring[(i + d) % n]);
                around.Add(ring[(i - d + n) % n]);
            }
            neighbours[ring[i]] = around.Order(StringComparer.Ordinal).ToArray();
        }
        return new NeighbourGraph(neighbours, degree);
    }

    /// <summary>The sites in the graph.</summary>
    public IEnumerable<string> Sites => _neighbours.Keys;

    /// <summary>The neighbours of <paramref name="site"/>, in ordinal order.</summary>
    public IReadOnlyList<string> NeighboursOf(string site) =>
        _neighbours.TryGetValue(site, out var n) ? n : throw new ArgumentException($"site {site} is not in the neighbour graph");

    /// <summary>Whether two sites are neighbours.</summary>
    public bool AreNeighbours(string a, string b) => _neighbours.TryGetValue(a, out var n) && Array.BinarySearch(n, b, StringComparer.Ordinal) >= 0;
}

using FedTransfer.Federation.SecureAggregation;

namespace FedTransfer.Federation.Tests.SecureAggregation;

/// <summary>The phase at which a simulated site stops answering.</summary>
public enum DropPoint { None, Advertise, Share, Upload, Unmask }

/// <summary>
/// One secure aggregation round run in memory with the real site and coordinator state machines: fixed-seed inputs in
/// [-1, 1], sites named site-00.., and chosen sites dropping out at a chosen phase.
/// </summary>
internal sealed class SecureAggregationSimulation : IDisposable
{
    public SecureAggregationSimulation(int sites, int length, double threshold = 0.6, bool completeGraph = false, int seed = 7,
        float[][]? inputs = null, double bound = 1.0)
    {
        Ring = new FixedPointRing(bound, sites);
        Parameters = new SecureAggregationParameters("run-test", 3, threshold, length, Ring, completeGraph);
        SiteIds = Enumerable.Range(0, sites).Select(i => $"site-{i:D2}").ToArray();
        var random = new Random(seed);
        Inputs = inputs ?? SiteIds.Select(_ => Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray()).ToArray();
        Sites = SiteIds.Select(id => new SecureAggregationSite(id, Parameters)).ToArray();
        Coordinator = new SecureAggregationCoordinator(Parameters, SiteIds, graphSeed: seed);
    }

    public FixedPointRing Ring { get; }
    public SecureAggregationParameters Parameters { get; }
    public string[] SiteIds { get; }
    public float[][] Inputs { get; }
    public SecureAggregationSite[] Sites { get; }
    public SecureAggregationCoordinator Coordinator { get; }

    /// <summary>The masked vectors the sites uploaded, by site index (what crossed the wire).</summary>
    public Dictionary<int, uint[]> Uploads { get; } = [];

    /// <summary>The unmask request the survivors got.</summary>
    public UnmaskRequest? Request { get; private set; }

    /// <summary>Runs the round with <paramref name="dropping"/> (site indices) silent from <paramref name="at"/> on.</summary>
    public SecureAggregationResult Run(DropPoint at = DropPoint.None, params int[] dropping)
    {
        bool Answers(int i, DropPoint phase) => !(dropping.Contains(i) && at != DropPoint.None && phase >= at);
        for (var i = 0; i < Sites.Length; i++)
        {
            if (Answers(i, DropPoint.Advertise)) Coordinator.AcceptKeys(Sites[i].Advertise());
        }
        var rosters = Coordinator.CloseAdvertising();
        if (rosters is null) return Failed();
        for (var i = 0; i < Sites.Length; i++)
        {
            if (Answers(i, DropPoint.Share) && rosters.TryGetValue(SiteIds[i], out var roster)) Coordinator.AcceptShares(SiteIds[i], Sites[i].ShareKeys(roster));
        }
        var inboxes = Coordinator.CloseSharing();
        if (inboxes is null) return Failed();
        for (var i = 0; i < Sites.Length; i++)
        {
            if (!Answers(i, DropPoint.Upload) || !inboxes.TryGetValue(SiteIds[i], out var inbox)) continue;
            Uploads[i] = Sites[i].MaskedInput(Inputs[i], inbox);
            Coordinator.AcceptMaskedInput(SiteIds[i], Uploads[i]);
        }
        Request = Coordinator.CloseUpload();
        if (Request is null) return Failed();
        for (var i = 0; i < Sites.Length; i++)
        {
            if (Answers(i, DropPoint.Unmask) && Uploads.ContainsKey(i)) Coordinator.AcceptUnmask(Sites[i].Unmask(Request));
        }
        return Coordinator.Finish();
    }

    /// <summary>The plain sum of the named sites' inputs (each clamped as the ring clamps it).</summary>
    public double[] PlainSum(IEnumerable<string> siteIds)
    {
        var sum = new double[Parameters.VectorLength];
        foreach (var id in siteIds)
        {
            var input = Inputs[Array.IndexOf(SiteIds, id)];
            for (var j = 0; j < sum.Length; j++) sum[j] += Math.Clamp(input[j], -Ring.Bound, Ring.Bound);
        }
        return sum;
    }

    public void Dispose()
    {
        foreach (var site in Sites) site.Dispose();
    }

    private SecureAggregationResult Failed() => new(null, [], Coordinator.FailureReason);
}

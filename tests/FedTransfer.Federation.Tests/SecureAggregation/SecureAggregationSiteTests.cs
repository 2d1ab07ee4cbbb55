using FedTransfer.Federation.SecureAggregation;

namespace FedTransfer.Federation.Tests.SecureAggregation;

public class SecureAggregationSiteTests
{
    /// <summary>Runs five sites up to the unmask phase; returns the simulation and the honest request.</summary>
    private static (SecureAggregationSimulation Sim, UnmaskRequest Request) UpToUnmask(int droppedAtUpload = -1)
    {
        var sim = new SecureAggregationSimulation(sites: 5, length: 32);
        foreach (var site in sim.Sites) sim.Coordinator.AcceptKeys(site.Advertise());
        var rosters = sim.Coordinator.CloseAdvertising()!;
        for (var i = 0; i < 5; i++) sim.Coordinator.AcceptShares(sim.SiteIds[i], sim.Sites[i].ShareKeys(rosters[sim.SiteIds[i]]));
        var inboxes = sim.Coordinator.CloseSharing()!;
        for (var i = 0; i < 5; i++)
        {
            if (i == droppedAtUpload) continue;
            sim.Coordinator.AcceptMaskedInput(sim.SiteIds[i], sim.Sites[i].MaskedInput(sim.Inputs[i], inboxes[sim.SiteIds[i]]));
        }
        return (sim, sim.Coordinator.CloseUpload()!);
    }

    [Fact]
    public void Unmask_LiveSiteListedAsSurvivorAndDropped_IsRefusedAndRecorded()
    {
        var (sim, honest) = UpToUnmask();
        using var _ = sim;
        var lying = new UnmaskRequest(honest.Survivors, ["site-02"]);

        var error = Assert.Throws<SecureAggregationRefusedException>(() => sim.Sites[0].Unmask(lying));

        Assert.Contains("both shares of site-02", error.Message);
        Assert.Equal(error.Message, Assert.Single(sim.Sites[0].Refusals));
        Assert.Empty(sim.Sites[0].Revealed);
    }

    [Fact]
    public void Unmask_LiveSiteClaimedDroppedAfterItsSeedShareWasRevealed_IsRefused()
    {
        var (sim, honest) = UpToUnmask();
        using var _ = sim;
        var first = sim.Sites[0].Unmask(honest);
        Assert.Contains(first.Shares, s => s.Owner == "site-02" && s.Kind == ShareKind.SelfMaskSeed);
        // A second request in which the coordinator pretends site-02 dropped, to get its mask key as well.
        var lying = new UnmaskRequest(honest.Survivors.Where(s => s != "site-02").ToArray(), ["site-02"]);

        var error = Assert.Throws<SecureAggregationRefusedException>(() => sim.Sites[0].Unmask(lying));

        Assert.Contains("mask key share of site-02 after the self-mask seed share was revealed", error.Message);
        Assert.Single(sim.Sites[0].Refusals);
        Assert.Equal(ShareKind.SelfMaskSeed, sim.Sites[0].Revealed["site-02"]);
    }

    [Fact]
    public void Unmask_RepeatedHonestRequest_GetsTheSameShares()
    {
        var (sim, honest) = UpToUnmask(droppedAtUpload: 3);
        using var _ = sim;

        var first = sim.Sites[1].Unmask(honest);
        var again = sim.Sites[1].Unmask(honest);

        Assert.Equal(first.Shares.Select(s => (s.Owner, s.Kind)), again.Shares.Select(s => (s.Owner, s.Kind)));
        Assert.Contains(first.Shares, s => s.Owner == "site-03" && s.Kind == ShareKind.MaskKey);
        Assert.DoesNotContain(first.Shares, s => s.Owner == "site-03" && s.Kind == ShareKind.SelfMaskSeed);
        Assert.Empty(sim.Sites[1].Refusals);
    }

    [Fact]
    public void Unmask_SiteItselfCalledDropped_IsRefused()
    {
        var (sim, honest) = UpToUnmask();
        using var _ = sim;
        var lying = new UnmaskRequest(honest.Survivors.Where(s => s != "site-00").ToArray(), ["site-00"]);

        var error = Assert.Throws<SecureAggregationRefusedException>(() => sim.Sites[0].Unmask(lying));

        Assert.Contains("does not count site-00 as a survivor", error.Message);
    }

    [Fact]
    public void Unmask_FewerSurvivorsThanThreshold_IsRefused()
    {
        var (sim, _) = UpToUnmask();
        using var __ = sim;

        var error = Assert.Throws<SecureAggregationRefusedException>(() => sim.Sites[0].Unmask(new UnmaskRequest(["site-00", "site-01"], [])));

        Assert.Contains("below the threshold 3", error.Message);
    }

    [Fact]
    public void ShareKeys_RosterWithLoweredThreshold_IsRefused()
    {
        using var sim = new SecureAggregationSimulation(sites: 5, length: 8);
        foreach (var site in sim.Sites) sim.Coordinator.AcceptKeys(site.Advertise());
        var roster = sim.Coordinator.CloseAdvertising()!["site-00"];

        var error = Assert.Throws<SecureAggregationRefusedException>(() => sim.Sites[0].ShareKeys(roster with { Threshold = 1 }));

        Assert.Contains("sets threshold 1 for 5 holders", error.Message);
    }

    [Fact]
    public void MaskedInput_ShareRoutedToTheWrongSite_IsRefused()
    {
        using var sim = new SecureAggregationSimulation(sites: 4, length: 8);
        foreach (var site in sim.Sites) sim.Coordinator.AcceptKeys(site.Advertise());
        var rosters = sim.Coordinator.CloseAdvertising()!;
        for (var i = 0; i < 4; i++) sim.Coordinator.AcceptShares(sim.SiteIds[i], sim.Sites[i].ShareKeys(rosters[sim.SiteIds[i]]));
        var inboxes = sim.Coordinator.CloseSharing()!;
        // The share site-02 sent to site-01, relabelled as addressed to site-00.
        var misrouted = inboxes["site-01"].Where(s => s.From == "site-02").Select(s => s with { To = "site-00" }).ToArray();

        var error = Assert.Throws<SecureAggregationRefusedException>(() => sim.Sites[0].MaskedInput(sim.Inputs[0], misrouted));

        Assert.Contains("does not authenticate", error.Message);
    }
}

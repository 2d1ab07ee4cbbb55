using FedTransfer.Contracts.V1;
using FedTransfer.EndToEnd.Tests.Support;
using FedTransfer.Site.Training;
using Microsoft.Extensions.DependencyInjection;

namespace FedTransfer.EndToEnd.Tests;

/// <summary>Sites that die during a round.</summary>
public sealed class SiteFailureTests
{
    [Fact]
    public async Task SiteKilledAfterTakingItsTask_RoundsCompleteWithTheOthersAtTheMinimum()
    {
        // Arrange: clinic-c takes its task and is killed before it sends anything; the minimum is 2 of 3.
        var stalling = new StallingTrainer(trainExamples: 100);
        await using var cluster = await Cluster.StartAsync([("clinic-a", 50), ("clinic-b", 90), ("clinic-c", 60)],
            name => name == "clinic-c" ? services => services.AddSingleton<ILocalTrainer>(stalling) : null);
        var federation = await cluster.Admin.CreateFederationAsync(cluster.Files);
        var run = await cluster.Admin.StartRunAsync(federation.FederationId, rounds: 2, minSites: 2, roundTimeoutSeconds: 3);

        // Act
        await stalling.Taken.WaitAsync(TimeSpan.FromSeconds(30));
        await cluster.KillSiteAsync("clinic-c");
        var events = await cluster.Admin.WatchAsync(run.RunId);

        // Assert
        Assert.Equal(RunEvent.EventOneofCase.RunFinished, events[^1].EventCase);
        var rounds = RoundChecks.TrainRounds(events);
        Assert.Equal([1, 2], rounds.Select(r => r.Round));
        Assert.All(rounds, r => Assert.Equal((2, 0), (r.Accepted, r.Rejected)));
        var status = await cluster.Admin.StatusAsync();
        var dead = status.Sites.Single(s => s.DisplayName == "clinic-c").SiteId;
        Assert.DoesNotContain(events, e => e.EventCase == RunEvent.EventOneofCase.SiteUpdate && e.SiteUpdate.SiteId == dead);
        await RoundChecks.AssertEveryRoundIsFedAvgAsync(cluster, events);
    }

    [Fact]
    public async Task SiteWhoseNetworkVanishes_IsOfflineWithinTenSecondsAndNotSampled()
    {
        // Arrange: clinic-b reaches the coordinator through a relay that will silently drop everything (no FIN, no RST).
        await using var cluster = await Cluster.StartAsync([("clinic-a", 50), ("clinic-b", 60)], behindProxy: "clinic-b");
        var status = await cluster.Admin.StatusAsync();
        var vanishing = status.Sites.Single(s => s.DisplayName == "clinic-b").SiteId;

        // Act
        cluster.Proxy!.Freeze();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while ((await cluster.Admin.StatusAsync()).Sites.Single(s => s.SiteId == vanishing).State == SiteState.Online && clock.Elapsed < TimeSpan.FromSeconds(30))
            await Task.Delay(200);
        var offlineAfter = clock.Elapsed;
        var federation = await cluster.Admin.CreateFederationAsync(cluster.Files);
        var run = await cluster.Admin.StartRunAsync(federation.FederationId, rounds: 1, minSites: 1, roundTimeoutSeconds: 30);
        var events = await cluster.Admin.WatchAsync(run.RunId);

        // Assert: keepalive (2 s + 4 s, on Kestrel's 1 s heartbeat) found it; the last-seen time stays that of its last call; the run went on without it.
        Assert.True(offlineAfter <= TimeSpan.FromSeconds(10), $"the vanished site stayed online for {offlineAfter.TotalSeconds:F1} s");
        var site = (await cluster.Admin.StatusAsync()).Sites.Single(s => s.SiteId == vanishing);
        Assert.Equal(SiteState.Offline, site.State);
        Assert.True(site.LastSeenUnixMs > 0);
        Assert.Equal(RunEvent.EventOneofCase.RunFinished, events[^1].EventCase);
        Assert.All(events.Where(e => e.EventCase == RunEvent.EventOneofCase.RoundStarted),
            e => Assert.DoesNotContain(vanishing, e.RoundStarted.SampledSiteIds));
    }
}

using FedTransfer.Contracts.V1;
using FedTransfer.EndToEnd.Tests.Support;

namespace FedTransfer.EndToEnd.Tests;

/// <summary>A coordinator and three real sites (libtorch training on their own images) over loopback HTTP/2.</summary>
public sealed class FederatedRunTests
{
    [Fact]
    public async Task ThreeSitesThreeRounds_GlobalChangesEachRound_AndIsTheNaiveWeightedAverageOfTheUploadedDeltas()
    {
        // Arrange: unequal sites (after the local 20% validation split: 40, 72 and 120 training images).
        await using var cluster = await Cluster.StartAsync([("clinic-a", 50), ("clinic-b", 90), ("clinic-c", 150)]);
        var federation = await cluster.Admin.CreateFederationAsync(cluster.Files);

        // Act
        var run = await cluster.Admin.StartRunAsync(federation.FederationId, rounds: 3, minSites: 3, roundTimeoutSeconds: 60);
        var events = await cluster.Admin.WatchAsync(run.RunId);

        // Assert
        Assert.Equal(RunEvent.EventOneofCase.RunFinished, events[^1].EventCase);
        var rounds = RoundChecks.TrainRounds(events);
        Assert.Equal([1, 2, 3], rounds.Select(r => r.Round));
        Assert.All(rounds, r => Assert.Equal((3, 0), (r.Accepted, r.Rejected)));
        foreach (var round in rounds)
            Assert.Equal([40L, 72L, 120L], RoundChecks.Accepted(events, round.Round).Select(u => u.ExampleCount).Order());
        var globals = await RoundChecks.AssertEveryRoundIsFedAvgAsync(cluster, events);
        for (var r = 1; r < globals.Count; r++)
            Assert.True(FedAvgReference.MaxChange(globals[r - 1], globals[r]) > 1e-4, $"round {r} left the global adapter unchanged");
        Assert.Equal(3, rounds.Select(r => r.GlobalAdapter.Digest).Distinct().Count());
        Assert.Equal(rounds[^1].GlobalAdapter.Digest, events[^1].RunFinished.FinalAdapter.Digest);
        // With mutual TLS a site is who its certificate says (its CN), not a name it claims in plaintext development mode.
        Assert.All((await cluster.Admin.StatusAsync()).Sites, s => Assert.Equal(Cluster.UseMutualTls ? s.DisplayName : "name-" + s.DisplayName, s.SiteId));
    }
}

using FedTransfer.Contracts.V1;
using FedTransfer.EndToEnd.Tests.Support;

namespace FedTransfer.EndToEnd.Tests;

/// <summary>The coordinator dies in the middle of a run while real sites keep dialling in.</summary>
public sealed class CoordinatorRestartTests
{
    [Fact]
    public async Task CoordinatorKilledMidRunAndRestarted_RunCompletesWithNoRoundLostOrDoubled()
    {
        // Arrange
        await using var cluster = await Cluster.StartAsync([("clinic-a", 50), ("clinic-b", 90), ("clinic-c", 150)]);
        var federation = await cluster.Admin.CreateFederationAsync(cluster.Files);
        var run = await cluster.Admin.StartRunAsync(federation.FederationId, rounds: 3, minSites: 3, roundTimeoutSeconds: 60);

        // Act: kill it as soon as round 1 is aggregated (round 2's tasks are out), restart on the same port and data.
        var before = await cluster.Admin.WatchAsync(run.RunId, e => e.EventCase == RunEvent.EventOneofCase.RoundCompleted);
        await cluster.RestartCoordinatorAsync(whileDown: () => Task.Delay(500));
        var events = await cluster.Admin.WatchAsync(run.RunId);

        // Assert
        Assert.Equal(1, before[^1].RoundCompleted.Round);
        Assert.Equal(RunEvent.EventOneofCase.RunFinished, events[^1].EventCase);
        var rounds = RoundChecks.TrainRounds(events);
        Assert.Equal([1, 2, 3], rounds.Select(r => r.Round));
        Assert.All(rounds, r => Assert.Equal(3, r.Accepted));
        var status = (await cluster.Admin.StatusAsync(run.RunId)).Runs.Single();
        Assert.Equal((RunState.Finished, 3), (status.State, status.CompletedRounds));
        await RoundChecks.AssertEveryRoundIsFedAvgAsync(cluster, events);
    }
}

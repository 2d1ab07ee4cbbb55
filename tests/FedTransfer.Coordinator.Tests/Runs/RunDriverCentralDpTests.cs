using FedTransfer.Contracts;
using FedTransfer.Contracts.V1;
using FedTransfer.Coordinator.Persistence;
using FedTransfer.Coordinator.Tests.Support;
using FedTransfer.Federation.Privacy;
using FedTransfer.Weights.Serialization;

namespace FedTransfer.Coordinator.Tests.Runs;

public class RunDriverCentralDpTests
{
    [Fact]
    public async Task CentralDp_BudgetForTwoRounds_RunStopsBeforeRoundThreeWithEpsilonRecorded()
    {
        using var temp = new TempDirectory();
        await using var coordinator = await TestCoordinator.StartAsync(temp.Path);
        var federation = await AdminClient.CreateFederationAsync(coordinator.Channel, Tensors.Bytes(Tensors.Random(1)));
        var sites = new List<FakeSite>();
        for (var i = 0; i < 2; i++) sites.Add(await FakeSite.JoinAsync(coordinator.Address, $"site-{i}", 50));
        // Every site sampled (q = 1): two rounds spend exactly what the budget allows, a third would exceed it.
        var twoRounds = RdpAccountant.EpsilonAfter(1.0, 4.0, 2, 1e-5);
        var threeRounds = RdpAccountant.EpsilonAfter(1.0, 4.0, 3, 1e-5);
        var budget = (twoRounds + threeRounds) / 2;
        var run = await AdminClient.StartRunAsync(coordinator.Channel, federation.FederationId, rounds: 5, minSites: 2,
            centralDp: new CentralPrivacy { Clip = 0.5, NoiseMultiplier = 4.0, EpsilonBudget = budget, Delta = 1e-5 });

        for (var round = 1; round <= 2; round++)
        {
            foreach (var site in sites)
            {
                var task = await site.NextTrainAsync();
                Assert.Equal(1.0, task.SiteSamplingRate);
                Assert.Equal(ResultOutcome.Accepted, (await site.PushAsync(task.TaskId, round, 50, Tensors.Bytes(Tensors.Random(10 * round + site.Name.Length, 0.3f)))).Outcome);
            }
        }
        var events = await AdminClient.WatchToEndAsync(coordinator.Channel, run.RunId);
        var info = (await coordinator.Channel.Admin().GetStatusAsync(new GetStatusRequest { RunId = run.RunId }).ResponseAsync).Runs.Single();

        var finished = events[^1];
        Assert.Equal(RunEvent.EventOneofCase.RunFinished, finished.EventCase);
        Assert.Equal(2, finished.RunFinished.CompletedRounds);
        Assert.StartsWith("privacy budget reached: round 3", finished.RunFinished.Reason);
        Assert.Equal(RunState.Finished, info.State);
        Assert.Equal(finished.RunFinished.Reason, info.FinishReason);
        Assert.Equal("", info.FailureReason);
        Assert.Equal(twoRounds, info.CentralDpEpsilon, 9);
        var completed = events.Where(e => e.EventCase == RunEvent.EventOneofCase.RoundCompleted).Select(e => e.RoundCompleted).ToArray();
        Assert.Equal([1, 2], completed.Select(c => c.Round));
        Assert.Equal(RdpAccountant.EpsilonAfter(1.0, 4.0, 1, 1e-5), completed[0].Metrics["central_dp_epsilon"], 9);
        Assert.Equal(twoRounds, completed[1].Metrics["central_dp_epsilon"], 9);
        Assert.DoesNotContain(coordinator.Get<RunStore>().Rounds(run.RunId), r => r.Round == 3);
        foreach (var site in sites) site.Dispose();
    }

    [Fact]
    public async Task CentralDp_NoisedMeanIsClippedSumOverSampledSites_WithinNoiseScale()
    {
        using var temp = new TempDirectory();
        await using var coordinator = await TestCoordinator.StartAsync(temp.Path);
        var initial = Tensors.Random(1);
        var federation = await AdminClient.CreateFederationAsync(coordinator.Channel, Tensors.Bytes(initial));
        using var a = await FakeSite.JoinAsync(coordinator.Address, "a", 10);
        using var b = await FakeSite.JoinAsync(coordinator.Address, "b", 990);
        const double clip = 0.25, z = 0.01;
        var run = await AdminClient.StartRunAsync(coordinator.Channel, federation.FederationId, rounds: 1, minSites: 2,
            centralDp: new CentralPrivacy { Clip = clip, NoiseMultiplier = z, EpsilonBudget = 1e6, Delta = 1e-5 });
        var deltaA = Tensors.Random(5, 1f);
        var deltaB = Tensors.Random(6, 1f);

        foreach (var (site, delta, examples) in new[] { (a, deltaA, 10L), (b, deltaB, 990L) })
        {
            var task = await site.NextTrainAsync();
            Assert.Equal(ResultOutcome.Accepted, (await site.PushAsync(task.TaskId, 1, examples, Tensors.Bytes(delta))).Outcome);
        }
        var status = await RunDriverTests.WaitForRoundAsync(coordinator, run.RunId, 1);
        var global = SafeTensors.Read(await AdminClient.DownloadAsync(coordinator.Channel, status.CurrentAdapter.Digest)).Tensors;

        // Both deltas are far above the clip, so each is scaled to norm C and they count equally (example counts do not
        // weigh under DP-FedAvg): expected = initial + (clip(δa) + clip(δb)) / 2, plus noise of std z·C/2 per element.
        double Norm(IReadOnlyList<TensorRecord> d) => Math.Sqrt(d.Sum(t => t.ToSingles().Sum(v => (double)v * v)));
        var (na, nb) = (Norm(deltaA), Norm(deltaB));
        Assert.True(na > clip && nb > clip);
        foreach (var tensor in global)
        {
            var g0 = initial.Single(t => t.Name == tensor.Name).ToSingles();
            var da = deltaA.Single(t => t.Name == tensor.Name).ToSingles();
            var db = deltaB.Single(t => t.Name == tensor.Name).ToSingles();
            var values = tensor.ToSingles();
            for (var i = 0; i < values.Length; i++)
            {
                var expected = g0[i] + (da[i] * clip / na + db[i] * clip / nb) / 2;
                Assert.InRange(values[i] - expected, -8 * z * clip / 2 - 1e-6, 8 * z * clip / 2 + 1e-6);
            }
        }
    }

    [Fact]
    public async Task SiteDeclinedForPrivacyBudget_IsNotSampledAgainInTheRun_AndTheReceiptLogRecordsIt()
    {
        using var temp = new TempDirectory();
        await using var coordinator = await TestCoordinator.StartAsync(temp.Path);
        var federation = await AdminClient.CreateFederationAsync(coordinator.Channel, Tensors.Bytes(Tensors.Random(1)));
        using var a = await FakeSite.JoinAsync(coordinator.Address, "a", 10);
        using var spent = await FakeSite.JoinAsync(coordinator.Address, "spent", 10);
        var run = await AdminClient.StartRunAsync(coordinator.Channel, federation.FederationId, rounds: 2, minSites: 1);

        var declineTask = await spent.NextTrainAsync();
        var declined = await spent.PushAsync(declineTask.TaskId, 1, 0, null, declined: DeclineReason.PrivacyBudgetExhausted);
        var taskA = await a.NextTrainAsync();
        await a.PushAsync(taskA.TaskId, 1, 10, Tensors.Bytes(Tensors.Random(3, 0.1f)));
        var round2 = await a.NextTrainAsync();
        await a.PushAsync(round2.TaskId, 2, 10, Tensors.Bytes(Tensors.Random(4, 0.1f)));
        var events = await AdminClient.WatchToEndAsync(coordinator.Channel, run.RunId);

        Assert.Equal(ResultOutcome.Rejected, declined.Outcome);
        Assert.Contains("privacy budget exhausted", declined.Reason);
        var started = events.Where(e => e.EventCase == RunEvent.EventOneofCase.RoundStarted).Select(e => e.RoundStarted).ToArray();
        Assert.Equal(new[] { spent.SiteId, a.SiteId }.Order(StringComparer.Ordinal), started[0].SampledSiteIds.Order(StringComparer.Ordinal));
        Assert.Equal([a.SiteId], started[1].SampledSiteIds);
        Assert.Equal(RunEvent.EventOneofCase.RunFinished, events[^1].EventCase);
        var log = File.ReadAllLines(Path.Combine(temp.Path, FedTransfer.Coordinator.Receipts.ReceiptLog.FileName));
        Assert.Contains(log, line => line.Contains(declineTask.TaskId, StringComparison.Ordinal) && line.Contains("privacy budget exhausted", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CentralDp_CoordinatorRestarted_EpsilonSoFarIsRebuiltFromTheStoredRounds()
    {
        using var temp = new TempDirectory();
        string runId;
        var oneRound = RdpAccountant.EpsilonAfter(1.0, 3.0, 1, 1e-5);
        await using (var first = await TestCoordinator.StartAsync(temp.Path))
        {
            var federation = await AdminClient.CreateFederationAsync(first.Channel, Tensors.Bytes(Tensors.Random(1)));
            using var site = await FakeSite.JoinAsync(first.Address, "a", 10);
            runId = (await AdminClient.StartRunAsync(first.Channel, federation.FederationId, rounds: 3, minSites: 1,
                centralDp: new CentralPrivacy { Clip = 1, NoiseMultiplier = 3.0, EpsilonBudget = 100, Delta = 1e-5 })).RunId;
            var task = await site.NextTrainAsync();
            await site.PushAsync(task.TaskId, 1, 10, Tensors.Bytes(Tensors.Random(2, 0.1f)));
            await RunDriverTests.WaitForRoundAsync(first, runId, 1);
        }

        await using var second = await TestCoordinator.StartAsync(temp.Path);
        var info = (await second.Channel.Admin().GetStatusAsync(new GetStatusRequest { RunId = runId }).ResponseAsync).Runs.Single();

        Assert.Equal(1, info.CompletedRounds);
        Assert.Equal(oneRound, info.CentralDpEpsilon, 9);
        Assert.Equal(3.0, info.Settings.CentralDp.NoiseMultiplier);
    }
}

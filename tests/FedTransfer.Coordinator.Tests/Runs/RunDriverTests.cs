using FedTransfer.Contracts.V1;
using FedTransfer.Coordinator.Persistence;
using FedTransfer.Coordinator.Tests.Support;
using FedTransfer.Torch.Serialization;

namespace FedTransfer.Coordinator.Tests.Runs;

public class RunDriverTests
{
    [Fact]
    public async Task TwoRounds_UnequalExampleCounts_GlobalIsNaiveWeightedAverageEachRound()
    {
        using var temp = new TempDirectory();
        await using var coordinator = await TestCoordinator.StartAsync(temp.Path);
        var initial = Tensors.Random(1);
        var federation = await AdminClient.CreateFederationAsync(coordinator.Channel, Tensors.Bytes(initial));
        long[] examples = [100, 300, 50];
        var sites = new List<FakeSite>();
        for (var i = 0; i < 3; i++) sites.Add(await FakeSite.JoinAsync(coordinator.Address, $"site-{i}", examples[i]));
        var run = await AdminClient.StartRunAsync(coordinator.Channel, federation.FederationId, rounds: 2, minSites: 3);

        var global = initial;
        for (var round = 1; round <= 2; round++)
        {
            var deltas = new List<(IReadOnlyList<TensorRecord>, long)>();
            for (var i = 0; i < sites.Count; i++)
            {
                var task = await sites[i].NextTrainAsync();
                Assert.Equal(round, task.Round);
                Assert.Equal(federation.Backbone.Digest, task.Backbone.Digest);
                Assert.Equal(4, task.Trainable.Tensors.Count);
                var fetched = SafeTensors.Read(await sites[i].FetchAsync(task.GlobalAdapter.Digest, chunkSize: 4096));
                Assert.Equal(global.Select(t => t.Data.ToArray()), fetched.Tensors.OrderBy(t => t.Name, StringComparer.Ordinal).Select(t => t.Data.ToArray()));
                var delta = Tensors.Random(100 * round + i, 0.1f);
                deltas.Add((delta, examples[i]));
                var receipt = await sites[i].PushAsync(task.TaskId, round, examples[i], Tensors.Bytes(delta), new Dictionary<string, double> { ["train_loss"] = i + 1 });
                Assert.Equal(ResultOutcome.Accepted, receipt.Outcome);
            }
            var expected = Tensors.NaiveFedAvg(global, deltas);
            var events = round == 2 ? await AdminClient.WatchToEndAsync(coordinator.Channel, run.RunId) : null;
            var status = await WaitForRoundAsync(coordinator, run.RunId, round);
            var next = SafeTensors.Read(await AdminClient.DownloadAsync(coordinator.Channel, status.CurrentAdapter.Digest)).Tensors;
            Tensors.AssertClose(expected, next);
            global = next.OrderBy(t => t.Name, StringComparer.Ordinal).ToArray();
            if (events is not null)
            {
                Assert.Equal(RunEvent.EventOneofCase.RunFinished, events[^1].EventCase);
                var completed = events.Where(e => e.EventCase == RunEvent.EventOneofCase.RoundCompleted).Select(e => e.RoundCompleted).ToArray();
                Assert.Equal([1, 2], completed.Select(c => c.Round));
                Assert.All(completed, c => Assert.Equal(3, c.Accepted));
                Assert.Equal((1 * 100 + 2 * 300 + 3 * 50) / 450.0, completed[0].Metrics["train_loss"], 9);
            }
        }
        foreach (var site in sites) site.Dispose();
    }

    internal static async Task<RunInfo> WaitForRoundAsync(TestCoordinator coordinator, string runId, int round)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var status = await coordinator.Channel.UnaryAsync(Contracts.AdminService.GetStatus, new GetStatusRequest { RunId = runId });
            var run = status.Runs.Single();
            if (run.CompletedRounds >= round || run.State == RunState.Failed) return run;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"round {round} of {runId} did not complete: {run}");
            await Task.Delay(50);
        }
    }
}

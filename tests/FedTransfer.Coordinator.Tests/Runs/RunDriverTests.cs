using FedTransfer.Contracts;
using FedTransfer.Contracts.V1;
using FedTransfer.Coordinator.Persistence;
using FedTransfer.Coordinator.Tests.Support;
using FedTransfer.Weights.Serialization;

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

    [Fact]
    public async Task ExactLoraSpec_RoundReportsTruncationErrorAndRefactorisedFactors()
    {
        using var temp = new TempDirectory();
        await using var coordinator = await TestCoordinator.StartAsync(temp.Path);
        var initial = Tensors.Random(1, 0.2f);
        var federation = await AdminClient.CreateFederationAsync(coordinator.Channel, Tensors.Bytes(initial), adapterSpec: "lora:r=4,alpha=8,targets=attn.qkv,agg=exact");
        var sites = new List<FakeSite>();
        for (var i = 0; i < 3; i++) sites.Add(await FakeSite.JoinAsync(coordinator.Address, $"site-{i}", 100));
        var run = await AdminClient.StartRunAsync(coordinator.Channel, federation.FederationId, rounds: 1, minSites: 3);

        var deltas = new List<IReadOnlyList<TensorRecord>>();
        for (var i = 0; i < sites.Count; i++)
        {
            var task = await sites[i].NextTrainAsync();
            deltas.Add(Tensors.Random(200 + i, 0.2f));
            Assert.Equal(ResultOutcome.Accepted, (await sites[i].PushAsync(task.TaskId, 1, 100, Tensors.Bytes(deltas[i]))).Outcome);
        }
        var events = await AdminClient.WatchToEndAsync(coordinator.Channel, run.RunId);
        var status = await WaitForRoundAsync(coordinator, run.RunId, 1);

        var completed = events.Single(e => e.EventCase == RunEvent.EventOneofCase.RoundCompleted).RoundCompleted;
        // Three different rank-4 updates of a 72x24 layer: their mean has rank up to 12, so rank 4 must discard something.
        Assert.InRange(completed.Metrics["lora_truncation_error"], 1e-3, 1.0);
        var global = SafeTensors.Read(await AdminClient.DownloadAsync(coordinator.Channel, status.CurrentAdapter.Digest)).Tensors;
        var naive = Tensors.NaiveFedAvg(initial, deltas.Select(d => (d, 100L)).ToArray());
        Tensors.AssertClose(new Dictionary<string, double[]> { ["head.weight"] = naive["head.weight"], ["head.bias"] = naive["head.bias"] },
            global.Where(t => t.Name.StartsWith("head.", StringComparison.Ordinal)).ToArray());
        var a = global.Single(t => t.Name.EndsWith("lora_a", StringComparison.Ordinal)).ToSingles();
        Assert.Contains(a.Select((v, i) => Math.Abs(v - naive["blocks.0.attn.qkv.lora_a"][i])), d => d > 1e-3); // not the naive mean
        foreach (var site in sites) site.Dispose();
    }

    [Fact]
    public async Task CoordinatorRestartedMidRound_ResumesWithStoredUpdatesAndNoRoundLostOrDoubled()
    {
        using var temp = new TempDirectory();
        var initial = Tensors.Random(2);
        string runId;
        IReadOnlyList<TensorRecord> afterRound1;
        var deltaA = Tensors.Random(40, 0.1f);
        var deltaB = Tensors.Random(41, 0.1f);
        FakeSite siteA, siteB;
        TrainTask taskA;
        await using (var first = await TestCoordinator.StartAsync(temp.Path))
        {
            var federation = await AdminClient.CreateFederationAsync(first.Channel, Tensors.Bytes(initial));
            siteA = await FakeSite.JoinAsync(first.Address, "a", 10);
            siteB = await FakeSite.JoinAsync(first.Address, "b", 30);
            runId = (await AdminClient.StartRunAsync(first.Channel, federation.FederationId, rounds: 2, minSites: 2)).RunId;
            foreach (var site in new[] { siteA, siteB })
            {
                var task = await site.NextTrainAsync();
                await site.PushAsync(task.TaskId, 1, 5, Tensors.Bytes(Tensors.Random(50 + site.Name.Length, 0.1f)));
            }
            var status = await WaitForRoundAsync(first, runId, 1);
            afterRound1 = SafeTensors.Read(await AdminClient.DownloadAsync(first.Channel, status.CurrentAdapter.Digest)).Tensors;
            taskA = await siteA.NextTrainAsync();
            Assert.Equal(2, taskA.Round);
            Assert.Equal(ResultOutcome.Accepted, (await siteA.PushAsync(taskA.TaskId, 2, 10, Tensors.Bytes(deltaA))).Outcome);
        }

        // The sites keep their sessions and talk to the restarted coordinator on its new port.
        siteA.Dispose();
        siteB.Dispose();
        await using var second = await TestCoordinator.StartAsync(temp.Path);
        using var siteB2 = await FakeSite.JoinAsync(second.Address, "b", 30);
        using var siteA2 = await FakeSite.JoinAsync(second.Address, "a", 10);
        var taskB = await siteB2.NextTrainAsync();
        var retryA = await siteA2.PushAsync(taskA.TaskId, 2, 10, Tensors.Bytes(deltaA));
        var receiptB = await siteB2.PushAsync(taskB.TaskId, 2, 30, Tensors.Bytes(deltaB));
        var events = await AdminClient.WatchToEndAsync(second.Channel, runId);

        Assert.Equal(2, taskB.Round);
        Assert.True(retryA.Duplicate);
        Assert.Equal(ResultOutcome.Accepted, retryA.Outcome);
        Assert.Equal(ResultOutcome.Accepted, receiptB.Outcome);
        Assert.Equal(RunEvent.EventOneofCase.RunFinished, events[^1].EventCase);
        Assert.Equal([1, 2], events.Where(e => e.EventCase == RunEvent.EventOneofCase.RoundCompleted).Select(e => e.RoundCompleted.Round));
        var rounds = second.Get<RunStore>().Rounds(runId);
        Assert.Equal([(1, "completed"), (2, "completed")], rounds.Select(r => (r.Round, r.State)));
        var final = SafeTensors.Read(await AdminClient.DownloadAsync(second.Channel, events[^1].RunFinished.FinalAdapter.Digest)).Tensors;
        Tensors.AssertClose(Tensors.NaiveFedAvg(afterRound1.OrderBy(t => t.Name, StringComparer.Ordinal).ToArray(), [(deltaA, 10), (deltaB, 30)]), final);
    }

    [Fact]
    public async Task ServerOptimizerState_CoordinatorRestartedMidRound_GivesSameResultAsNoRestart()
    {
        var initial = Tensors.Random(3);

        var uninterrupted = await RunFedAdamAsync(initial, restartMidRound2: false);
        var restarted = await RunFedAdamAsync(initial, restartMidRound2: true);

        Assert.Equal(uninterrupted.Final.Select(t => t.Data.ToArray()), restarted.Final.Select(t => t.Data.ToArray()));
        Assert.All(restarted.StateDigests, d => Assert.Equal(64, d.Length));
        // Bit-equal runs could both have lost the state; the reference proves the moments carried across rounds.
        Tensors.AssertClose(NaiveFedAdam(initial, FedAdamSettings), restarted.Final);
    }

    private static readonly Dictionary<string, string> FedAdamSettings = new() { ["eta"] = "0.05", ["beta1"] = "0.8", ["beta2"] = "0.9", ["tau"] = "0.01" };
    private static readonly long[] AdamExamples = [10, 30];

    private static IReadOnlyList<TensorRecord> AdamDelta(int round, int site) => Tensors.Random(1000 * round + site, 0.1f);

    private static async Task<(IReadOnlyList<TensorRecord> Final, string[] StateDigests)> RunFedAdamAsync(IReadOnlyList<TensorRecord> initial, bool restartMidRound2)
    {
        using var temp = new TempDirectory();
        var coordinator = await TestCoordinator.StartAsync(temp.Path);
        string[] names = ["a", "b"];
        var sites = new FakeSite[names.Length];
        try
        {
            var federation = await AdminClient.CreateFederationAsync(coordinator.Channel, Tensors.Bytes(initial));
            for (var i = 0; i < names.Length; i++) sites[i] = await FakeSite.JoinAsync(coordinator.Address, names[i], AdamExamples[i]);
            var runId = (await AdminClient.StartRunAsync(coordinator.Channel, federation.FederationId, rounds: 3, minSites: 2,
                strategy: "fedadam", strategySettings: FedAdamSettings)).RunId;
            for (var round = 1; round <= 3; round++)
            {
                for (var i = 0; i < names.Length; i++)
                {
                    if (restartMidRound2 && round == 2 && i == 1)
                    {
                        foreach (var site in sites) site.Dispose();
                        await coordinator.DisposeAsync();
                        coordinator = await TestCoordinator.StartAsync(temp.Path);
                        for (var j = 0; j < names.Length; j++) sites[j] = await FakeSite.JoinAsync(coordinator.Address, names[j], AdamExamples[j]);
                    }
                    var task = await sites[i].NextTrainAsync();
                    Assert.Equal(round, task.Round);
                    var receipt = await sites[i].PushAsync(task.TaskId, round, AdamExamples[i], Tensors.Bytes(AdamDelta(round, i)));
                    Assert.Equal(ResultOutcome.Accepted, receipt.Outcome);
                }
                await WaitForRoundAsync(coordinator, runId, round);
            }
            var status = await WaitForRoundAsync(coordinator, runId, 3);
            var final = SafeTensors.Read(await AdminClient.DownloadAsync(coordinator.Channel, status.CurrentAdapter.Digest)).Tensors;
            var runs = coordinator.Get<RunStore>();
            return (final.OrderBy(t => t.Name, StringComparer.Ordinal).ToArray(), [.. Enumerable.Range(1, 3).Select(r => runs.ServerStateDigest(runId, r))]);
        }
        finally
        {
            foreach (var site in sites) site?.Dispose();
            await coordinator.DisposeAsync();
        }
    }

    /// <summary>Reddi et al.'s FedAdam over the three rounds, in double precision, element by element.</summary>
    private static Dictionary<string, double[]> NaiveFedAdam(IReadOnlyList<TensorRecord> initial, Dictionary<string, string> s)
    {
        double eta = double.Parse(s["eta"]), b1 = double.Parse(s["beta1"]), b2 = double.Parse(s["beta2"]), tau = double.Parse(s["tau"]);
        var result = new Dictionary<string, double[]>();
        foreach (var g in initial)
        {
            var x = g.ToSingles().Select(v => (double)v).ToArray();
            var m = new double[x.Length];
            var v = Enumerable.Repeat(tau * tau, x.Length).ToArray();
            for (var round = 1; round <= 3; round++)
            {
                var d0 = AdamDelta(round, 0).Single(t => t.Name == g.Name).ToSingles();
                var d1 = AdamDelta(round, 1).Single(t => t.Name == g.Name).ToSingles();
                for (var k = 0; k < x.Length; k++)
                {
                    var delta = (AdamExamples[0] * (double)d0[k] + AdamExamples[1] * (double)d1[k]) / (AdamExamples[0] + AdamExamples[1]);
                    m[k] = b1 * m[k] + (1 - b1) * delta;
                    v[k] = b2 * v[k] + (1 - b2) * delta * delta;
                    x[k] += eta * m[k] / (Math.Sqrt(v[k]) + tau);
                }
            }
            result[g.Name] = x;
        }
        return result;
    }

    [Fact]
    public async Task MinimumNotReachedByTimeout_RunFailsSayingWhy_AndLateResultIsRecorded()
    {
        using var temp = new TempDirectory();
        await using var coordinator = await TestCoordinator.StartAsync(temp.Path);
        var federation = await AdminClient.CreateFederationAsync(coordinator.Channel, Tensors.Bytes(Tensors.Random(3)));
        using var a = await FakeSite.JoinAsync(coordinator.Address, "a");
        using var b = await FakeSite.JoinAsync(coordinator.Address, "b");
        var run = await AdminClient.StartRunAsync(coordinator.Channel, federation.FederationId, rounds: 3, minSites: 2, roundTimeoutSeconds: 2);
        var taskA = await a.NextTrainAsync();
        var taskB = await b.NextTrainAsync();

        await a.PushAsync(taskA.TaskId, 1, 10, Tensors.Bytes(Tensors.Random(60, 0.1f)));
        var events = await AdminClient.WatchToEndAsync(coordinator.Channel, run.RunId);
        var late = await b.PushAsync(taskB.TaskId, 1, 10, Tensors.Bytes(Tensors.Random(61, 0.1f)));

        var failed = events[^1];
        Assert.Equal(RunEvent.EventOneofCase.RunFailed, failed.EventCase);
        Assert.Equal(1, failed.RunFailed.Round);
        Assert.Contains("1 of at least 2 valid result(s) arrived within the 2 s round timeout", failed.RunFailed.Reason);
        Assert.Equal(ResultOutcome.Late, late.Outcome);
        Assert.Equal(RowValues.Late, coordinator.Get<TaskStore>().FindUpdate(taskB.TaskId)!.Outcome);
    }

    [Fact]
    public async Task Evaluation_AfterTrainRound_IsExampleWeighted()
    {
        using var temp = new TempDirectory();
        await using var coordinator = await TestCoordinator.StartAsync(temp.Path);
        var federation = await AdminClient.CreateFederationAsync(coordinator.Channel, Tensors.Bytes(Tensors.Random(4)));
        using var a = await FakeSite.JoinAsync(coordinator.Address, "a", 10, validationExamples: 100);
        using var b = await FakeSite.JoinAsync(coordinator.Address, "b", 10, validationExamples: 300);
        var run = await AdminClient.StartRunAsync(coordinator.Channel, federation.FederationId, rounds: 1, minSites: 2, evalEvery: 1);
        foreach (var site in new[] { a, b })
        {
            var task = await site.NextTrainAsync();
            await site.PushAsync(task.TaskId, 1, 10, Tensors.Bytes(Tensors.Random(70, 0.1f)));
        }

        var evalA = (await a.NextTaskAsync(PullTaskResponse.InstructionOneofCase.Evaluate)).Evaluate;
        var evalB = (await b.NextTaskAsync(PullTaskResponse.InstructionOneofCase.Evaluate)).Evaluate;
        await a.PushAsync(evalA.TaskId, 1, 100, null, new Dictionary<string, double> { ["val_accuracy"] = 0.9 });
        await b.PushAsync(evalB.TaskId, 1, 300, null, new Dictionary<string, double> { ["val_accuracy"] = 0.5 });
        var events = await AdminClient.WatchToEndAsync(coordinator.Channel, run.RunId);

        var evaluation = events.Select(e => e.RoundCompleted).Single(c => c is { Kind: "evaluate" });
        Assert.Equal(0.6, evaluation.Metrics["val_accuracy"], 9);
        Assert.Equal(2, evaluation.Accepted);
        Assert.Equal(RunEvent.EventOneofCase.RunFinished, events[^1].EventCase);
    }

    [Fact]
    public async Task PayloadLostBeforeRestart_BecomesARecordedRejection()
    {
        using var temp = new TempDirectory();
        string runId;
        TrainTask taskA;
        await using (var first = await TestCoordinator.StartAsync(temp.Path))
        {
            var federation = await AdminClient.CreateFederationAsync(first.Channel, Tensors.Bytes(Tensors.Random(5)));
            using var a = await FakeSite.JoinAsync(first.Address, "a");
            using var b = await FakeSite.JoinAsync(first.Address, "b");
            runId = (await AdminClient.StartRunAsync(first.Channel, federation.FederationId, rounds: 1, minSites: 2)).RunId;
            taskA = await a.NextTrainAsync();
            await a.PushAsync(taskA.TaskId, 1, 10, Tensors.Bytes(Tensors.Random(80, 0.1f)));
        }
        // What an OS crash can do to a payload that was only in the page cache.
        File.Delete(Path.Combine(temp.Path, "updates", taskA.TaskId + ".safetensors"));

        await using var second = await TestCoordinator.StartAsync(temp.Path);
        var events = await AdminClient.WatchToEndAsync(second.Channel, runId);

        var update = second.Get<TaskStore>().FindUpdate(taskA.TaskId)!;
        Assert.Equal(RowValues.Rejected, update.Outcome);
        Assert.Contains("lost in a coordinator crash", update.Reason);
        Assert.Equal(RunEvent.EventOneofCase.RunFailed, events[^1].EventCase);
        Assert.Contains("lost in a coordinator crash", events[^1].RunFailed.Reason);
    }

    [Fact]
    public async Task CompletedRound_DeletesItsPayloads()
    {
        using var temp = new TempDirectory();
        await using var coordinator = await TestCoordinator.StartAsync(temp.Path);
        var federation = await AdminClient.CreateFederationAsync(coordinator.Channel, Tensors.Bytes(Tensors.Random(6)));
        using var a = await FakeSite.JoinAsync(coordinator.Address, "a");
        var run = await AdminClient.StartRunAsync(coordinator.Channel, federation.FederationId, rounds: 1, minSites: 1);
        var task = await a.NextTrainAsync();

        await a.PushAsync(task.TaskId, 1, 10, Tensors.Bytes(Tensors.Random(81, 0.1f)));
        await AdminClient.WatchToEndAsync(coordinator.Channel, run.RunId);

        Assert.Empty(Directory.EnumerateFiles(Path.Combine(temp.Path, "updates"), "*.safetensors"));
        Assert.Equal(RowValues.Accepted, coordinator.Get<TaskStore>().FindUpdate(task.TaskId)!.Outcome);
    }

    internal static async Task<RunInfo> WaitForRoundAsync(TestCoordinator coordinator, string runId, int round)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var status = await coordinator.Channel.Admin().GetStatusAsync(new GetStatusRequest { RunId = runId }).ResponseAsync;
            var run = status.Runs.Single();
            if (run.CompletedRounds >= round || run.State == RunState.Failed) return run;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"round {round} of {runId} did not complete: {run}");
            await Task.Delay(50);
        }
    }
}

using FedTransfer.Coordinator.Persistence;
using FedTransfer.Coordinator.Tests.Support;

namespace FedTransfer.Coordinator.Tests.Persistence;

public class RunStoreTests
{
    [Fact]
    public void RoundTrip_OpenCompleteRound_AdvancesRunAndRecordsAdapterVersion()
    {
        using var test = new TestDatabase();
        var runs = new RunStore(test.Db);
        var tasks = new[] { new TaskRow("t1", "run-1", 1, RowValues.Train, "s1", "{}", 5), new TaskRow("t2", "run-1", 1, RowValues.Train, "s2", "{}", 5) };

        runs.OpenRound(new RoundRow("run-1", 1, RowValues.Train, RowValues.Open, ["s1", "s2"], new string('a', 64), "", "{}", "", 5, 0), tasks);
        runs.CompleteTrainRound("run-1", 1, new string('c', 64), 2000, "{\"train_loss\":0.5}", 9);

        // A fresh store over the same file sees everything (what a restarted coordinator reads).
        var reopened = new RunStore(new CoordinatorDatabase(test.Db.Path));
        var run = reopened.Find("run-1")!;
        Assert.Equal((1, new string('c', 64), RowValues.Running), (run.CompletedRounds, run.CurrentAdapterDigest, run.State));
        Assert.Equal([1, 2, 3], run.Settings);
        Assert.Equal((new string('a', 64), 1000L), reopened.AdapterVersion("run-1", 0));
        Assert.Equal((new string('c', 64), 2000L), reopened.AdapterVersion("run-1", 1));
        var round = reopened.FindRound("run-1", 1, RowValues.Train)!;
        Assert.Equal((RowValues.Completed, 9L), (round.State, round.EndedMs));
        Assert.Equal(["s1", "s2"], round.Sampled);
        Assert.Equal(2, new TaskStore(test.Db).ForRound("run-1", 1, RowValues.Train).Count);
    }

    [Fact]
    public void ServerStateDigest_RecordedWithCompletedRound_IsReadBackAfterReopen()
    {
        using var test = new TestDatabase();
        var runs = new RunStore(test.Db);
        runs.OpenRound(new RoundRow("run-1", 1, RowValues.Train, RowValues.Open, ["s1"], new string('a', 64), "", "{}", "", 5, 0), []);
        runs.OpenRound(new RoundRow("run-1", 2, RowValues.Train, RowValues.Open, ["s1"], new string('c', 64), "", "{}", "", 6, 0), []);

        runs.CompleteTrainRound("run-1", 1, new string('c', 64), 2000, "{}", 9, serverStateDigest: new string('e', 64));

        var reopened = new RunStore(new CoordinatorDatabase(test.Db.Path));
        Assert.Equal(new string('e', 64), reopened.ServerStateDigest("run-1", 1));
        Assert.Equal("", reopened.ServerStateDigest("run-1", 2)); // still open: its state does not exist yet
        Assert.Equal("", reopened.ServerStateDigest("run-1", 3));
    }

    [Fact]
    public void Fail_MarksRunAndOpenRound()
    {
        using var test = new TestDatabase();
        var runs = new RunStore(test.Db);
        runs.OpenRound(new RoundRow("run-1", 1, RowValues.Train, RowValues.Open, ["s1"], new string('a', 64), "", "{}", "", 5, 0), []);

        test.Db.Write((c, t) => RunStore.Fail(c, t, "run-1", 1, "round 1: too few sites", 7));

        Assert.Equal((RowValues.Failed, "round 1: too few sites"), (runs.Find("run-1")!.State, runs.Find("run-1")!.FailureReason));
        Assert.Equal(RowValues.Failed, runs.FindRound("run-1", 1, RowValues.Train)!.State);
        Assert.Empty(runs.Running());
    }

    [Fact]
    public void CompleteEvaluateRound_WithReason_IsFailedRound()
    {
        using var test = new TestDatabase();
        var runs = new RunStore(test.Db);
        runs.OpenRound(new RoundRow("run-1", 1, RowValues.Evaluate, RowValues.Open, [], new string('a', 64), "", "{}", "", 5, 0), []);

        runs.CompleteEvaluateRound("run-1", 1, "{}", "no site had validation data", 8);

        Assert.Equal(RowValues.Failed, runs.FindRound("run-1", 1, RowValues.Evaluate)!.State);
    }

    [Fact]
    public void Finish_LeavesRunningList()
    {
        using var test = new TestDatabase();
        var runs = new RunStore(test.Db);

        test.Db.Write((c, t) => RunStore.Finish(c, t, "run-1"));

        Assert.Equal(RowValues.Finished, runs.Find("run-1")!.State);
        Assert.Single(runs.All());
    }
}

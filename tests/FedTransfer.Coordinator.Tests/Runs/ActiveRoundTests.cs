using FedTransfer.Coordinator.Persistence;
using FedTransfer.Coordinator.Runs;
using FedTransfer.Coordinator.Tests.Support;
using FedTransfer.Federation.Rounds;
using FedTransfer.Federation.Strategies;
using FedTransfer.Federation.Updates;

namespace FedTransfer.Coordinator.Tests.Runs;

public class ActiveRoundTests
{
    private static (ActiveRound Round, ITrainAccumulator Accumulator, GlobalAdapter Global) Open(params string[] sites) => Open(TimeProvider.System, sites);

    private static (ActiveRound Round, ITrainAccumulator Accumulator, GlobalAdapter Global) Open(TimeProvider clock, params string[] sites)
    {
        var global = Tensors.Random(1);
        var adapter = new GlobalAdapter(TrainableSet.FromRecords(global), global);
        var accumulator = new FedAvg().BeginAggregateTrain(1, adapter);
        var machine = new RoundStateMachine(1, sites, 1, TimeSpan.FromMinutes(1), clock);
        return (new ActiveRound("run", 1, RowValues.Train, machine, accumulator, 0), accumulator, adapter);
    }

    private static Func<SiteTrainResult> Result(string site, int seed) =>
        () => new SiteTrainResult(site, 10, new Dictionary<string, double>(), () => new MemoryStream(Tensors.Bytes(Tensors.Random(seed, 0.1f))));

    [Fact]
    public void Apply_ValidResult_IsAcceptedAndAggregated()
    {
        var (round, accumulator, _) = Open("a", "b");

        var outcome = round.Apply("a", UpdateCheck.Valid, Result("a", 2));

        Assert.Equal(RowValues.Accepted, outcome.Outcome);
        Assert.Equal(1, accumulator.Count);
        Assert.Equal(["a"], round.Machine.Succeeded);
    }

    [Fact]
    public void Apply_SecondVerdictForSameSite_ReturnsTheFirstAndAddsNothing()
    {
        var (round, accumulator, _) = Open("a", "b");
        round.Apply("a", UpdateCheck.Reject("tensor 'x' is missing"), null);

        var outcome = round.Apply("a", UpdateCheck.Valid, Result("a", 2));

        Assert.Equal((RowValues.Rejected, "tensor 'x' is missing"), outcome);
        Assert.Equal(0, accumulator.Count);
    }

    [Fact]
    public void Apply_AfterClose_IsLateAndNotAggregated()
    {
        var clock = new ManualClock();
        var (round, accumulator, _) = Open(clock, "a", "b");
        round.Apply("a", UpdateCheck.Valid, Result("a", 2));
        clock.Advance(TimeSpan.FromMinutes(2));

        var outcome = round.Apply("b", UpdateCheck.Valid, Result("b", 3));

        Assert.Equal(RowValues.Late, outcome.Outcome);
        Assert.Contains("already closed", outcome.Reason);
        Assert.Equal(RoundPhase.Completed, round.Machine.Phase);
        Assert.Equal(1, accumulator.Count);
    }

    [Fact]
    public void Apply_UnreadableStoredUpdate_FaultsInsteadOfThrowing()
    {
        var (round, _, _) = Open("a", "b");

        var outcome = round.Apply("a", UpdateCheck.Valid, () => new SiteTrainResult("a", 10, new Dictionary<string, double>(), () => throw new IOException("disk gone")));

        Assert.Equal(RowValues.Accepted, outcome.Outcome);
        Assert.True(round.AccumulatorFaulted);
        Assert.IsType<IOException>(round.AccumulatorError);
    }

    [Fact]
    public async Task Changed_CompletesOnApply()
    {
        var (round, _, _) = Open("a", "b");
        var changed = round.Changed;

        round.Apply("a", UpdateCheck.Reject("bad"), null);

        await changed.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(changed.IsCompletedSuccessfully);
    }
}

using FedTransfer.Contracts.V1;
using FedTransfer.Coordinator.Tests.Support;
using FedTransfer.Weights.Serialization;
using FedTransfer.Contracts;
using Grpc.Core;

namespace FedTransfer.Coordinator.Tests.Runs;

/// <summary>Cancel, pause and resume through the Admin service, against a real coordinator and scripted sites.</summary>
public sealed class RunControlTests : IAsyncLifetime
{
    private readonly TempDirectory _temp = new();
    private TestCoordinator _coordinator = null!;
    private readonly IReadOnlyList<TensorRecord> _initial = Tensors.Random(1);
    private readonly List<FakeSite> _sites = [];

    public async Task InitializeAsync() => _coordinator = await TestCoordinator.StartAsync(_temp.Path);

    public async Task DisposeAsync()
    {
        foreach (var site in _sites) site.Dispose();
        await _coordinator.DisposeAsync();
        _temp.Dispose();
    }

    private FedTransfer.Contracts.V1.Admin.AdminClient Admin => _coordinator.Channel.Admin();

    private async Task<(RunInfo Run, FakeSite Site)> StartAsync(int rounds)
    {
        var federation = await AdminClient.CreateFederationAsync(_coordinator.Channel, Tensors.Bytes(_initial));
        var site = await FakeSite.JoinAsync(_coordinator.Address, "site-0", 100);
        _sites.Add(site);
        var run = await AdminClient.StartRunAsync(_coordinator.Channel, federation.FederationId, rounds, minSites: 1, roundTimeoutSeconds: 600);
        return (run, site);
    }

    [Fact]
    public async Task Cancel_DuringAnOpenRound_EndsTheRunAtOnceWithdrawsItsTaskAndALateResultIsNotUsed()
    {
        var (run, site) = await StartAsync(rounds: 3);
        var task = await site.NextTrainAsync();

        var cancelled = await Admin.CancelRunAsync(new RunControlRequest { RunId = run.RunId, Reason = "wrong learning rate" });
        var events = await AdminClient.WatchToEndAsync(_coordinator.Channel, run.RunId, TimeSpan.FromSeconds(30));
        var next = await site.PullAsync(maxWaitMs: 300);
        var late = await site.PushAsync(task.TaskId, 1, 40, Tensors.Bytes(Tensors.Random(2, 0.1f)));

        Assert.Equal(RunState.Cancelled, cancelled.State);
        Assert.Equal("wrong learning rate", cancelled.FailureReason);
        var end = events[^1];
        Assert.Equal(RunEvent.EventOneofCase.RunCancelled, end.EventCase);
        Assert.Equal((1, "wrong learning rate"), (end.RunCancelled.Round, end.RunCancelled.Reason));
        Assert.NotEqual(PullTaskResponse.InstructionOneofCase.Train, next.InstructionCase);
        Assert.Equal(ResultOutcome.Late, late.Outcome);
        var status = await Admin.GetStatusAsync(new GetStatusRequest { RunId = run.RunId });
        Assert.Equal((RunState.Cancelled, 0), (status.Runs[0].State, status.Runs[0].CompletedRounds));
    }

    [Fact]
    public async Task Pause_LetsTheRoundInProgressFinishAndStartsNoOther_ResumeGoesOnToTheEnd()
    {
        var (run, site) = await StartAsync(rounds: 2);
        var first = await site.NextTrainAsync();

        var paused = await Admin.PauseRunAsync(new RunControlRequest { RunId = run.RunId });
        await site.PushAsync(first.TaskId, 1, 40, Tensors.Bytes(Tensors.Random(3, 0.1f)));
        var afterRound1 = await RunDriverTests.WaitForRoundAsync(_coordinator, run.RunId, 1);
        var idle = await site.PullAsync(maxWaitMs: 1500);
        var stillPaused = (await Admin.GetStatusAsync(new GetStatusRequest { RunId = run.RunId })).Runs[0];
        var resumed = await Admin.ResumeRunAsync(new RunControlRequest { RunId = run.RunId, Reason = "checked" });
        var second = await site.NextTrainAsync();
        await site.PushAsync(second.TaskId, 2, 40, Tensors.Bytes(Tensors.Random(4, 0.1f)));
        var events = await AdminClient.WatchToEndAsync(_coordinator.Channel, run.RunId, TimeSpan.FromSeconds(30));

        Assert.Equal(RunState.Paused, paused.State);
        Assert.Equal(1, afterRound1.CompletedRounds);
        Assert.NotEqual(PullTaskResponse.InstructionOneofCase.Train, idle.InstructionCase);
        Assert.Equal((RunState.Paused, 1), (stillPaused.State, stillPaused.CompletedRounds));
        Assert.Equal(RunState.Running, resumed.State);
        Assert.Equal(2, second.Round);
        Assert.Equal(RunEvent.EventOneofCase.RunFinished, events[^1].EventCase);
        var order = events.Select(e => e.EventCase).Where(c => c is RunEvent.EventOneofCase.RunPaused or RunEvent.EventOneofCase.RunResumed
            or RunEvent.EventOneofCase.RoundCompleted).ToArray();
        Assert.Equal([RunEvent.EventOneofCase.RunPaused, RunEvent.EventOneofCase.RoundCompleted, RunEvent.EventOneofCase.RunResumed, RunEvent.EventOneofCase.RoundCompleted], order);
        Assert.Equal(2, events.Single(e => e.EventCase == RunEvent.EventOneofCase.RunResumed).RunResumed.NextRound);
    }

    [Fact]
    public async Task Controls_OnTheWrongState_AreRefusedInOneLine()
    {
        var (run, site) = await StartAsync(rounds: 1);
        var task = await site.NextTrainAsync();
        await site.PushAsync(task.TaskId, 1, 40, Tensors.Bytes(Tensors.Random(5, 0.1f)));
        await AdminClient.WatchToEndAsync(_coordinator.Channel, run.RunId, TimeSpan.FromSeconds(30));

        var cancelFinished = await Assert.ThrowsAsync<RpcException>(() => Admin.CancelRunAsync(new RunControlRequest { RunId = run.RunId }).ResponseAsync);
        var resumeFinished = await Assert.ThrowsAsync<RpcException>(() => Admin.ResumeRunAsync(new RunControlRequest { RunId = run.RunId }).ResponseAsync);
        var unknown = await Assert.ThrowsAsync<RpcException>(() => Admin.PauseRunAsync(new RunControlRequest { RunId = "run-nope" }).ResponseAsync);
        var longReason = await Assert.ThrowsAsync<RpcException>(() => Admin.PauseRunAsync(new RunControlRequest { RunId = run.RunId, Reason = "a\nb" }).ResponseAsync);

        Assert.Equal(StatusCode.FailedPrecondition, cancelFinished.StatusCode);
        Assert.Equal($"run {run.RunId} is finished; only a running or paused run can be cancelled", cancelFinished.Status.Detail);
        Assert.Equal($"run {run.RunId} is finished; only a paused run can be resumed", resumeFinished.Status.Detail);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(StatusCode.InvalidArgument, longReason.StatusCode);
    }
}

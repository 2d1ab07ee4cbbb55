using System.Diagnostics;
using FedTransfer.Contracts.V1;
using Grpc.Core;
using FedTransfer.Site.Tests.Support;

namespace FedTransfer.Site.Tests.Worker;

public sealed class SiteWorkerTests : IDisposable
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(15);
    private readonly SiteRig _rig = new();

    [Fact]
    public async Task Execute_CoordinatorUnavailable_BacksOffWithGrowingDelaysThenJoins()
    {
        // Arrange: three refused connections; then the coordinator tells the site to stop.
        for (var i = 0; i < 3; i++) _rig.Transport.JoinFailures.Enqueue(new RpcException(new Status(StatusCode.Unavailable, "connection refused")));
        var worker = _rig.Worker();
        var clock = Stopwatch.StartNew();

        // Act
        await worker.StartAsync(CancellationToken.None);
        await _rig.Lifetime.StopRequested.Task.WaitAsync(Limit);
        await worker.StopAsync(CancellationToken.None);

        // Assert: waits of at least 10 + 20 + 40 ms (the lower halves of 20, 40 and 80 ms ceilings).
        Assert.Equal(4, worker.JoinAttempts);
        Assert.Equal(4, _rig.Transport.Joins.Count);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(70), $"backoff should have waited, took {clock.Elapsed.TotalMilliseconds} ms");
        Assert.Single(_rig.Transport.Pulls);
    }

    [Fact]
    public async Task Execute_ImpossibleTaskWhoseDeclineIsLost_PausesThenDeclinesTheRepeatWithoutRetraining()
    {
        // Arrange: the task cannot be done here; the first decline is lost on the wire; the coordinator offers the task again.
        _rig.Trainer.Failure = new FedTransfer.Site.Training.TaskNotFeasibleException(DeclineReason.LabelMismatch, "local labels go up to 9 but the task has 2 classes");
        _rig.Transport.PullAnswers.Enqueue(_ => TestTasks.AsInstruction(TestTasks.Train()));
        _rig.Transport.PullAnswers.Enqueue(_ => TestTasks.AsInstruction(TestTasks.Train()));
        _rig.Transport.PushFailures.Enqueue(new RpcException(new Status(StatusCode.Internal, "stream reset")));
        var worker = _rig.Worker();

        // Act
        await worker.StartAsync(CancellationToken.None);
        await _rig.Lifetime.StopRequested.Task.WaitAsync(Limit);
        await worker.StopAsync(CancellationToken.None);

        // Assert: trained once, paused (logged) instead of looping or exiting, then the repeat got the decline.
        Assert.Single(_rig.Trainer.TrainRequests);
        Assert.Equal(DeclineReason.LabelMismatch, Assert.Single(_rig.Transport.Pushes).Header.Declined);
        Assert.Contains(_rig.WorkerLog.Entries, e => e.Message.StartsWith("The site sends nothing for now", StringComparison.Ordinal));
        Assert.Equal(3, _rig.Transport.Pulls.Count);
    }

    [Fact]
    public async Task Execute_SessionLost_JoinsAgainAndPollsWithTheNewSession()
    {
        // Arrange
        _rig.Transport.PullAnswers.Enqueue(_ => throw new RpcException(new Status(StatusCode.Unauthenticated, "unknown session")));
        var worker = _rig.Worker();

        // Act
        await worker.StartAsync(CancellationToken.None);
        await _rig.Lifetime.StopRequested.Task.WaitAsync(Limit);
        await worker.StopAsync(CancellationToken.None);

        // Assert
        Assert.Equal(2, _rig.Transport.Joins.Count);
        Assert.Equal(["session-1", "session-2"], _rig.Transport.Pulls.Select(p => p.SessionId));
    }

    [Fact]
    public async Task Execute_WaitThenTrain_RunsTheTaskAndPollsOn()
    {
        // Arrange
        _rig.Transport.PullAnswers.Enqueue(_ => new PullTaskResponse { Wait = new WaitInstruction { RetryAfterMs = 5, Reason = "no run" } });
        _rig.Transport.PullAnswers.Enqueue(_ => TestTasks.AsInstruction(TestTasks.Train()));
        var worker = _rig.Worker();

        // Act
        await worker.StartAsync(CancellationToken.None);
        await _rig.Lifetime.StopRequested.Task.WaitAsync(Limit);
        await worker.StopAsync(CancellationToken.None);

        // Assert
        Assert.Equal(3, _rig.Transport.Pulls.Count);
        Assert.Equal(100, _rig.Transport.Pulls[0].MaxWaitMs);
        Assert.Single(_rig.Transport.Pushes);
        var join = Assert.Single(_rig.Transport.Joins);
        Assert.Equal(40, join.ExampleCounts.Train);
        Assert.Equal("cpu", join.Device.Device);
    }

    [Fact]
    public async Task Stop_DuringTraining_AbandonsTheTaskAndSendsNothing()
    {
        // Arrange
        _rig.Transport.PullAnswers.Enqueue(_ => TestTasks.AsInstruction(TestTasks.Train()));
        _rig.Trainer.BlockUntilCancelled = true;
        var worker = _rig.Worker();
        await worker.StartAsync(CancellationToken.None);
        await _rig.Trainer.Started.Task.WaitAsync(Limit);

        // Act
        await worker.StopAsync(CancellationToken.None).WaitAsync(Limit);

        // Assert
        Assert.Empty(_rig.Transport.Pushes);
        Assert.False(_rig.Lifetime.StopRequested.Task.IsCompleted);
    }

    [Fact]
    public async Task Stop_DuringALongPoll_EndsQuietlyWithoutWarnings()
    {
        // Arrange
        _rig.Transport.HoldPollWhenIdle = true;
        var worker = _rig.Worker();
        await worker.StartAsync(CancellationToken.None);
        var deadline = DateTime.UtcNow + Limit;
        while (_rig.Transport.Pulls.Count == 0 && DateTime.UtcNow < deadline) await Task.Delay(10);

        // Act
        await worker.StopAsync(CancellationToken.None).WaitAsync(Limit);

        // Assert
        Assert.DoesNotContain(_rig.WorkerLog.Entries, e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Warning);
        Assert.Contains(_rig.WorkerLog.Entries, e => e.Message == "Site stopped");
        Assert.Equal(1, worker.JoinAttempts);
    }

    public void Dispose() => _rig.Dispose();
}

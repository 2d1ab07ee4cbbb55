using System.Text;
using FedTransfer.Contracts.V1;
using FedTransfer.Coordinator.Persistence;
using Grpc.Core;

namespace FedTransfer.Coordinator.Runs;

/// <summary>
/// The central team's say over a run once it exists: start its driver, pause it between rounds, resume it, cancel it.
/// Each change is one conditional state transition committed with its event, so two controls racing each other (or a
/// control racing the run's own end) cannot both take effect; the driver reads the state at each round boundary, and a
/// cancel also interrupts the round it is waiting on.
/// </summary>
internal sealed class RunControl(RunStore runs, RunRegistry registry, RunOrchestrator orchestrator, RunEventHub events, TaskMailbox mailbox, TimeProvider clock)
{
    private const int MaxReasonBytes = 256;
    private static readonly string[] Live = [RowValues.Running, RowValues.Paused];

    /// <summary>Hands a run that was just created (or resumed) to a driver.</summary>
    public void Start(string runId) => orchestrator.Start(runId);

    public RunRow Cancel(string runId, string reason)
    {
        var why = Reason(reason, "cancelled by the central team");
        var run = Require(runId, Live, "cancelled");
        var open = runs.OpenRoundNumber(runId) ?? 0;
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        events.Publish(runId, e => e.RunCancelled = new RunCancelled { Round = open, Reason = why }, (c, t) =>
        {
            if (!RunStore.Transition(c, t, runId, Live, RowValues.Cancelled, why)) throw Raced(runId);
            RunStore.AbandonOpenRounds(c, t, runId, $"run cancelled: {why}", now);
        });
        // No result joins the abandoned round from now on (late ones are recorded as late), the driver stops where it
        // waits, and no site is handed this run's tasks any more.
        if (TryContext(run.RunId) is { } context)
        {
            context.Active = null;
            context.Halt();
        }
        mailbox.WithdrawRun(runId);
        return runs.Find(runId)!;
    }

    public RunRow Pause(string runId, string reason)
    {
        var why = Reason(reason, "paused by the central team");
        var run = Require(runId, [RowValues.Running], "paused");
        events.Publish(runId, e => e.RunPaused = new RunPaused { CompletedRounds = run.CompletedRounds, Reason = why }, (c, t) =>
        {
            if (!RunStore.Transition(c, t, runId, [RowValues.Running], RowValues.Paused, why)) throw Raced(runId);
        });
        return runs.Find(runId)!;
    }

    public RunRow Resume(string runId, string reason)
    {
        var why = Reason(reason, "resumed by the central team");
        var run = Require(runId, [RowValues.Paused], "resumed");
        events.Publish(runId, e => e.RunResumed = new RunResumed { NextRound = run.CompletedRounds + 1, Reason = why }, (c, t) =>
        {
            if (!RunStore.Transition(c, t, runId, [RowValues.Paused], RowValues.Running, why)) throw Raced(runId);
        });
        orchestrator.Start(runId);
        return runs.Find(runId)!;
    }

    // A run whose federation or artifacts cannot be loaded never had a driver to stop.
    private RunContext? TryContext(string runId)
    {
        try
        {
            return registry.Get(runId);
        }
        catch (Exception e) when (e is InvalidOperationException or KeyNotFoundException)
        {
            return null;
        }
    }

    private RunRow Require(string runId, IReadOnlyList<string> allowed, string verb)
    {
        var run = runs.Find(runId) ?? throw new RpcException(new Status(StatusCode.NotFound, $"no run '{runId}'; `fedtransfer status` lists the runs"));
        if (!allowed.Contains(run.State))
            throw new RpcException(new Status(StatusCode.FailedPrecondition,
                $"run {runId} is {run.State}; only a {string.Join(" or ", allowed)} run can be {verb}"));
        return run;
    }

    private static RpcException Raced(string runId) =>
        new(new Status(StatusCode.Aborted, $"run {runId} changed state while this request was handled; look at `fedtransfer status --run {runId}` and try again"));

    private static string Reason(string given, string fallback)
    {
        if (string.IsNullOrWhiteSpace(given)) return fallback;
        if (Encoding.UTF8.GetByteCount(given) > MaxReasonBytes || given.Contains('\n') || given.Contains('\r'))
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"reason must be one line of at most {MaxReasonBytes} bytes"));
        return given.Trim();
    }
}

using FedTransfer.Contracts.V1;
using FedTransfer.Coordinator.Persistence;
using FedTransfer.Federation.Privacy;
using FedTransfer.Federation.Rounds;
using FedTransfer.Federation.Strategies;
using FedTransfer.Weights.Serialization;
using Microsoft.Extensions.Logging;

namespace FedTransfer.Coordinator.Runs;

/// <summary>
/// Drives one run round by round: train round r (sample, hand out tasks, collect validated updates into the streaming
/// aggregate, close by the state machine's rules, write the new global adapter), then the evaluation due after it.
/// Everything a restart needs is in the database, so a new driver resumes a run where the last one stopped: completed
/// rounds are never redone, an open round is reopened with its original tasks and the updates already received.
/// </summary>
internal sealed partial class RunDriver(RunContext run, RunDependencies deps)
{
    private readonly ILogger _log = deps.Loggers.CreateLogger<RunDriver>();

    public async Task RunAsync(CancellationToken stopping)
    {
        // Shutdown and a cancel both stop the driver where it waits; only the second ends the run (RunControl did that).
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(stopping, run.Halted);
        var cancellationToken = linked.Token;
        try
        {
            var state = deps.Runs.Find(run.RunId) ?? throw new InvalidOperationException($"run {run.RunId} vanished from the database");
            if (state.State != RowValues.Running) return;
            if (state.CompletedRounds > 0) CoordinatorLog.RunResumed(_log, run.RunId, state.CompletedRounds);
            var settings = run.Settings;
            if (state.CompletedRounds > 0 && settings.EvaluatesAfter(state.CompletedRounds))
                await EvaluateAsync(state.CompletedRounds, cancellationToken).ConfigureAwait(false);
            for (var round = state.CompletedRounds + 1; round <= settings.Rounds; round++)
            {
                // A pause (or cancel) takes effect here, between rounds: the round that was in progress has completed.
                if (!StillRunning()) return;
                if (!await TrainRoundAsync(round, cancellationToken).ConfigureAwait(false)) return;
                if (settings.EvaluatesAfter(round)) await EvaluateAsync(round, cancellationToken).ConfigureAwait(false);
            }
            Finish(settings.Rounds);
        }
        catch (OperationCanceledException) when (run.Halted.IsCancellationRequested)
        {
            CoordinatorLog.RunCancelled(_log, run.RunId);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Shutdown: the run stays 'running' in the database and resumes at the next start.
        }
        catch (Exception e)
        {
            CoordinatorLog.RunCrashed(_log, e, run.RunId);
            FailRun(deps.Runs.Find(run.RunId)?.CompletedRounds + 1 ?? 0, $"internal error: {e.Message}");
        }
        finally
        {
            run.Active = null;
        }
    }

    private async Task<bool> TrainRoundAsync(int round, CancellationToken cancellationToken)
    {
        var input = deps.Runs.AdapterVersion(run.RunId, round - 1)
            ?? throw new InvalidOperationException($"run {run.RunId} has no global adapter for round {round - 1}");
        var globalRef = ProtoMapping.ToRef(input.Digest, input.SizeBytes);
        var row = deps.Runs.FindRound(run.RunId, round, RowValues.Train);
        IReadOnlyList<TaskRow> tasks;
        if (row is null)
        {
            var (plan, samplingRate) = await WaitForTrainPlanAsync(round, cancellationToken).ConfigureAwait(false);
            // Paused while it waited for sites: no round opens.
            if (!StillRunning()) return false;
            if (plan.Shortfall is not null)
            {
                FailRun(round, plan.Shortfall);
                return false;
            }
            if (CentralBudgetReached(round, samplingRate) is { } reached)
            {
                Finish(round - 1, reached);
                return false;
            }
            var now = deps.NowMs;
            tasks = plan.Assignments.Select(a => new TaskRow(TaskPayloads.NewTaskId(), run.RunId, round, RowValues.Train, a.SiteId,
                TaskPayloads.ConfigJson(a.Config with { SiteSamplingRate = samplingRate }), now)).ToArray();
            row = new RoundRow(run.RunId, round, RowValues.Train, RowValues.Open, tasks.Select(t => t.SiteId).ToArray(), input.Digest, "", "{}", "", now, 0);
            deps.Runs.OpenRound(row, tasks);
            PublishRoundStarted(round, RowValues.Train, row.Sampled, globalRef);
        }
        else
        {
            tasks = deps.Tasks.ForRound(run.RunId, round, RowValues.Train);
        }

        var global = await LoadGlobalAsync(input.Digest, round - 1, cancellationToken).ConfigureAwait(false);
        var active = OpenActiveRound(round, RowValues.Train, tasks, run.Strategy.BeginAggregateTrain(round, global, tasks.Count), row.StartedMs);
        await ReplayAsync(active, global, cancellationToken).ConfigureAwait(false);
        Offer(active, tasks, task => TaskPayloads.Train(run, task, globalRef, active.Machine.Deadline));
        await WaitForCloseAsync(active, cancellationToken).ConfigureAwait(false);
        Withdraw(tasks);

        if (active.Machine.Phase == RoundPhase.Failed)
        {
            DeletePayloads(tasks);
            FailRun(round, active.Machine.FailureReason!);
            return false;
        }
        if (active.AccumulatorFaulted)
        {
            CoordinatorLog.AccumulatorRebuilt(_log, active.AccumulatorError!, run.RunId, round);
            active.Accumulator = RebuildAccumulator(round, global);
        }
        var aggregate = active.Accumulator!.Complete(active.Machine.Failures);
        if (!aggregate.Succeeded)
        {
            DeletePayloads(tasks);
            FailRun(round, aggregate.FailureReason!);
            return false;
        }
        var metadata = new Dictionary<string, string> { ["fedtransfer.run"] = run.RunId, ["fedtransfer.round"] = round.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        // Streamed into the store: building the file in memory first would cost one more adapter at the round's peak.
        var output = await deps.Artifacts.PutAsync((stream, ct) => SafeTensors.WriteAsync(stream, aggregate.NewGlobal!, metadata, ct), cancellationToken).ConfigureAwait(false);
        var stateDigest = await StoreServerStateAsync(aggregate.ServerState, metadata, cancellationToken).ConfigureAwait(false);
        var metrics = WithCentralEpsilon(tasks, aggregate.Metrics);
        var metricsJson = ProtoMapping.MetricsJson(metrics);
        deps.Runs.CompleteTrainRound(run.RunId, round, output.Digest, output.SizeBytes, metricsJson, deps.NowMs, stateDigest);
        DeletePayloads(tasks);
        PublishRoundCompleted(active, tasks, ProtoMapping.ToRef(output), metrics, globalRef.SizeBytes, failureReason: "");
        return true;
    }

    private bool StillRunning() => deps.Runs.Find(run.RunId)?.State == RowValues.Running;

    // The plan and its sampling rate q = sampled / eligible (what DP accounting amplifies by). Sites that declined with an
    // exhausted privacy budget earlier in the run are not candidates: asking them again would only be declined again.
    private async Task<(TrainPlan Plan, double SamplingRate)> WaitForTrainPlanAsync(int round, CancellationToken cancellationToken)
    {
        var exhausted = deps.Tasks.SitesWithReason(run.RunId, ResultIntake.PrivacyBudgetDeclined);
        // Sites may still be joining (or reconnecting after a restart): wait up to one round timeout for enough of them.
        var deadline = deps.Clock.GetUtcNow() + run.Settings.RoundTimeout;
        var logged = false;
        while (true)
        {
            var candidates = deps.Sites.Online().Where(s => !exhausted.Contains(s.SiteId))
                .Select(s => new SiteCandidate(s.SiteId, s.TrainExamples, s.ValidationExamples)).ToArray();
            var plan = run.Strategy.ConfigureTrain(round, candidates, run.Settings.Round);
            if (plan.Shortfall is null) return (plan, SamplingRate(plan, candidates));
            var remaining = deadline - deps.Clock.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
                return (plan with { Shortfall = $"{plan.Shortfall} after waiting {run.Settings.RoundTimeout.TotalSeconds:0} s for sites; start more sites or lower min_sites" }, 0);
            if (!logged) CoordinatorLog.WaitingForSites(_log, run.RunId, round, plan.Shortfall);
            logged = true;
            await deps.Sites.WaitForJoinAsync(remaining < TimeSpan.FromSeconds(1) ? remaining : TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        }
    }

    private ActiveRound OpenActiveRound(int round, string kind, IReadOnlyList<TaskRow> tasks, ITrainAccumulator? accumulator, long startedMs)
    {
        var minimum = kind == RowValues.Train ? Math.Min(run.Settings.MinSites, tasks.Count) : 1;
        var machine = new RoundStateMachine(round, tasks.Select(t => t.SiteId), minimum, run.Settings.RoundTimeout, deps.Clock);
        var active = new ActiveRound(run.RunId, round, kind, machine, accumulator, startedMs);
        run.Active = active;
        CoordinatorLog.RoundStarted(_log, run.RunId, round, kind, tasks.Count);
        return active;
    }

    private async Task WaitForCloseAsync(ActiveRound active, CancellationToken cancellationToken)
    {
        while (true)
        {
            var changed = active.Changed;
            RoundPhase phase;
            using (await active.EnterAsync(cancellationToken).ConfigureAwait(false)) phase = active.Machine.Advance();
            if (phase != RoundPhase.Open) return;
            var wait = active.Machine.Deadline - deps.Clock.GetUtcNow();
            if (wait <= TimeSpan.Zero) continue;
            try
            {
                await changed.WaitAsync(wait, deps.Clock, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // The deadline passed: Advance decides.
            }
        }
    }

    private void Offer(ActiveRound active, IReadOnlyList<TaskRow> tasks, Func<TaskRow, PullTaskResponse> payload)
    {
        foreach (var task in tasks)
        {
            if (deps.Tasks.FindUpdate(task.TaskId) is null) deps.Mailbox.Offer(task.SiteId, task.TaskId, payload(task));
        }
        active.Signal();
    }

    private void Withdraw(IReadOnlyList<TaskRow> tasks)
    {
        run.Active = null;
        foreach (var task in tasks) deps.Mailbox.Withdraw(task.TaskId);
    }

    private void Finish(int rounds, string reason = "")
    {
        var final = deps.Runs.AdapterVersion(run.RunId, rounds)!.Value;
        deps.Events.Publish(run.RunId,
            e => e.RunFinished = new RunFinished { CompletedRounds = rounds, FinalAdapter = ProtoMapping.ToRef(final.Digest, final.SizeBytes), Reason = reason },
            (c, t) => RunStore.Finish(c, t, run.RunId, reason));
        CoordinatorLog.RunFinished(_log, run.RunId, rounds, final.Digest);
        if (reason.Length > 0) CoordinatorLog.RunStoppedEarly(_log, run.RunId, reason);
    }

    private void FailRun(int round, string reason)
    {
        var now = deps.NowMs;
        deps.Events.Publish(run.RunId, e => e.RunFailed = new RunFailed { Round = round, Reason = reason },
            (c, t) => RunStore.Fail(c, t, run.RunId, round, reason, now));
        CoordinatorLog.RunFailed(_log, run.RunId, reason);
    }
}

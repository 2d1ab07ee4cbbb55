using FedTransfer.Contracts.V1;
using FedTransfer.Coordinator.Persistence;
using FedTransfer.Federation.Privacy;
using FedTransfer.Federation.Rounds;
using FedTransfer.Federation.Strategies;
using FedTransfer.Federation.Updates;
using FedTransfer.Weights.Serialization;

namespace FedTransfer.Coordinator.Runs;

/// <summary>Evaluation rounds, resuming from stored updates, and the round events.</summary>
internal sealed partial class RunDriver
{
    private async Task EvaluateAsync(int round, CancellationToken cancellationToken)
    {
        var row = deps.Runs.FindRound(run.RunId, round, RowValues.Evaluate);
        if (row is not null && row.State != RowValues.Open) return;
        var adapter = deps.Runs.AdapterVersion(run.RunId, round)!.Value;
        var adapterRef = ProtoMapping.ToRef(adapter.Digest, adapter.SizeBytes);
        IReadOnlyList<TaskRow> tasks;
        if (row is null)
        {
            var candidates = deps.Sites.Online().Select(s => new SiteCandidate(s.SiteId, s.TrainExamples, s.ValidationExamples)).ToArray();
            var selection = run.Strategy.ConfigureEvaluate(round, candidates, run.Settings.Round);
            var now = deps.NowMs;
            tasks = selection.SiteIds.Select(site => new TaskRow(TaskPayloads.NewTaskId(), run.RunId, round, RowValues.Evaluate, site, "{}", now)).ToArray();
            row = new RoundRow(run.RunId, round, RowValues.Evaluate, RowValues.Open, selection.SiteIds, adapter.Digest, "", "{}", "", now, 0);
            deps.Runs.OpenRound(row, tasks);
            if (selection.Shortfall is not null)
            {
                // Evaluation is informative: without sites to evaluate, the run goes on and the event says why.
                deps.Runs.CompleteEvaluateRound(run.RunId, round, "{}", selection.Shortfall, deps.NowMs);
                PublishRoundCompleted(round, RowValues.Evaluate, row.StartedMs, [], adapterRef, new Dictionary<string, double>(), 0, selection.Shortfall);
                return;
            }
            PublishRoundStarted(round, RowValues.Evaluate, row.Sampled, adapterRef);
        }
        else
        {
            tasks = deps.Tasks.ForRound(run.RunId, round, RowValues.Evaluate);
        }

        var active = OpenActiveRound(round, RowValues.Evaluate, tasks, null, row.StartedMs);
        await ReplayAsync(active, null, cancellationToken).ConfigureAwait(false);
        Offer(active, tasks, task => TaskPayloads.Evaluate(run, task, adapterRef, active.Machine.Deadline));
        await WaitForCloseAsync(active, cancellationToken).ConfigureAwait(false);
        Withdraw(tasks);

        var results = deps.Tasks.UpdatesForRound(run.RunId, round, RowValues.Evaluate)
            .Where(u => u.Outcome == RowValues.Accepted)
            .Select(u => new SiteEvaluation(u.SiteId, u.Examples, ProtoMapping.ParseMetrics(u.MetricsJson)))
            .ToArray();
        var aggregate = run.Strategy.AggregateEvaluate(round, results, active.Machine.Failures);
        var reason = active.Machine.Phase == RoundPhase.Failed ? active.Machine.FailureReason! : aggregate.FailureReason ?? "";
        deps.Runs.CompleteEvaluateRound(run.RunId, round, ProtoMapping.MetricsJson(aggregate.Metrics), reason, deps.NowMs);
        PublishRoundCompleted(round, RowValues.Evaluate, active.StartedMs, tasks, adapterRef, aggregate.Metrics, adapter.SizeBytes, reason);
    }

    /// <summary>
    /// Re-applies the results already stored for a reopened round (after a restart), in arrival order. An accepted
    /// payload that did not survive (an OS crash before the page cache reached the disk) becomes a recorded rejection.
    /// </summary>
    private async Task ReplayAsync(ActiveRound active, GlobalAdapter? global, CancellationToken cancellationToken)
    {
        var stored = deps.Tasks.UpdatesForRound(run.RunId, active.Round, active.Kind);
        var lost = new HashSet<string>(StringComparer.Ordinal);
        foreach (var update in stored.Where(u => u.Outcome == RowValues.Accepted && u.SizeBytes > 0))
        {
            if (await deps.Updates.VerifyAsync(update.TaskId, update.Digest, cancellationToken).ConfigureAwait(false)) continue;
            deps.Tasks.Reject(update.TaskId, LostPayload);
            lost.Add(update.TaskId);
        }
        using (await active.EnterAsync(cancellationToken).ConfigureAwait(false))
        {
            foreach (var update in stored)
            {
                if (lost.Contains(update.TaskId))
                    active.Apply(update.SiteId, UpdateCheck.Reject(LostPayload), null);
                else if (update.Outcome == RowValues.Accepted)
                    active.Apply(update.SiteId, UpdateCheck.Valid, global is null ? null : () => StoredResult(update));
                else if (update.Outcome == RowValues.Rejected)
                    active.Apply(update.SiteId, UpdateCheck.Reject(update.Reason), null);
            }
        }
    }

    private const string LostPayload = "the payload was lost in a coordinator crash before its round used it";

    private ITrainAccumulator RebuildAccumulator(int round, GlobalAdapter global)
    {
        var accumulator = run.Strategy.BeginAggregateTrain(round, global, deps.Tasks.ForRound(run.RunId, round, RowValues.Train).Count);
        foreach (var update in deps.Tasks.UpdatesForRound(run.RunId, round, RowValues.Train).Where(u => u.Outcome == RowValues.Accepted))
            accumulator.Add(StoredResult(update));
        return accumulator;
    }

    private SiteTrainResult StoredResult(UpdateRow update) =>
        new(update.SiteId, update.Examples, ProtoMapping.ParseMetrics(update.MetricsJson),
            run.Decoded(() => deps.Updates.OpenRead(update.TaskId), $"update of task {update.TaskId}"));

    /// <summary>Drops the payloads a closed round no longer needs.</summary>
    private void DeletePayloads(IReadOnlyList<TaskRow> tasks)
    {
        if (deps.Options.KeepUpdatePayloads) return;
        foreach (var task in tasks) deps.Updates.Delete(task.TaskId);
    }

    /// <summary>The global adapter after round <paramref name="previousRound"/>, with the strategy state stored with that round.</summary>
    private async Task<GlobalAdapter> LoadGlobalAsync(string digest, int previousRound, CancellationToken cancellationToken)
    {
        var bytes = await deps.Artifacts.ReadAllVerifiedAsync(digest, cancellationToken).ConfigureAwait(false);
        var global = new GlobalAdapter(run.Trainable, SafeTensors.Read(bytes, digest).Tensors);
        var stateDigest = previousRound > 0 ? deps.Runs.ServerStateDigest(run.RunId, previousRound) : "";
        if (stateDigest.Length == 0) return global;
        var state = await deps.Artifacts.ReadAllVerifiedAsync(stateDigest, cancellationToken).ConfigureAwait(false);
        return global with { ServerState = SafeTensors.Read(state, stateDigest).Tensors };
    }

    /// <summary>Stores the strategy's state after a round as a content-addressed artifact; "" when it keeps none.</summary>
    private async Task<string> StoreServerStateAsync(IReadOnlyList<TensorRecord> state, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        if (state.Count == 0) return "";
        var tagged = new Dictionary<string, string>(metadata) { ["fedtransfer.strategy"] = run.Strategy.Name, ["fedtransfer.content"] = "server-state" };
        return (await deps.Artifacts.PutAsync(SafeTensors.Serialize(state, tagged), cancellationToken).ConfigureAwait(false)).Digest;
    }

    private void PublishRoundStarted(int round, string kind, IReadOnlyList<string> sampled, ArtifactRef adapter) =>
        deps.Events.Publish(run.RunId, e =>
        {
            e.RoundStarted = new RoundStarted { Round = round, Kind = kind, GlobalAdapter = adapter };
            e.RoundStarted.SampledSiteIds.Add(sampled);
        });

    private void PublishRoundCompleted(ActiveRound active, IReadOnlyList<TaskRow> tasks, ArtifactRef adapter,
        IReadOnlyDictionary<string, double> metrics, long adapterBytes, string failureReason) =>
        PublishRoundCompleted(active.Round, active.Kind, active.StartedMs, tasks, adapter, metrics, adapterBytes, failureReason);

    private void PublishRoundCompleted(int round, string kind, long startedMs, IReadOnlyList<TaskRow> tasks, ArtifactRef adapter,
        IReadOnlyDictionary<string, double> metrics, long adapterBytes, string failureReason)
    {
        var updates = deps.Tasks.UpdatesForRound(run.RunId, round, kind);
        var completed = new RoundCompleted
        {
            Round = round,
            Kind = kind,
            GlobalAdapter = adapter,
            Accepted = updates.Count(u => u.Outcome == RowValues.Accepted),
            Rejected = updates.Count(u => u.Outcome == RowValues.Rejected),
            Late = updates.Count(u => u.Outcome == RowValues.Late),
            BytesIn = updates.Sum(u => u.SizeBytes),
            BytesOut = adapterBytes * tasks.Count,
            DurationMs = Math.Max(0, deps.NowMs - startedMs),
            FailureReason = failureReason,
        };
        completed.Metrics.Add(metrics.Where(kv => double.IsFinite(kv.Value)).ToDictionary(kv => kv.Key, kv => kv.Value));
        deps.Events.Publish(run.RunId, e => e.RoundCompleted = completed);
        CoordinatorLog.RoundCompleted(_log, run.RunId, round, kind, completed.Accepted, completed.Rejected, completed.DurationMs);
    }
}

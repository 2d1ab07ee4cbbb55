using FedTransfer.Federation.Privacy;
using FedTransfer.Contracts.V1;
using FedTransfer.Federation.Updates;
using FedTransfer.Site.Artifacts;
using FedTransfer.Site.Egress;
using FedTransfer.Site.Policy;
using FedTransfer.Site.Results;
using FedTransfer.Site.Training;
using FedTransfer.Weights.Serialization;
using TensorSpec = FedTransfer.Weights.Serialization.TensorSpec;
using Microsoft.Extensions.Logging;

namespace FedTransfer.Site.Worker;

/// <summary>
/// Carries out one train or evaluate task: fetch the artifacts, run the local trainer, push the result through the
/// egress gateway and keep the receipt. A task that fails for its own reasons is logged and dropped (the coordinator
/// goes on without this site for the round); transport and session failures go up to the worker, which reconnects.
/// A cancelled task pushes nothing. A task outside the site policy is declined before anything is fetched or trained:
/// the coordinator gets the fixed decline code only. Under a local privacy policy the delta is clipped and noised here,
/// before it is serialised, and the gateway checks that it was.
/// </summary>
internal sealed class SiteTaskRunner
{
    private readonly EgressGateway _gateway;
    private readonly ArtifactCache _cache;
    private readonly ILocalTrainer _trainer;
    private readonly ReceiptStore _receipts;
    private readonly ILogger _log;
    private readonly SitePolicy _policy;
    private readonly GaussianNoise _noise;
    private readonly FailedTasks _failed = new();

    // policy: null = SitePolicy.Permissive. noise: null = the OS CSPRNG; only tests pass a seeded one.
    public SiteTaskRunner(EgressGateway gateway, ArtifactCache cache, ILocalTrainer trainer, ReceiptStore receipts, ILogger<SiteTaskRunner> log,
        SitePolicy? policy = null, GaussianNoise? noise = null)
    {
        _gateway = gateway;
        _cache = cache;
        _trainer = trainer;
        _receipts = receipts;
        _log = log;
        _policy = policy ?? SitePolicy.Permissive;
        _noise = noise ?? GaussianNoise.Secure();
    }

    /// <summary>Trains and pushes the delta. <paramref name="rejoin"/> opens a new session when the coordinator lost ours mid-push.</summary>
    public Task RunTrainAsync(TrainTask task, Func<CancellationToken, Task> rejoin, CancellationToken ct) =>
        GuardAsync(task.TaskId, task.Round, "train", rejoin, ct, async () =>
        {
            if (await DeclinedAsync("train", task.TaskId, task.Round, task.Backbone, task.AdapterSpec, true, rejoin, ct).ConfigureAwait(false)) return;
            if (await OverBudgetAsync(task, rejoin, ct).ConfigureAwait(false)) return;
            var trainable = EgressRules.ToTrainableSet(task.Trainable);
            var encoding = EgressRules.ToEncoding(task.UpdateEncoding);
            var backbone = await _cache.GetAsync(task.Backbone, ct).ConfigureAwait(false);
            var adapter = await _cache.GetAsync(task.GlobalAdapter, ct).ConfigureAwait(false);
            var hp = task.HyperParameters ?? new HyperParameters();
            var request = new LocalTrainRequest(backbone, adapter, task.AdapterSpec, task.TaskSpec,
                new LocalHyperParameters(hp.Epochs, hp.BatchSize, hp.LearningRate, hp.FedproxMu, hp.Seed),
                trainable.Tensors.Select(t => new TensorSpec(t.Name, t.DType, t.Shape)).ToList());
            var result = await LocalWorkAsync(() => _trainer.TrainAsync(request, ct), ct).ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
            var header = new ResultHeader
            {
                TaskId = task.TaskId, Round = task.Round, ExampleCount = result.ExampleCount, PayloadEncoding = PayloadEncoding.Safetensors,
                UpdateEncoding = task.UpdateEncoding,
            };
            foreach (var (name, value) in result.Metrics) header.Metrics[name] = value;
            // Noise first, then encode: the privacy guarantee is about what leaves, and encoding is post-processing.
            var (delta, privacy) = Privatise(task, result.Delta);
            await PushAsync(header, DeltaCodec.Encode(delta, encoding).Serialize(), rejoin, ct, privacy).ConfigureAwait(false);
        });

    /// <summary>Evaluates the global adapter on the validation split and pushes the metrics.</summary>
    public Task RunEvaluateAsync(EvaluateTask task, Func<CancellationToken, Task> rejoin, CancellationToken ct) =>
        GuardAsync(task.TaskId, task.Round, "evaluate", rejoin, ct, async () =>
        {
            if (await DeclinedAsync("evaluate", task.TaskId, task.Round, task.Backbone, task.AdapterSpec, false, rejoin, ct).ConfigureAwait(false)) return;
            var backbone = await _cache.GetAsync(task.Backbone, ct).ConfigureAwait(false);
            var adapter = await _cache.GetAsync(task.GlobalAdapter, ct).ConfigureAwait(false);
            var evaluation = await LocalWorkAsync(() => _trainer.EvaluateAsync(
                new LocalEvaluateRequest(backbone, adapter, task.AdapterSpec, task.TaskSpec, Math.Max(1, task.BatchSize)), ct), ct).ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
            var header = new ResultHeader
            {
                TaskId = task.TaskId, Round = task.Round, ExampleCount = evaluation.ExampleCount, PayloadEncoding = PayloadEncoding.None,
            };
            foreach (var (name, value) in evaluation.Metrics) header.Metrics[name] = value;
            await PushAsync(header, ReadOnlyMemory<byte>.Empty, rejoin, ct).ConfigureAwait(false);
        });

    // Judges the task by the site policy; a declined task is answered with its fixed code only (no data, no training),
    // so the coordinator can close the round at once instead of waiting for a timeout.
    private async Task<bool> DeclinedAsync(string kind, string taskId, int round, ArtifactRef? backbone, string adapterSpec, bool isTrain,
        Func<CancellationToken, Task> rejoin, CancellationToken ct)
    {
        var digest = backbone?.Digest ?? "";
        var examples = isTrain && _policy.MinTrainExamples > 0 ? _trainer.Describe().TrainExamples : 0;
        var reason = _policy.Judge(digest, adapterSpec, isTrain, examples);
        if (reason == DeclineReason.Unspecified) return false;
        SiteLog.TaskDeclined(_log, kind, taskId, round, reason, _policy.Explain(reason, digest, adapterSpec, examples));
        await DeclineAsync(kind, taskId, round, reason, rejoin, ct).ConfigureAwait(false);
        return true;
    }

    private (IReadOnlyList<TensorRecord> Delta, LocalPrivacyApplied? Privacy) Privatise(TrainTask task, IReadOnlyList<TensorRecord> delta)
    {
        if (_policy.Privacy is not { } parameters) return (delta, null);
        var (noised, applied) = LocalPrivacy.Apply(delta, parameters, _noise);
        SiteLog.DeltaPrivatised(_log, task.TaskId, applied.NormBeforeClip, applied.ClipNorm, applied.NoiseMultiplier);
        if (_policy.Budget is not { } budget) return (noised, applied);
        // Spent once the noised delta exists: from here on it may leave, so the account (and its ledger record) count it.
        var spend = Account.Spend(FederationOf(task), task.TaskId, SamplingRateOf(task, budget), parameters.NoiseMultiplier, budget.Delta);
        SiteLog.PrivacySpent(_log, task.TaskId, spend.Rounds, spend.Epsilon, budget.MaxEpsilon, spend.SamplingRate);
        return (noised, applied with { Spend = spend });
    }

    private SitePrivacyAccount Account => _gateway.PrivacyAccount ?? _unledgeredAccount;

    // Only a gateway without a ledger (tests) uses this: its spending lasts as long as the runner.
    private readonly SitePrivacyAccount _unledgeredAccount = new();

    private static string FederationOf(TrainTask task) => Federation.Ledger.LedgerFormat.FederationOf(task.AdapterSpec, task.Backbone?.Digest ?? "");

    // q = 1 unless the policy trusts the coordinator's stated sampling rate (see PrivacyBudget.AmplifyBySampling).
    private static double SamplingRateOf(TrainTask task, PrivacyBudget budget) =>
        budget.AmplifyBySampling && task.SiteSamplingRate is > 0 and <= 1 ? task.SiteSamplingRate : 1.0;

    // Before fetching or training: would this round take the federation past the budget? Then decline with that code.
    private async Task<bool> OverBudgetAsync(TrainTask task, Func<CancellationToken, Task> rejoin, CancellationToken ct)
    {
        if (_policy.Budget is not { } budget || _policy.Privacy is not { } parameters) return false;
        var epsilon = Account.EpsilonIf(FederationOf(task), task.TaskId, SamplingRateOf(task, budget), parameters.NoiseMultiplier, budget.Delta);
        if (epsilon <= budget.MaxEpsilon) return false;
        var reason = DeclineReason.PrivacyBudgetExhausted;
        SiteLog.TaskDeclined(_log, "train", task.TaskId, task.Round, reason,
            $"{_policy.Explain(reason, task.Backbone?.Digest ?? "", task.AdapterSpec, 0)} (it would reach {epsilon:0.###} after {Account.Rounds(FederationOf(task)) + 1} rounds)");
        await DeclineAsync("train", task.TaskId, task.Round, reason, rejoin, ct).ConfigureAwait(false);
        return true;
    }

    private async Task PushAsync(ResultHeader header, ReadOnlyMemory<byte> payload, Func<CancellationToken, Task> rejoin, CancellationToken ct,
        LocalPrivacyApplied? privacy = null)
    {
        header.SessionId = _gateway.SessionId ?? "";
        Receipt receipt;
        try
        {
            receipt = await _gateway.PushResultAsync(header, payload, ct, privacy).ConfigureAwait(false);
        }
        catch (Exception e) when (TransientFailure.IsSessionLost(e))
        {
            // The result is already computed: a new session keeps it from being wasted (pushes are idempotent by task id).
            SiteLog.SessionLost(_log, FailureText.OneLine(e));
            await rejoin(ct).ConfigureAwait(false);
            header.SessionId = _gateway.SessionId ?? "";
            receipt = await _gateway.PushResultAsync(header, payload, ct, privacy).ConfigureAwait(false);
        }
        _receipts.Append(receipt);
        SiteLog.ReceiptKept(_log, receipt.TaskId, receipt.Round, receipt.Outcome.ToString(), receipt.Reason);
    }

    // What the trainer throws is about this site and this task, never about the coordinator: an IOException from a
    // read-only data folder must not pass for a transport failure and send the worker reconnecting.
    private static async Task<T> LocalWorkAsync<T>(Func<Task<T>> work, CancellationToken ct)
    {
        try
        {
            return await work().ConfigureAwait(false);
        }
        catch (Exception e) when (!ct.IsCancellationRequested && e is not (TaskNotFeasibleException or OperationCanceledException))
        {
            throw new TaskNotFeasibleException(TaskFailureClassifier.Classify(e), e.Message, e);
        }
    }

    private async Task GuardAsync(string taskId, int round, string kind, Func<CancellationToken, Task> rejoin, CancellationToken ct, Func<Task> work)
    {
        if (_failed.ReasonFor(taskId) is { } known)
        {
            // Offered again because the decline did not get through: answer at once, without redoing the work.
            await DeclineAsync(kind, taskId, round, known, rejoin, ct).ConfigureAwait(false);
            return;
        }
        SiteLog.TaskStarted(_log, kind, taskId, round);
        try
        {
            await work().ConfigureAwait(false);
        }
        catch (Exception) when (ct.IsCancellationRequested)
        {
            SiteLog.TaskAbandoned(_log, kind, taskId);
            throw;
        }
        catch (TaskDeclineUndeliveredException)
        {
            throw;
        }
        catch (Exception e) when (e is TaskNotFeasibleException || (!TransientFailure.IsTransient(e) && !TransientFailure.IsSessionLost(e)))
        {
            var reason = TaskFailureClassifier.Classify(e);
            SiteLog.TaskFailed(_log, kind, taskId, round, reason, e.Message);
            _failed.Remember(taskId, reason);
            await DeclineAsync(kind, taskId, round, reason, rejoin, ct).ConfigureAwait(false);
        }
    }

    // Tells the coordinator, once and with the code only, that this site will not answer the task, so the round goes on
    // without it instead of waiting out its timeout. A decline the door refuses (the ledger cannot record it) is not
    // retried here: the task stays in the failed set and the worker's next poll tries again after its pause.
    private async Task DeclineAsync(string kind, string taskId, int round, DeclineReason reason, Func<CancellationToken, Task> rejoin, CancellationToken ct)
    {
        var header = new ResultHeader { TaskId = taskId, Round = round, Declined = reason, PayloadEncoding = PayloadEncoding.None };
        try
        {
            await PushAsync(header, ReadOnlyMemory<byte>.Empty, rejoin, ct).ConfigureAwait(false);
            _failed.Forget(taskId);
        }
        catch (Exception e) when (!ct.IsCancellationRequested && !TransientFailure.IsTransient(e) && !TransientFailure.IsSessionLost(e))
        {
            SiteLog.DeclineNotSent(_log, kind, taskId, reason, FailureText.OneLine(e));
            throw new TaskDeclineUndeliveredException(taskId, e);
        }
    }
}

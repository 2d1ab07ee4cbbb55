using FedTransfer.Contracts.V1;
using FedTransfer.Federation.Updates;
using FedTransfer.Site.Artifacts;
using FedTransfer.Site.Egress;
using FedTransfer.Site.Results;
using FedTransfer.Site.Training;
using FedTransfer.Torch.Serialization;
using TensorSpec = FedTransfer.Torch.Serialization.TensorSpec;
using Microsoft.Extensions.Logging;

namespace FedTransfer.Site.Worker;

/// <summary>
/// Carries out one train or evaluate task: fetch the artifacts, run the local trainer, push the result through the
/// egress gateway and keep the receipt. A task that fails for its own reasons is logged and dropped (the coordinator
/// goes on without this site for the round); transport and session failures go up to the worker, which reconnects.
/// A cancelled task pushes nothing.
/// </summary>
internal sealed class SiteTaskRunner
{
    private readonly EgressGateway _gateway;
    private readonly ArtifactCache _cache;
    private readonly ILocalTrainer _trainer;
    private readonly ReceiptStore _receipts;
    private readonly ILogger _log;

    public SiteTaskRunner(EgressGateway gateway, ArtifactCache cache, ILocalTrainer trainer, ReceiptStore receipts, ILogger<SiteTaskRunner> log)
    {
        _gateway = gateway;
        _cache = cache;
        _trainer = trainer;
        _receipts = receipts;
        _log = log;
    }

    /// <summary>Trains and pushes the delta. <paramref name="rejoin"/> opens a new session when the coordinator lost ours mid-push.</summary>
    public Task RunTrainAsync(TrainTask task, Func<CancellationToken, Task> rejoin, CancellationToken ct) =>
        GuardAsync(task.TaskId, task.Round, "train", ct, async () =>
        {
            var trainable = EgressRules.ToTrainableSet(task.Trainable);
            var encoding = EgressRules.ToEncoding(task.UpdateEncoding);
            var backbone = await _cache.GetAsync(task.Backbone, ct).ConfigureAwait(false);
            var adapter = await _cache.GetAsync(task.GlobalAdapter, ct).ConfigureAwait(false);
            var hp = task.HyperParameters ?? new HyperParameters();
            var request = new LocalTrainRequest(backbone, adapter, task.AdapterSpec, task.TaskSpec,
                new LocalHyperParameters(hp.Epochs, hp.BatchSize, hp.LearningRate, hp.FedproxMu, hp.Seed),
                trainable.Tensors.Select(t => new TensorSpec(t.Name, t.DType, t.Shape)).ToList());
            var result = await _trainer.TrainAsync(request, ct).ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
            var header = new ResultHeader
            {
                TaskId = task.TaskId, Round = task.Round, ExampleCount = result.ExampleCount, PayloadEncoding = PayloadEncoding.Safetensors,
                UpdateEncoding = task.UpdateEncoding,
            };
            foreach (var (name, value) in result.Metrics) header.Metrics[name] = value;
            await PushAsync(header, DeltaCodec.Encode(result.Delta, encoding).Serialize(), rejoin, ct).ConfigureAwait(false);
        });

    /// <summary>Evaluates the global adapter on the validation split and pushes the metrics.</summary>
    public Task RunEvaluateAsync(EvaluateTask task, Func<CancellationToken, Task> rejoin, CancellationToken ct) =>
        GuardAsync(task.TaskId, task.Round, "evaluate", ct, async () =>
        {
            var backbone = await _cache.GetAsync(task.Backbone, ct).ConfigureAwait(false);
            var adapter = await _cache.GetAsync(task.GlobalAdapter, ct).ConfigureAwait(false);
            var evaluation = await _trainer.EvaluateAsync(
                new LocalEvaluateRequest(backbone, adapter, task.AdapterSpec, task.TaskSpec, Math.Max(1, task.BatchSize)), ct).ConfigureAwait(false);
            ct.ThrowIfCancellationRequested();
            var header = new ResultHeader
            {
                TaskId = task.TaskId, Round = task.Round, ExampleCount = evaluation.ExampleCount, PayloadEncoding = PayloadEncoding.None,
            };
            foreach (var (name, value) in evaluation.Metrics) header.Metrics[name] = value;
            await PushAsync(header, ReadOnlyMemory<byte>.Empty, rejoin, ct).ConfigureAwait(false);
        });

    private async Task PushAsync(ResultHeader header, ReadOnlyMemory<byte> payload, Func<CancellationToken, Task> rejoin, CancellationToken ct)
    {
        header.SessionId = _gateway.SessionId ?? "";
        Receipt receipt;
        try
        {
            receipt = await _gateway.PushResultAsync(header, payload, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (TransientFailure.IsSessionLost(e))
        {
            // The result is already computed: a new session keeps it from being wasted (pushes are idempotent by task id).
            SiteLog.SessionLost(_log, e.Message);
            await rejoin(ct).ConfigureAwait(false);
            header.SessionId = _gateway.SessionId ?? "";
            receipt = await _gateway.PushResultAsync(header, payload, ct).ConfigureAwait(false);
        }
        _receipts.Append(receipt);
        SiteLog.ReceiptKept(_log, receipt.TaskId, receipt.Round, receipt.Outcome.ToString(), receipt.Reason);
    }

    private async Task GuardAsync(string taskId, int round, string kind, CancellationToken ct, Func<Task> work)
    {
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
        catch (Exception e) when (!TransientFailure.IsTransient(e) && !TransientFailure.IsSessionLost(e))
        {
            SiteLog.TaskFailed(_log, kind, taskId, round, e.Message);
        }
    }
}

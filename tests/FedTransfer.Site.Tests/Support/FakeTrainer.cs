using FedTransfer.Site.Training;
using FedTransfer.Weights.Serialization;

namespace FedTransfer.Site.Tests.Support;

/// <summary>A trainer that returns a scripted delta, records its requests, and can block until cancelled.</summary>
internal sealed class FakeTrainer : ILocalTrainer
{
    public List<LocalTrainRequest> TrainRequests { get; } = [];
    public Func<IReadOnlyList<TensorRecord>> Delta { get; set; } = () => TestTasks.Delta();
    public Exception? Failure { get; set; }
    public bool BlockUntilCancelled { get; set; }
    public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public SiteCapabilities Describe() => new("cpu", "", 0, 2, 40, 10);

    public async Task<LocalTrainResult> TrainAsync(LocalTrainRequest request, CancellationToken ct)
    {
        TrainRequests.Add(request);
        Started.TrySetResult();
        if (BlockUntilCancelled) await Task.Delay(Timeout.Infinite, ct);
        if (Failure is not null) throw Failure;
        return new LocalTrainResult(Delta(), 40, new Dictionary<string, double> { ["train_loss"] = 0.5, ["val_accuracy"] = 0.75 });
    }

    public Task<LocalEvaluation> EvaluateAsync(LocalEvaluateRequest request, CancellationToken ct) =>
        Task.FromResult(new LocalEvaluation(10, new Dictionary<string, double> { ["val_loss"] = 0.4, ["val_accuracy"] = 0.8 }));
}

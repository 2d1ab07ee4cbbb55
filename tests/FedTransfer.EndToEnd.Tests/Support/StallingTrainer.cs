using FedTransfer.Site.Training;

namespace FedTransfer.EndToEnd.Tests.Support;

/// <summary>
/// A site's trainer that reports having taken its task and then never finishes, so a test can kill the site at a known
/// point: after the task was handed out, before any result was sent.
/// </summary>
internal sealed class StallingTrainer(long trainExamples) : ILocalTrainer
{
    private readonly TaskCompletionSource<LocalTrainRequest> _taken = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the first train task reached the trainer.</summary>
    public Task<LocalTrainRequest> Taken => _taken.Task;

    public SiteCapabilities Describe() => new("cpu", "", 0, 1, trainExamples, 10);

    public async Task<LocalTrainResult> TrainAsync(LocalTrainRequest request, CancellationToken ct)
    {
        _taken.TrySetResult(request);
        await Task.Delay(Timeout.Infinite, ct);
        throw new OperationCanceledException(ct);
    }

    public Task<LocalEvaluation> EvaluateAsync(LocalEvaluateRequest request, CancellationToken ct) =>
        Task.FromException<LocalEvaluation>(new InvalidOperationException("the stalling trainer does not evaluate"));
}

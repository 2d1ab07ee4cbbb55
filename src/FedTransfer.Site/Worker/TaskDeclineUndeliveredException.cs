namespace FedTransfer.Site.Worker;

/// <summary>
/// A task could not be done and its decline could not be sent either (the door refused it, for example because the
/// ledger could not record it). The worker pauses with backoff before polling again, so the site neither loops nor
/// sends anything it could not record.
/// </summary>
internal sealed class TaskDeclineUndeliveredException(string taskId, Exception inner)
    : Exception($"the decline of task {taskId} could not be sent: {inner.Message}", inner)
{
    public string TaskId { get; } = taskId;
}

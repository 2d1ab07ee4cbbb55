using FedTransfer.Contracts.V1;

namespace FedTransfer.Site.Training;

/// <summary>
/// The site cannot do a task, for a reason retrying will not change (labels that do not fit the head, a backbone it
/// cannot build, a loss that diverged). The task runner answers the task once with <see cref="Reason"/> instead of
/// training it again; the message stays at the site (log and ledger), only the code leaves.
/// </summary>
public sealed class TaskNotFeasibleException(DeclineReason reason, string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>The fixed code the coordinator is told.</summary>
    public DeclineReason Reason { get; } = reason;
}

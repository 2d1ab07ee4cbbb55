using FedTransfer.Contracts.V1;

namespace FedTransfer.Site.Worker;

/// <summary>
/// Tasks this site found it cannot do, with the code it declines them with, until the decline got through. A task
/// offered again (the decline was lost, or the ledger could not record it) is declined at once instead of being
/// trained again, which is what made a site retake an impossible task thousands of times. Bounded: the oldest entries
/// go first, and a forgotten task costs one more attempt, never a loop.
/// </summary>
internal sealed class FailedTasks
{
    private const int Capacity = 256;
    private readonly object _gate = new();
    private readonly Dictionary<string, DeclineReason> _reasons = new(StringComparer.Ordinal);
    private readonly Queue<string> _order = new();

    public void Remember(string taskId, DeclineReason reason)
    {
        lock (_gate)
        {
            if (_reasons.TryAdd(taskId, reason)) _order.Enqueue(taskId);
            while (_order.Count > Capacity) _reasons.Remove(_order.Dequeue());
        }
    }

    public DeclineReason? ReasonFor(string taskId)
    {
        lock (_gate) return _reasons.TryGetValue(taskId, out var reason) ? reason : null;
    }

    public void Forget(string taskId)
    {
        lock (_gate) _reasons.Remove(taskId);
    }
}

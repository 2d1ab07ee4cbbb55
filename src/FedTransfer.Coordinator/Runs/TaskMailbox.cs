using FedTransfer.Contracts.V1;

namespace FedTransfer.Coordinator.Runs;

/// <summary>
/// Tasks waiting for each site, and the long-polls waiting for tasks. A task stays offered until its result is recorded
/// or its round closes, so a site that restarted (or lost a PullTask answer) is handed the same task again; results
/// are idempotent by task id, so a repeat is harmless.
/// </summary>
internal sealed class TaskMailbox(TimeProvider clock)
{
    private readonly object _gate = new();
    private readonly Dictionary<string, List<(string TaskId, PullTaskResponse Task)>> _pending = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TaskCompletionSource> _waiters = new(StringComparer.Ordinal);

    /// <summary>Offers a task to a site (wakes its long-poll).</summary>
    public void Offer(string siteId, string taskId, PullTaskResponse task)
    {
        TaskCompletionSource? waiter;
        lock (_gate)
        {
            if (!_pending.TryGetValue(siteId, out var list)) _pending[siteId] = list = [];
            if (list.Any(p => p.TaskId == taskId)) return;
            list.Add((taskId, task));
            _waiters.Remove(siteId, out waiter);
        }
        waiter?.TrySetResult();
    }

    /// <summary>Stops offering a task (answered, or its round closed).</summary>
    public void Withdraw(string taskId)
    {
        lock (_gate)
        {
            foreach (var list in _pending.Values) list.RemoveAll(p => p.TaskId == taskId);
        }
    }

    /// <summary>Stops offering every task of a run (it was cancelled).</summary>
    public void WithdrawRun(string runId)
    {
        lock (_gate)
        {
            foreach (var list in _pending.Values) list.RemoveAll(p => (p.Task.Train?.RunId ?? p.Task.Evaluate?.RunId) == runId);
        }
    }

    /// <summary>Number of tasks offered to <paramref name="siteId"/>.</summary>
    public int PendingFor(string siteId)
    {
        lock (_gate) return _pending.TryGetValue(siteId, out var list) ? list.Count : 0;
    }

    /// <summary>The oldest task offered to the site, waiting up to <paramref name="maxWait"/> for one; null when none came.</summary>
    public async Task<PullTaskResponse?> TakeAsync(string siteId, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        var deadline = clock.GetUtcNow() + maxWait;
        while (true)
        {
            TaskCompletionSource waiter;
            lock (_gate)
            {
                if (_pending.TryGetValue(siteId, out var list) && list.Count > 0) return list[0].Task;
                if (!_waiters.TryGetValue(siteId, out waiter!))
                    _waiters[siteId] = waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
            var remaining = deadline - clock.GetUtcNow();
            if (remaining <= TimeSpan.Zero) return null;
            try
            {
                await waiter.Task.WaitAsync(remaining, clock, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                return null;
            }
        }
    }
}

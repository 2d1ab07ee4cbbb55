namespace FedTransfer.Coordinator;

/// <summary>One async lock per key (e.g. per task id), created on demand and dropped when nobody holds or waits for it.</summary>
internal sealed class KeyedLock
{
    private readonly Dictionary<string, (SemaphoreSlim Semaphore, int Users)> _locks = new(StringComparer.Ordinal);

    /// <summary>Waits for the lock of <paramref name="key"/>; dispose the result to release it.</summary>
    public async Task<IDisposable> AcquireAsync(string key, CancellationToken cancellationToken)
    {
        SemaphoreSlim semaphore;
        lock (_locks)
        {
            var entry = _locks.TryGetValue(key, out var e) ? e : (Semaphore: new SemaphoreSlim(1, 1), Users: 0);
            _locks[key] = (entry.Semaphore, entry.Users + 1);
            semaphore = entry.Semaphore;
        }
        try
        {
            await semaphore.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Leave(key);
            throw;
        }
        return new Releaser(this, key, semaphore);
    }

    private void Leave(string key)
    {
        lock (_locks)
        {
            var entry = _locks[key];
            if (entry.Users == 1) _locks.Remove(key);
            else _locks[key] = (entry.Semaphore, entry.Users - 1);
        }
    }

    private sealed class Releaser(KeyedLock owner, string key, SemaphoreSlim semaphore) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0) return;
            semaphore.Release();
            owner.Leave(key);
        }
    }
}

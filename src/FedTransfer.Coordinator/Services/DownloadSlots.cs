namespace FedTransfer.Coordinator;

/// <summary>
/// Bounds how many artifact downloads stream at once. Every download in flight holds up to a response buffer of sent-but-
/// not-yet-drained chunks in the server's memory pool, so at the start of a round, when every sampled site fetches the
/// new global adapter together, unbounded downloads cost one buffer per site. Waiting callers hold nothing: they have
/// not read a byte of the artifact yet. Throughput barely changes, since the sends share the same cores and link anyway.
/// </summary>
internal sealed class DownloadSlots(int slots)
{
    private readonly SemaphoreSlim _slots = new(slots, slots);

    /// <summary>Slots free right now (for tests and diagnostics).</summary>
    public int Available => _slots.CurrentCount;

    /// <summary>Runs <paramref name="send"/> once a slot is free; the slot is released when it ends, however it ends.</summary>
    public async Task RunAsync(Func<Task> send, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await send().ConfigureAwait(false);
        }
        finally
        {
            _slots.Release();
        }
    }
}

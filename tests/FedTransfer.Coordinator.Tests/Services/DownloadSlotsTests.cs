namespace FedTransfer.Coordinator.Tests.Services;

public class DownloadSlotsTests
{
    [Fact]
    public async Task RunAsync_MoreCallersThanSlots_AtMostSlotsRunAtOnce()
    {
        var slots = new DownloadSlots(2);
        var running = 0;
        var most = 0;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async Task Send()
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref most, now);
            await release.Task;
            Interlocked.Decrement(ref running);
        }

        var calls = Enumerable.Range(0, 5).Select(_ => slots.RunAsync(Send, CancellationToken.None)).ToArray();
        await WaitUntilAsync(() => Volatile.Read(ref running) == 2);
        var runningWhileFull = Volatile.Read(ref running);
        release.SetResult();
        await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(2, runningWhileFull);
        Assert.Equal(2, most);
        Assert.Equal(2, slots.Available);
    }

    [Fact]
    public async Task RunAsync_SendThrows_SlotIsReleased()
    {
        var slots = new DownloadSlots(1);

        await Assert.ThrowsAsync<IOException>(() => slots.RunAsync(() => throw new IOException("disk gone"), CancellationToken.None));
        var ran = false;
        await slots.RunAsync(() =>
        {
            ran = true;
            return Task.CompletedTask;
        }, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(ran);
        Assert.Equal(1, slots.Available);
    }

    [Fact]
    public async Task RunAsync_CancelledWhileWaiting_NeverRunsAndKeepsTheSlotCount()
    {
        var slots = new DownloadSlots(1);
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var holder = slots.RunAsync(() => hold.Task, CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var ran = false;

        var waiter = slots.RunAsync(() =>
        {
            ran = true;
            return Task.CompletedTask;
        }, cancel.Token);
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiter);
        hold.SetResult();
        await holder.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(ran);
        Assert.Equal(1, slots.Available);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the condition did not become true within 10 s");
            await Task.Delay(10);
        }
    }
}

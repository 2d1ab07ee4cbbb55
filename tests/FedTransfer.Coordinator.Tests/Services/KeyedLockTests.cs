namespace FedTransfer.Coordinator.Tests.Services;

public class KeyedLockTests
{
    [Fact]
    public async Task SameKey_IsExclusive_OtherKeysAreNot()
    {
        var locks = new KeyedLock();
        var held = await locks.AcquireAsync("t1", CancellationToken.None);

        var sameKey = locks.AcquireAsync("t1", CancellationToken.None);
        var otherKey = await locks.AcquireAsync("t2", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
        await Task.Delay(20);
        Assert.False(sameKey.IsCompleted);
        held.Dispose();
        var next = await sameKey.WaitAsync(TimeSpan.FromSeconds(5));

        next.Dispose();
        otherKey.Dispose();
    }

    [Fact]
    public async Task Cancelled_Wait_DoesNotBlockLaterUsers()
    {
        var locks = new KeyedLock();
        var held = await locks.AcquireAsync("t1", CancellationToken.None);
        using var cts = new CancellationTokenSource(10);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => locks.AcquireAsync("t1", cts.Token));
        held.Dispose();

        (await locks.AcquireAsync("t1", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
    }
}

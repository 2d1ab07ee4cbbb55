using FedTransfer.Contracts.V1;
using FedTransfer.Coordinator.Persistence;
using FedTransfer.Coordinator.Runs;
using FedTransfer.Coordinator.Tests.Support;

namespace FedTransfer.Coordinator.Tests.Runs;

public class RunEventHubTests
{
    [Fact]
    public void Publish_LogsWithSequence_AndDeliversToSubscribersOfThatRunOnly()
    {
        using var test = new TestDatabase();
        var hub = new RunEventHub(new EventStore(test.Db), TimeProvider.System);
        using var subscription = hub.Subscribe("run-1");
        using var other = hub.Subscribe("run-2");

        var published = hub.Publish("run-1", e => e.RunFailed = new RunFailed { Round = 2, Reason = "r" });

        Assert.Equal(1, published.Sequence);
        Assert.True(subscription.Reader.TryRead(out var live));
        Assert.Equal(published, live);
        Assert.False(other.Reader.TryRead(out _));
        Assert.Equal(published, Assert.Single(hub.Replay("run-1", 0)));
    }

    [Fact]
    public void Subscription_Disposed_StopsDelivery()
    {
        using var test = new TestDatabase();
        var hub = new RunEventHub(new EventStore(test.Db), TimeProvider.System);
        var subscription = hub.Subscribe("run-1");

        subscription.Dispose();
        hub.Publish("run-1", e => e.RunFinished = new RunFinished { CompletedRounds = 1 });

        Assert.False(subscription.Reader.TryRead(out _));
        Assert.True(subscription.Reader.Completion.IsCompleted);
    }
}

using FedTransfer.Coordinator.Persistence;
using FedTransfer.Coordinator.Tests.Support;

namespace FedTransfer.Coordinator.Tests.Persistence;

public class EventStoreTests
{
    [Fact]
    public void Append_NumbersPerRunFromOne_AndReplaysAfterASequence()
    {
        using var test = new TestDatabase();
        var events = new EventStore(test.Db);

        var sequences = Enumerable.Range(0, 3).Select(i => events.Append("run-1", i, seq => [(byte)seq])).ToArray();

        Assert.Equal([1L, 2L, 3L], sequences);
        Assert.Equal([(2L, new byte[] { 2 }), (3L, new byte[] { 3 })], events.After("run-1", 1).Select(e => (e.Sequence, e.Payload)));
    }

    [Fact]
    public void Append_AlongsideFails_NothingIsLogged()
    {
        using var test = new TestDatabase();
        var events = new EventStore(test.Db);

        Assert.Throws<InvalidOperationException>(() => events.Append("run-1", 1, _ => [1], (_, _) => throw new InvalidOperationException("state write failed")));

        Assert.Empty(events.After("run-1", 0));
    }
}

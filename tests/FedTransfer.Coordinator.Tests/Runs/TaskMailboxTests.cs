using FedTransfer.Contracts.V1;
using FedTransfer.Coordinator.Runs;

namespace FedTransfer.Coordinator.Tests.Runs;

public class TaskMailboxTests
{
    private static PullTaskResponse Task(string id) => new() { Train = new TrainTask { TaskId = id } };

    [Fact]
    public async Task Take_OfferedTask_ReturnsItUntilWithdrawn()
    {
        var mailbox = new TaskMailbox(TimeProvider.System);
        mailbox.Offer("a", "t1", Task("t1"));

        var first = await mailbox.TakeAsync("a", TimeSpan.Zero, CancellationToken.None);
        var again = await mailbox.TakeAsync("a", TimeSpan.Zero, CancellationToken.None);
        mailbox.Withdraw("t1");
        var none = await mailbox.TakeAsync("a", TimeSpan.Zero, CancellationToken.None);

        Assert.Equal("t1", first!.Train.TaskId);
        Assert.Equal("t1", again!.Train.TaskId);
        Assert.Null(none);
        Assert.Equal(0, mailbox.PendingFor("a"));
    }

    [Fact]
    public async Task Take_WaitingPoll_WakesWhenATaskIsOffered()
    {
        var mailbox = new TaskMailbox(TimeProvider.System);

        var waiting = mailbox.TakeAsync("a", TimeSpan.FromSeconds(30), CancellationToken.None);
        await System.Threading.Tasks.Task.Delay(50);
        Assert.False(waiting.IsCompleted);
        mailbox.Offer("a", "t1", Task("t1"));
        var task = await waiting.WaitAsync(TimeSpan.FromSeconds(5));

        Assert.Equal("t1", task!.Train.TaskId);
    }

    [Fact]
    public async Task Take_OtherSitesTasks_AreNotVisible()
    {
        var mailbox = new TaskMailbox(TimeProvider.System);
        mailbox.Offer("b", "t1", Task("t1"));

        Assert.Null(await mailbox.TakeAsync("a", TimeSpan.FromMilliseconds(20), CancellationToken.None));
    }

    [Fact]
    public async Task Take_Cancelled_Throws()
    {
        var mailbox = new TaskMailbox(TimeProvider.System);
        using var cts = new CancellationTokenSource(20);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => mailbox.TakeAsync("a", TimeSpan.FromSeconds(30), cts.Token));
    }

    [Fact]
    public void Offer_SameTaskTwice_QueuesItOnce()
    {
        var mailbox = new TaskMailbox(TimeProvider.System);

        mailbox.Offer("a", "t1", Task("t1"));
        mailbox.Offer("a", "t1", Task("t1"));

        Assert.Equal(1, mailbox.PendingFor("a"));
    }
}

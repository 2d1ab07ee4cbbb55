using FedTransfer.Coordinator.Persistence;
using FedTransfer.Coordinator.Tests.Support;

namespace FedTransfer.Coordinator.Tests.Persistence;

public class TaskStoreTests
{
    [Fact]
    public void InsertUpdate_SecondForSameTask_FirstStands()
    {
        using var test = new TestDatabase();
        new RunStore(test.Db).OpenRound(new RoundRow("run-1", 1, RowValues.Train, RowValues.Open, ["s"], "g", "", "{}", "", 1, 0),
            [new TaskRow("t1", "run-1", 1, RowValues.Train, "s", "{}", 1)]);
        var tasks = new TaskStore(test.Db);
        var first = new UpdateRow("t1", "run-1", 1, RowValues.Train, "s", "d1", 10, 5, "{}", RowValues.Accepted, "", 100);

        var stored = tasks.InsertUpdate(first);
        var second = tasks.InsertUpdate(first with { Digest = "d2", Outcome = RowValues.Rejected, ReceivedMs = 200 });

        Assert.Equal(first, stored);
        Assert.Equal(first, second);
        Assert.Equal(first, Assert.Single(tasks.UpdatesForRound("run-1", 1, RowValues.Train)));
        Assert.Equal("s", tasks.Find("t1")!.SiteId);
        Assert.Null(tasks.Find("nope"));
    }

    [Fact]
    public void InsertUpdate_UnknownTask_IsRefused()
    {
        using var test = new TestDatabase();

        Assert.ThrowsAny<Microsoft.Data.Sqlite.SqliteException>(() =>
            new TaskStore(test.Db).InsertUpdate(new UpdateRow("ghost", "run-1", 1, RowValues.Train, "s", "d", 1, 1, "{}", RowValues.Accepted, "", 1)));
    }
}

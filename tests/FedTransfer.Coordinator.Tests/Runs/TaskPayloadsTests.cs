using FedTransfer.Coordinator.Runs;
using FedTransfer.Federation.Strategies;

namespace FedTransfer.Coordinator.Tests.Runs;

public class TaskPayloadsTests
{
    [Fact]
    public void ConfigJson_RoundTrips()
    {
        var config = new TrainConfig(3, 64, 0.002, 0.01, 123456789012);

        Assert.Equal(config, TaskPayloads.ParseConfig(TaskPayloads.ConfigJson(config)));
    }

    [Fact]
    public void NewTaskId_IsUniqueAndPrefixed()
    {
        var ids = Enumerable.Range(0, 100).Select(_ => TaskPayloads.NewTaskId()).ToHashSet();

        Assert.Equal(100, ids.Count);
        Assert.All(ids, id => Assert.StartsWith("task-", id));
    }
}

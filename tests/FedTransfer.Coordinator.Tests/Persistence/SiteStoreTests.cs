using FedTransfer.Coordinator.Persistence;
using FedTransfer.Coordinator.Tests.Support;

namespace FedTransfer.Coordinator.Tests.Persistence;

public class SiteStoreTests
{
    [Fact]
    public void Upsert_Rejoin_ReplacesSessionAndCountsButKeepsJoinTime()
    {
        using var test = new TestDatabase();
        var sites = new SiteStore(test.Db);
        sites.Upsert(new SiteRow("s", "S", "1", "cpu", 10, 2, "old", 100, 100));

        sites.Upsert(new SiteRow("s", "S2", "2", "cuda:0", 20, 4, "new", 500, 500));
        sites.Touch("s", 900);

        var row = Assert.Single(sites.All());
        Assert.Equal(new SiteRow("s", "S2", "2", "cuda:0", 20, 4, "new", 100, 900), row);
    }
}

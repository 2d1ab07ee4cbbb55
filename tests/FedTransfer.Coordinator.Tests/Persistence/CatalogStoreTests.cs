using FedTransfer.Coordinator.Persistence;
using FedTransfer.Coordinator.Tests.Support;

namespace FedTransfer.Coordinator.Tests.Persistence;

public class CatalogStoreTests
{
    [Fact]
    public void AddFederation_ExistingName_ReturnsExisting()
    {
        using var test = new TestDatabase();
        var catalog = new CatalogStore(test.Db);

        var existing = catalog.AddFederation(new FederationRow("fed-2", "demo", "x", "y", "z", "w", 9));

        Assert.Equal("fed-1", existing.FederationId);
        Assert.Single(catalog.Federations());
        Assert.Equal("lora:r=4", catalog.FindFederation("fed-1")!.AdapterSpec);
    }

    [Fact]
    public void AddArtifact_KeepsFirstMetadata()
    {
        using var test = new TestDatabase();
        var catalog = new CatalogStore(test.Db);

        catalog.AddArtifact(new ArtifactRow("d", 10, "application/vnd.safetensors", "first", 1));
        catalog.AddArtifact(new ArtifactRow("d", 10, "application/octet-stream", "second", 2));

        Assert.Equal("first", catalog.FindArtifact("d")!.Name);
    }
}

using FedTransfer.Contracts.V1;
using FedTransfer.Coordinator.Artifacts;
using FedTransfer.Coordinator.Persistence;
using FedTransfer.Coordinator.Runs;
using FedTransfer.Coordinator.Tests.Support;
using Google.Protobuf;

namespace FedTransfer.Coordinator.Tests.Runs;

public class RunRegistryTests
{
    private static RunRegistry Registry(TestDatabase test, ArtifactStore store) => new(new RunStore(test.Db), new CatalogStore(test.Db), store);

    [Fact]
    public async Task Get_LoadsSettingsTrainableSetAndBackbone_Once()
    {
        using var test = new TestDatabase();
        var store = new ArtifactStore(Path.Combine(test.Directory, "artifacts"));
        var adapter = await store.PutAsync(Tensors.Bytes(Tensors.Random(1)));
        var backbone = await store.PutAsync(Tensors.Bytes(Tensors.Random(2)));
        new CatalogStore(test.Db).AddFederation(new FederationRow("fed-2", "other", backbone.Digest, "lora:r=4", "classify:classes=5", adapter.Digest, 1));
        var settings = new StartRunRequest
        {
            FederationId = "fed-2", Rounds = 3, MinSites = 1, RoundTimeoutSeconds = 5,
            HyperParameters = new HyperParameters { Epochs = 1, BatchSize = 4, LearningRate = 0.1 },
        };
        new RunStore(test.Db).Insert(new RunRow("run-2", "fed-2", RowValues.Running, settings.ToByteArray(), 0, adapter.Digest, "", 1), adapter.SizeBytes);
        var registry = Registry(test, store);

        var context = registry.Get("run-2");

        Assert.Same(context, registry.Get("run-2"));
        Assert.Equal(3, context.Settings.Rounds);
        Assert.Equal(4, context.Trainable.Count);
        Assert.Equal(backbone.Digest, context.Backbone.Digest);
        Assert.Equal("fedavg", context.Strategy.Name);
    }

    [Fact]
    public void Get_UnknownRun_Throws()
    {
        using var test = new TestDatabase();

        Assert.Throws<KeyNotFoundException>(() => Registry(test, new ArtifactStore(Path.Combine(test.Directory, "artifacts"))).Get("nope"));
    }

    [Fact]
    public void Get_UnreadableRun_ThrowsNamingTheRun()
    {
        using var test = new TestDatabase();

        // TestDatabase's run has settings bytes that are not a StartRunRequest and digests that were never stored.
        var e = Assert.Throws<InvalidOperationException>(() => Registry(test, new ArtifactStore(Path.Combine(test.Directory, "artifacts"))).Get("run-1"));

        Assert.StartsWith("run run-1 cannot be loaded:", e.Message);
    }
}

using FedTransfer.Contracts.V1;
using FedTransfer.EndToEnd.Tests.Support;
using FedTransfer.Weights;
using FedTransfer.Weights.Adapters;
using FedTransfer.Models.Data;
using FedTransfer.Models.NN;
using FedTransfer.Weights.Serialization;
using FedTransfer.Models.Training;

using static TorchSharp.torch;

namespace FedTransfer.EndToEnd.Tests;

/// <summary>The central team exports a run's model as one file (<c>fedtransfer export --merged</c>).</summary>
public sealed class MergedExportTests
{
    [Fact]
    public async Task MergedLoraExport_IsAPlainModelGivingTheAdaptedModelsLogits()
    {
        // Arrange: one federated round, then the merged export and the adapter it came from.
        await using var cluster = await Cluster.StartAsync([("clinic-a", 50), ("clinic-b", 90)]);
        var federation = await cluster.Admin.CreateFederationAsync(cluster.Files);
        var run = await cluster.Admin.StartRunAsync(federation.FederationId, rounds: 1, minSites: 2, roundTimeoutSeconds: 60);
        Assert.Equal(RunEvent.EventOneofCase.RunFinished, (await cluster.Admin.WatchAsync(run.RunId))[^1].EventCase);

        // Act
        var merged = await cluster.Admin.ExportAsync(run.RunId, ExportKind.Merged);
        var adapter = await cluster.Admin.ExportAsync(run.RunId, ExportKind.Adapter);

        // Assert: no adapter tensor left, and the un-adapted architecture (new 5-class head) loads it strictly.
        var mergedFile = SafeTensors.Read(await cluster.Admin.DownloadAsync(merged.Digest));
        Assert.DoesNotContain(mergedFile.Tensors, t => t.Name.Contains("lora", StringComparison.Ordinal));
        Assert.Equal("lora-folded", mergedFile.Metadata["fedtransfer.merge"]);
        var mergedPath = Path.Combine(cluster.Files.Backbone.Directory, "merged.safetensors");
        var adapterPath = Path.Combine(cluster.Files.Backbone.Directory, "final-adapter.safetensors");
        await File.WriteAllBytesAsync(mergedPath, await cluster.Admin.DownloadAsync(merged.Digest));
        await File.WriteAllBytesAsync(adapterPath, await cluster.Admin.DownloadAsync(adapter.Digest));
        var config = cluster.Files.Backbone.LoadConfig() with { Classes = 5 };
        using var plain = new VisionTransformer(config);
        ModelCheckpoint.LoadStateDict(plain, mergedPath);
        using var adapted = TransferModelFactory.Create(config, cluster.Files.Backbone.WeightsPath, TrainingMode.Lora, AdapterSpec.Parse(cluster.Files.AdapterSpecText), 5);
        ModelCheckpoint.LoadTrainable(adapted, adapterPath);
        var images = FashionMnist.Load(cluster.Files.SiteDataDirectories["clinic-a"], FashionMnistSplit.Train);
        var (want, got) = Logits(adapted, plain, images);
        Assert.Equal(want.Length, got.Length);
        Assert.All(want.Zip(got), p => Assert.True(Math.Abs(p.First - p.Second) <= 1e-4, $"merged logit {p.Second} vs adapted {p.First}"));
    }

    [Fact]
    public async Task MergedBottleneckExport_KeepsTheAdapterTensorsAndSaysTheyCannotBeFolded()
    {
        // Arrange
        await using var cluster = await Cluster.StartAsync([("clinic-a", 40)], adapterSpec: "bottleneck:reduction=4");
        var federation = await cluster.Admin.CreateFederationAsync(cluster.Files);
        var run = await cluster.Admin.StartRunAsync(federation.FederationId, rounds: 1, minSites: 1, roundTimeoutSeconds: 60);

        // Act
        var merged = await cluster.Admin.ExportAsync(run.RunId, ExportKind.Merged);

        // Assert
        var file = SafeTensors.Read(await cluster.Admin.DownloadAsync(merged.Digest));
        Assert.Equal("bottleneck-not-foldable", file.Metadata["fedtransfer.merge"]);
        var adapterNames = TinyVitFederation.Read(cluster.Files.InitialAdapterPath).Select(t => t.Name).ToList();
        Assert.Contains(adapterNames, n => n.Contains("adapter", StringComparison.Ordinal));
        Assert.All(adapterNames, n => Assert.True(file.Contains(n), $"merged file lacks '{n}'"));
        Assert.All(TinyVitFederation.Read(cluster.Files.Backbone.WeightsPath), t => Assert.True(file.Contains(t.Name), $"merged file lacks '{t.Name}'"));
    }

    private static (float[] Adapted, float[] Plain) Logits(nn.Module<Tensor, Tensor> adapted, nn.Module<Tensor, Tensor> plain, Dataset images)
    {
        adapted.eval();
        plain.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var (inputs, _) = images.TensorBatches(64, CPU).First();
        return (adapted.call(inputs).data<float>().ToArray(), plain.call(inputs).data<float>().ToArray());
    }
}

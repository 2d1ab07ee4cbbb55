using FedTransfer.Site.Tests.Support;
using FedTransfer.Site.Training;
using FedTransfer.Models.NN;
using FedTransfer.Models.Training;

namespace FedTransfer.Site.Tests.Training;

public sealed class SiteModelFactoryTests : IDisposable
{
    private static readonly VisionTransformerConfig TinyVit = new() { ImageSize = 8, PatchSize = 4, Dim = 8, Depth = 1, Heads = 2, Classes = 4 };
    private readonly TempDirectory _dir = new();

    [Fact]
    public void Create_MlpBackbone_InfersTheShapeAndTrainsOnlyLoraAndTheNewHead()
    {
        // Arrange
        using var fed = new TinyFederation();

        // Act
        using var model = SiteModelFactory.Create(fed.BackbonePath, "lora:r=2,targets=layers.*", new TaskSpec(5), null);

        // Assert
        var trainable = model.NamedTrainableParameters().Select(p => p.name).Order().ToList();
        Assert.Equal(["head.bias", "head.weight", "layers.0.lora_a", "layers.0.lora_b"], trainable);
        Assert.Equal([5L, 8L], model.named_parameters().Single(p => p.name == "head.weight").parameter.shape);
    }

    [Fact]
    public void Create_VitWithConfigInMetadata_BuildsTheArchitectureWithAdapters()
    {
        // Arrange
        var path = SaveVit(withMetadata: true);

        // Act
        using var model = SiteModelFactory.Create(path, "lora:r=2,targets=attn.qkv", new TaskSpec(3), null);

        // Assert
        var vit = Assert.IsType<VisionTransformer>(model);
        Assert.Equal(TinyVit.Dim, vit.Config.Dim);
        Assert.Equal(3, vit.Head.Classes);
        Assert.Contains(model.NamedTrainableParameters(), p => p.name == "blocks.0.attn.qkv.lora_a");
        Assert.DoesNotContain(model.NamedTrainableParameters(), p => p.name == "blocks.0.attn.qkv.weight");
    }

    [Theory]
    [InlineData("head-only", 2)]
    [InlineData("full", -1)]
    public void Create_VitHeadOnlyOrFull_TrainsTheHeadOrEverything(string spec, int expectedTrainable)
    {
        // Arrange
        var path = SaveVit(withMetadata: true);

        // Act
        using var model = SiteModelFactory.Create(path, spec, new TaskSpec(3), null);

        // Assert
        var trainable = model.NamedTrainableParameters().Select(p => p.name).ToList();
        Assert.Equal(expectedTrainable < 0 ? model.named_parameters().Count() : expectedTrainable, trainable.Count);
        Assert.Contains("head.weight", trainable);
    }

    [Fact]
    public void Create_VitWithoutMetadata_UsesTheConfiguredFileOrSaysToSetIt()
    {
        // Arrange
        var path = SaveVit(withMetadata: false);
        var configFile = _dir.Combine("config.json");
        TinyVit.Save(configFile);

        // Act
        var error = Assert.Throws<InvalidOperationException>(() => SiteModelFactory.Create(path, "bottleneck:reduction=2", new TaskSpec(3), null));
        using var model = SiteModelFactory.Create(path, "bottleneck:reduction=2", new TaskSpec(3), configFile);

        // Assert
        Assert.Contains("Site:BackboneConfigFile", error.Message);
        Assert.Contains(model.NamedTrainableParameters(), p => p.name.Contains("adapter", StringComparison.Ordinal));
    }

    [Fact]
    public void Create_UnknownArchitecture_SaysWhatItExpected()
    {
        // Arrange
        var path = _dir.Combine("odd.safetensors");
        FedTransfer.Weights.Serialization.SafeTensors.WriteFile(path, [FedTransfer.Weights.Serialization.TensorRecord.Create<float>("encoder.w", new float[4], 4)]);

        // Act
        var error = Assert.Throws<InvalidOperationException>(() => SiteModelFactory.Create(path, "lora:r=2", new TaskSpec(3), null));

        // Assert
        Assert.Contains("patch_embed.proj.weight", error.Message);
    }

    private string SaveVit(bool withMetadata)
    {
        var path = _dir.Combine(withMetadata ? "vit-meta.safetensors" : "vit.safetensors");
        using var vit = new VisionTransformer(TinyVit);
        ModelCheckpoint.SaveStateDict(vit, path, withMetadata ? new Dictionary<string, string> { [SiteModelFactory.VitConfigKey] = TinyVit.ToJson() } : null);
        return path;
    }

    public void Dispose() => _dir.Dispose();
}

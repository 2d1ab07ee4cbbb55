using FedTransfer.Models.Adapters;
using FedTransfer.Models.NN;
using FedTransfer.Models.Serialization;
using FedTransfer.Models.Tests.TestSupport;
using FedTransfer.Models.Training;
using FedTransfer.Weights.Adapters;
using FedTransfer.Weights.Serialization;
using static TorchSharp.torch;

namespace FedTransfer.Models.Tests.Training;

/// <summary>
/// Assets/legacy-backbone was written by `fedtransfer pretrain` of the libtorch-1.13 binding this project had before
/// TorchSharp (commit 4b9edea): such backbones load unchanged, names, metadata and all.
/// </summary>
public sealed class LegacyBackboneTests
{
    private static BackboneFiles Legacy => new(Path.Combine(AppContext.BaseDirectory, "Assets", "legacy-backbone"));

    [Fact]
    public void Load_BackboneFromTheOldBinding_LoadsStrictly_AndKeepsItsMetadata()
    {
        using var model = Legacy.Load();

        var metadata = SafeTensors.ReadHeaderFile(Legacy.WeightsPath).Metadata;

        Assert.Equal(16, model.Config.Dim);
        Assert.Equal("backbone", metadata["fedtransfer.kind"]);
        Assert.Equal(model.Config, VisionTransformerConfig.FromJson(metadata["fedtransfer.config"]));
    }

    [Fact]
    public void Create_LoraOnTheOldBackbone_TrainsOnlyAdaptersAndHead()
    {
        using var model = TransferModelFactory.Create(Legacy.LoadConfig(), Legacy.WeightsPath, TrainingMode.Lora, AdapterSpec.Parse("lora:r=2,targets=attn.qkv"), classes: 3);

        var trainable = model.NamedTrainableParameters().Select(p => p.name).Order().ToArray();

        Assert.Equal(["blocks.0.attn.qkv.lora_a", "blocks.0.attn.qkv.lora_b", "head.bias", "head.weight"], trainable);
    }

    [TorchPythonFact]
    public void Forward_OldBackbone_MatchesPyTorchOnTheSameFile()
    {
        using var model = Legacy.Load();
        model.eval();
        using var scope = NewDisposeScope();
        Engine.Seed(5);
        var images = randn(3, 1, 28, 28);
        var labels = tensor(new[] { 0L, 1L, 4L });

        var ours = model.call(images);
        var reference = ReferenceVit.Run(model, "none", images, labels);

        Assert.True(TestTensors.MaxAbsDiff(ours, reference["logits"].ToTensor()) < 1e-4);
    }
}

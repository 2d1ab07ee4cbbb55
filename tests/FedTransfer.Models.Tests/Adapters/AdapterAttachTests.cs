using FedTransfer.Models.Serialization;
using FedTransfer.Models.Adapters;
using FedTransfer.Weights.Adapters;
using FedTransfer.Models.NN;
using FedTransfer.Models.Tests.TestSupport;
using FedTransfer.Models.Training;

using TorchSharp;
using static TorchSharp.torch;

namespace FedTransfer.Models.Tests.Adapters;

public sealed class AdapterAttachTests
{
    [Fact]
    public void Attach_Lora_OnlyFactorsAndHeadAreTrainable()
    {
        using var model = new VisionTransformer(TestTensors.TinyVit);

        var adapted = AdapterAttach.Attach(model, AdapterSpec.Parse("lora:r=2,alpha=4,targets=attn.qkv"));

        Assert.Equal(["blocks.0.attn.qkv", "blocks.1.attn.qkv"], adapted);
        Assert.Equal(["blocks.0.attn.qkv.lora_a", "blocks.0.attn.qkv.lora_b", "blocks.1.attn.qkv.lora_a", "blocks.1.attn.qkv.lora_b", "head.weight", "head.bias"],
            model.NamedTrainableParameters().Select(p => p.name));
        Assert.Contains("blocks.0.attn.qkv.weight", model.state_dict().Keys);
    }

    [Fact]
    public void Attach_LoraFrozenA_TrainsOnlyBAndHeadWithSeededA()
    {
        Engine.Seed(1);
        using var first = new VisionTransformer(TestTensors.TinyVit);
        Engine.Seed(2); // a different libtorch seed must not change the frozen A: it comes from a_seed alone
        using var second = new VisionTransformer(TestTensors.TinyVit);
        var spec = AdapterSpec.Parse("lora:r=2,alpha=4,targets=attn.qkv,agg=frozen-a,a_seed=7");

        AdapterAttach.Attach(first, spec);
        AdapterAttach.Attach(second, spec);

        Assert.Equal(["blocks.0.attn.qkv.lora_b", "blocks.1.attn.qkv.lora_b", "head.weight", "head.bias"],
            first.NamedTrainableParameters().Select(p => p.name));
        var a0 = first.state_dict()["blocks.0.attn.qkv.lora_a"].data<float>().ToArray();
        Assert.Equal(a0, second.state_dict()["blocks.0.attn.qkv.lora_a"].data<float>().ToArray());
        Assert.Equal(FrozenLoraInit.Values(7, "blocks.0.attn.qkv", 2, TestTensors.TinyVit.Dim), a0);
        Assert.NotEqual(a0, first.state_dict()["blocks.1.attn.qkv.lora_a"].data<float>().ToArray());
    }

    [Fact]
    public void Attach_Bottleneck_AddsTwoAdaptersPerBlockAndFreezesTheRest()
    {
        using var model = new VisionTransformer(TestTensors.TinyVit);

        AdapterAttach.Attach(model, AdapterSpec.Parse("bottleneck:reduction=4"));

        var trainable = model.NamedTrainableParameters().Select(p => p.name).ToArray();
        Assert.Contains("blocks.0.adapter_attn.down.weight", trainable);
        Assert.Contains("blocks.1.adapter_mlp.up.bias", trainable);
        Assert.Equal(2 * 2 * 4 + 2, trainable.Length);
    }

    [Fact]
    public void Attach_HeadOnly_OnlyTheHeadIsTrainable()
    {
        using var model = new VisionTransformer(TestTensors.TinyVit);

        var adapted = AdapterAttach.Attach(model, AdapterSpec.Parse("head-only"));

        Assert.Empty(adapted);
        Assert.Equal(["head.weight", "head.bias"], model.NamedTrainableParameters().Select(p => p.name));
    }

    [Fact]
    public void Attach_Full_EveryParameterIsTrainable()
    {
        using var model = new VisionTransformer(TestTensors.TinyVit);
        model.SetRequiresGrad(false);

        AdapterAttach.Attach(model, AdapterSpec.Parse("full"));

        Assert.Equal(model.named_parameters().Select(p => p.name), model.NamedTrainableParameters().Select(p => p.name));
    }

    [Fact]
    public void Attach_LoraTargetsMatchingNothing_ListsTheLinearLayers()
    {
        using var model = new VisionTransformer(TestTensors.TinyVit);

        var error = Assert.Throws<ArgumentException>(() => AdapterAttach.Attach(model, AdapterSpec.Parse("lora:r=2,targets=attn.query")));

        Assert.Contains("attn.query", error.Message);
        Assert.Contains("blocks.0.attn.qkv", error.Message);
    }

    [Fact]
    public void Attach_BottleneckOnModelWithoutBlocks_Throws()
    {
        using var model = new MlpBackbone(4, [8], 2);

        Assert.Throws<ArgumentException>(() => AdapterAttach.Attach(model, new BottleneckSpec(4)));
    }

    [Theory]
    [InlineData("lora:r=4,alpha=8,targets=attn.qkv|attn.proj|mlp.fc1|mlp.fc2")]
    [InlineData("bottleneck:reduction=2")]
    public void Attach_FreshAdapters_ModelComputesWhatTheBaseComputes(string spec)
    {
        Engine.Seed(40);
        using var model = new VisionTransformer(TestTensors.TinyVit);
        model.eval();
        using var scope = NewDisposeScope();
        var images = randn(4, 1, 8, 8);
        var before = model.call(images);

        AdapterAttach.Attach(model, AdapterSpec.Parse(spec));
        var after = model.call(images);

        Assert.True(TestTensors.MaxAbsDiff(before, after) <= 1e-6);
    }

    [Fact]
    public void Training_AfterAttach_KeepsBackboneBitIdentical()
    {
        Engine.Seed(41);
        using var model = new VisionTransformer(TestTensors.TinyVit);
        AdapterAttach.Attach(model, AdapterSpec.Parse("lora:r=2,alpha=4,dropout=0.1,targets=attn.qkv|mlp.fc2"));
        var frozen = model.named_parameters().Where(p => !p.parameter.requires_grad).ToList();
        var backbone = TestTensors.Snapshot(frozen);
        var adapters = TestTensors.Snapshot(model.NamedTrainableParameters());
        using var trainer = new Trainer(model, new TrainerOptions { LearningRate = 1e-2 });
        using var images = randn(8, 1, 8, 8);
        using var labels = tensor(new[] { 0L, 1L, 2L, 0L, 1L, 2L, 0L, 1L }, [8]);

        for (var step = 0; step < 10; step++)
            trainer.Step(images, labels);

        Assert.All(frozen, p => Assert.Equal(backbone[p.name], p.parameter.data<float>().ToArray()));
        Assert.NotEqual(adapters["blocks.0.attn.qkv.lora_b"], model.state_dict()["blocks.0.attn.qkv.lora_b"].data<float>().ToArray());
        Assert.NotEqual(adapters["head.weight"], model.state_dict()["head.weight"].data<float>().ToArray());
    }

    [Fact]
    public void MergeLora_TrainedModel_ComputesTheSameLogitsWithPlainLinears()
    {
        Engine.Seed(42);
        using var model = new VisionTransformer(TestTensors.TinyVit);
        AdapterAttach.Attach(model, AdapterSpec.Parse("lora:r=2,alpha=4,targets=attn.qkv|attn.proj"));
        TestTensors.Randomize(model, 0.3);
        model.eval();
        using var scope = NewDisposeScope();
        var images = randn(4, 1, 8, 8);
        var adapted = model.call(images);

        var merged = AdapterAttach.MergeLora(model);
        var result = model.call(images);

        Assert.Equal(4, merged);
        Assert.True(TestTensors.MaxAbsDiff(adapted, result) < 1e-5);
        Assert.DoesNotContain(model.state_dict().Keys, k => k.Contains("lora_"));
    }
}

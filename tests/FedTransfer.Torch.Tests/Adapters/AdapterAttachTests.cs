using FedTransfer.Torch.Adapters;
using FedTransfer.Torch.NN;
using FedTransfer.Torch.Tests.TestSupport;
using FedTransfer.Torch.Training;

namespace FedTransfer.Torch.Tests.Adapters;

public sealed class AdapterAttachTests
{
    [Fact]
    public void Attach_Lora_OnlyFactorsAndHeadAreTrainable()
    {
        using var model = new VisionTransformer(TestTensors.TinyVit);

        var adapted = AdapterAttach.Attach(model, AdapterSpec.Parse("lora:r=2,alpha=4,targets=attn.qkv"));

        Assert.Equal(["blocks.0.attn.qkv", "blocks.1.attn.qkv"], adapted);
        Assert.Equal(["blocks.0.attn.qkv.lora_a", "blocks.0.attn.qkv.lora_b", "blocks.1.attn.qkv.lora_a", "blocks.1.attn.qkv.lora_b", "head.weight", "head.bias"],
            model.NamedTrainableParameters().Select(p => p.Name));
        Assert.Contains("blocks.0.attn.qkv.weight", model.StateDict().Keys);
    }

    [Fact]
    public void Attach_LoraFrozenA_TrainsOnlyBAndHeadWithSeededA()
    {
        Torch.ManualSeed(1);
        using var first = new VisionTransformer(TestTensors.TinyVit);
        Torch.ManualSeed(2); // a different libtorch seed must not change the frozen A: it comes from a_seed alone
        using var second = new VisionTransformer(TestTensors.TinyVit);
        var spec = AdapterSpec.Parse("lora:r=2,alpha=4,targets=attn.qkv,agg=frozen-a,a_seed=7");

        AdapterAttach.Attach(first, spec);
        AdapterAttach.Attach(second, spec);

        Assert.Equal(["blocks.0.attn.qkv.lora_b", "blocks.1.attn.qkv.lora_b", "head.weight", "head.bias"],
            first.NamedTrainableParameters().Select(p => p.Name));
        var a0 = first.StateDict()["blocks.0.attn.qkv.lora_a"].ToArray<float>();
        Assert.Equal(a0, second.StateDict()["blocks.0.attn.qkv.lora_a"].ToArray<float>());
        Assert.Equal(FrozenLoraInit.Values(7, "blocks.0.attn.qkv", 2, TestTensors.TinyVit.Dim), a0);
        Assert.NotEqual(a0, first.StateDict()["blocks.1.attn.qkv.lora_a"].ToArray<float>());
    }

    [Fact]
    public void Attach_Bottleneck_AddsTwoAdaptersPerBlockAndFreezesTheRest()
    {
        using var model = new VisionTransformer(TestTensors.TinyVit);

        AdapterAttach.Attach(model, AdapterSpec.Parse("bottleneck:reduction=4"));

        var trainable = model.NamedTrainableParameters().Select(p => p.Name).ToArray();
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
        Assert.Equal(["head.weight", "head.bias"], model.NamedTrainableParameters().Select(p => p.Name));
    }

    [Fact]
    public void Attach_Full_EveryParameterIsTrainable()
    {
        using var model = new VisionTransformer(TestTensors.TinyVit);
        model.SetRequiresGrad(false);

        AdapterAttach.Attach(model, AdapterSpec.Parse("full"));

        Assert.Equal(model.NamedParameters().Select(p => p.Name), model.NamedTrainableParameters().Select(p => p.Name));
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
        Torch.ManualSeed(40);
        using var model = new VisionTransformer(TestTensors.TinyVit);
        model.Eval();
        using var scope = Torch.NewDisposeScope();
        var images = Tensor.Randn([4, 1, 8, 8]);
        var before = model.Forward(images);

        AdapterAttach.Attach(model, AdapterSpec.Parse(spec));
        var after = model.Forward(images);

        Assert.True(TestTensors.MaxAbsDiff(before, after) <= 1e-6);
    }

    [Fact]
    public void Training_AfterAttach_KeepsBackboneBitIdentical()
    {
        Torch.ManualSeed(41);
        using var model = new VisionTransformer(TestTensors.TinyVit);
        AdapterAttach.Attach(model, AdapterSpec.Parse("lora:r=2,alpha=4,dropout=0.1,targets=attn.qkv|mlp.fc2"));
        var frozen = model.NamedParameters().Where(p => !p.Tensor.RequiresGrad).ToList();
        var backbone = TestTensors.Snapshot(frozen);
        var adapters = TestTensors.Snapshot(model.NamedTrainableParameters());
        using var trainer = new Trainer(model, new TrainerOptions { LearningRate = 1e-2 });
        using var images = Tensor.Randn([8, 1, 8, 8]);
        using var labels = Tensor.From([0L, 1L, 2L, 0L, 1L, 2L, 0L, 1L], 8);

        for (var step = 0; step < 10; step++)
            trainer.Step(images, labels);

        Assert.All(frozen, p => Assert.Equal(backbone[p.Name], p.Tensor.ToArray<float>()));
        Assert.NotEqual(adapters["blocks.0.attn.qkv.lora_b"], model.StateDict()["blocks.0.attn.qkv.lora_b"].ToArray<float>());
        Assert.NotEqual(adapters["head.weight"], model.StateDict()["head.weight"].ToArray<float>());
    }

    [Fact]
    public void MergeLora_TrainedModel_ComputesTheSameLogitsWithPlainLinears()
    {
        Torch.ManualSeed(42);
        using var model = new VisionTransformer(TestTensors.TinyVit);
        AdapterAttach.Attach(model, AdapterSpec.Parse("lora:r=2,alpha=4,targets=attn.qkv|attn.proj"));
        TestTensors.Randomize(model, 0.3);
        model.Eval();
        using var scope = Torch.NewDisposeScope();
        var images = Tensor.Randn([4, 1, 8, 8]);
        var adapted = model.Forward(images);

        var merged = AdapterAttach.MergeLora(model);
        var result = model.Forward(images);

        Assert.Equal(4, merged);
        Assert.True(TestTensors.MaxAbsDiff(adapted, result) < 1e-5);
        Assert.DoesNotContain(model.StateDict().Keys, k => k.Contains("lora_"));
    }
}

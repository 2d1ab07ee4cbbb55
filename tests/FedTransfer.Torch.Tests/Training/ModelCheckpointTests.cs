using FedTransfer.Torch.Adapters;
using FedTransfer.Torch.NN;
using FedTransfer.Torch.Serialization;
using FedTransfer.Torch.Tests.TestSupport;
using FedTransfer.Torch.Training;

namespace FedTransfer.Torch.Tests.Training;

public sealed class ModelCheckpointTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fedtransfer-checkpoint-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string PathOf(string name) => Path.Combine(_dir.FullName, name);

    [Fact]
    public void SaveStateDict_LoadStateDict_RestoresEveryTensor()
    {
        Torch.ManualSeed(60);
        using var source = new VisionTransformer(TestTensors.TinyVit);
        using var target = new VisionTransformer(TestTensors.TinyVit);

        ModelCheckpoint.SaveStateDict(source, PathOf("b.safetensors"), new Dictionary<string, string> { ["kind"] = "vit" });
        var metadata = ModelCheckpoint.LoadStateDict(target, PathOf("b.safetensors"));

        Assert.Equal("vit", metadata["kind"]);
        foreach (var (name, tensor) in source.StateDict())
            Assert.Equal(tensor.ToArray<float>(), target.StateDict()[name].ToArray<float>());
    }

    [Fact]
    public void SaveTrainable_WritesOnlyAdapterAndHeadTensors()
    {
        using var model = new VisionTransformer(TestTensors.TinyVit);
        AdapterAttach.Attach(model, AdapterSpec.Parse("lora:r=2,alpha=4"));

        ModelCheckpoint.SaveTrainable(model, PathOf("a.safetensors"));

        var names = SafeTensors.ReadFile(PathOf("a.safetensors")).Tensors.Select(t => t.Name).Order().ToArray();
        Assert.Equal(["blocks.0.attn.qkv.lora_a", "blocks.0.attn.qkv.lora_b", "blocks.1.attn.qkv.lora_a", "blocks.1.attn.qkv.lora_b", "head.bias", "head.weight"], names);
    }

    [Fact]
    public void LoadTrainable_RoundTrip_RestoresAdaptersAndLeavesBackbone()
    {
        Torch.ManualSeed(61);
        using var source = new VisionTransformer(TestTensors.TinyVit);
        AdapterAttach.Attach(source, AdapterSpec.Parse("lora:r=2,alpha=4"));
        TestTensors.Randomize(source);
        using var target = new VisionTransformer(TestTensors.TinyVit);
        AdapterAttach.Attach(target, AdapterSpec.Parse("lora:r=2,alpha=4"));
        var backbone = target.StateDict()["blocks.0.attn.qkv.weight"].ToArray<float>();

        ModelCheckpoint.SaveTrainable(source, PathOf("a.safetensors"));
        ModelCheckpoint.LoadTrainable(target, PathOf("a.safetensors"));

        Assert.Equal(source.StateDict()["blocks.1.attn.qkv.lora_b"].ToArray<float>(), target.StateDict()["blocks.1.attn.qkv.lora_b"].ToArray<float>());
        Assert.Equal(backbone, target.StateDict()["blocks.0.attn.qkv.weight"].ToArray<float>());
    }

    [Fact]
    public void LoadTrainable_FileFromOtherSpec_NamesMissingTensorAndChangesNothing()
    {
        using var source = new VisionTransformer(TestTensors.TinyVit);
        AdapterAttach.Attach(source, AdapterSpec.Parse("lora:r=2,alpha=4,targets=attn.proj"));
        using var target = new VisionTransformer(TestTensors.TinyVit);
        AdapterAttach.Attach(target, AdapterSpec.Parse("lora:r=2,alpha=4,targets=attn.qkv"));
        var head = target.StateDict()["head.weight"].ToArray<float>();
        ModelCheckpoint.SaveTrainable(source, PathOf("a.safetensors"));

        var error = Assert.Throws<StateDictException>(() => ModelCheckpoint.LoadTrainable(target, PathOf("a.safetensors")));

        Assert.Equal("blocks.0.attn.qkv.lora_a", error.TensorName);
        Assert.Equal(head, target.StateDict()["head.weight"].ToArray<float>());
    }

    [Fact]
    public void LoadTrainable_ExtraTensor_NamesIt()
    {
        using var source = new VisionTransformer(TestTensors.TinyVit);
        AdapterAttach.Attach(source, AdapterSpec.Parse("lora:r=2,alpha=4,targets=attn.qkv|attn.proj"));
        using var target = new VisionTransformer(TestTensors.TinyVit);
        AdapterAttach.Attach(target, AdapterSpec.Parse("lora:r=2,alpha=4,targets=attn.qkv"));
        ModelCheckpoint.SaveTrainable(source, PathOf("a.safetensors"));

        var error = Assert.Throws<StateDictException>(() => ModelCheckpoint.LoadTrainable(target, PathOf("a.safetensors")));

        Assert.Equal("blocks.0.attn.proj.lora_a", error.TensorName);
    }

    [Fact]
    public void LoadStateDict_ConfigMismatch_NamesTensorWithShapes()
    {
        using var source = new VisionTransformer(TestTensors.TinyVit with { Classes = 5 });
        using var target = new VisionTransformer(TestTensors.TinyVit);
        ModelCheckpoint.SaveStateDict(source, PathOf("b.safetensors"));

        var error = Assert.Throws<StateDictException>(() => ModelCheckpoint.LoadStateDict(target, PathOf("b.safetensors")));

        Assert.Equal("head.weight", error.TensorName);
        Assert.Contains("[5, 16]", error.Message);
    }
}

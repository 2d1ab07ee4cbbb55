using FedTransfer.Models.Serialization;
using FedTransfer.Models.Adapters;
using FedTransfer.Weights.Adapters;
using FedTransfer.Models.NN;
using FedTransfer.Weights.Serialization;
using FedTransfer.Models.Tests.TestSupport;
using FedTransfer.Models.Training;

using TorchSharp;
using static TorchSharp.torch;

namespace FedTransfer.Models.Tests.Training;

public sealed class ModelCheckpointTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fedtransfer-checkpoint-");

    public void Dispose() => _dir.Delete(recursive: true);

    private string PathOf(string name) => Path.Combine(_dir.FullName, name);

    [Fact]
    public void SaveStateDict_LoadStateDict_RestoresEveryTensor()
    {
        Engine.Seed(60);
        using var source = new VisionTransformer(TestTensors.TinyVit);
        using var target = new VisionTransformer(TestTensors.TinyVit);

        ModelCheckpoint.SaveStateDict(source, PathOf("b.safetensors"), new Dictionary<string, string> { ["kind"] = "vit" });
        var metadata = ModelCheckpoint.LoadStateDict(target, PathOf("b.safetensors"));

        Assert.Equal("vit", metadata["kind"]);
        foreach (var (name, tensor) in source.state_dict())
            Assert.Equal(tensor.data<float>().ToArray(), target.state_dict()[name].data<float>().ToArray());
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
        Engine.Seed(61);
        using var source = new VisionTransformer(TestTensors.TinyVit);
        AdapterAttach.Attach(source, AdapterSpec.Parse("lora:r=2,alpha=4"));
        TestTensors.Randomize(source);
        using var target = new VisionTransformer(TestTensors.TinyVit);
        AdapterAttach.Attach(target, AdapterSpec.Parse("lora:r=2,alpha=4"));
        var backbone = target.state_dict()["blocks.0.attn.qkv.weight"].data<float>().ToArray();

        ModelCheckpoint.SaveTrainable(source, PathOf("a.safetensors"));
        ModelCheckpoint.LoadTrainable(target, PathOf("a.safetensors"));

        Assert.Equal(source.state_dict()["blocks.1.attn.qkv.lora_b"].data<float>().ToArray(), target.state_dict()["blocks.1.attn.qkv.lora_b"].data<float>().ToArray());
        Assert.Equal(backbone, target.state_dict()["blocks.0.attn.qkv.weight"].data<float>().ToArray());
    }

    [Fact]
    public void LoadTrainable_FileFromOtherSpec_NamesMissingTensorAndChangesNothing()
    {
        using var source = new VisionTransformer(TestTensors.TinyVit);
        AdapterAttach.Attach(source, AdapterSpec.Parse("lora:r=2,alpha=4,targets=attn.proj"));
        using var target = new VisionTransformer(TestTensors.TinyVit);
        AdapterAttach.Attach(target, AdapterSpec.Parse("lora:r=2,alpha=4,targets=attn.qkv"));
        var head = target.state_dict()["head.weight"].data<float>().ToArray();
        ModelCheckpoint.SaveTrainable(source, PathOf("a.safetensors"));

        var error = Assert.Throws<StateDictException>(() => ModelCheckpoint.LoadTrainable(target, PathOf("a.safetensors")));

        Assert.Equal("blocks.0.attn.qkv.lora_a", error.TensorName);
        Assert.Equal(head, target.state_dict()["head.weight"].data<float>().ToArray());
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

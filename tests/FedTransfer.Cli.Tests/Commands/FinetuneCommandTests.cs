using System.Text.Json;
using FedTransfer.Cli.Tests.TestSupport;
using FedTransfer.Models.NN;
using FedTransfer.Weights.Serialization;
using FedTransfer.Models.Training;

namespace FedTransfer.Cli.Tests.Commands;

[Collection(CliCollection.Name)]
public sealed class FinetuneCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fedtransfer-finetune-");
    private readonly string _backbone;

    public FinetuneCommandTests()
    {
        _backbone = Path.Combine(_dir.FullName, "backbone");
        FedTransfer.Models.Engine.Seed(1);
        using var model = new VisionTransformer(new VisionTransformerConfig { Dim = 16, Depth = 1, Heads = 2 });
        new BackboneFiles(_backbone).Save(model);
    }

    public void Dispose() => _dir.Delete(recursive: true);

    private Task<(int ExitCode, string Output)> Finetune(params string[] extra) =>
        CliRun.InvokeAsync(["finetune", "--backbone", _backbone, "--train-size", "64", "--eval-size", "64", "--epochs", "1", "--threads", "1", "--device", "cpu", .. extra]);

    [FashionMnistFact]
    public async Task Finetune_Lora_WritesOnlyAdapterAndHeadTensorsAndSummary()
    {
        var output = Path.Combine(_dir.FullName, "lora");

        var (code, text) = await Finetune("--mode", "lora", "--adapter", "lora:r=2,alpha=4,targets=attn.qkv", "--out", output);

        Assert.True(code == 0, text);
        var tensors = SafeTensors.ReadFile(Path.Combine(output, "adapter.safetensors"));
        Assert.Equal(["blocks.0.attn.qkv.lora_a", "blocks.0.attn.qkv.lora_b", "head.bias", "head.weight"], tensors.Tensors.Select(t => t.Name).Order());
        Assert.Equal("lora:r=2,alpha=4,targets=attn.qkv", tensors.Metadata["fedtransfer.adapter"]);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "finetune.json")));
        Assert.InRange(summary.RootElement.GetProperty("test_accuracy").GetDouble(), 0, 1);
        Assert.Equal(64, summary.RootElement.GetProperty("train_images").GetInt32());
    }

    [FashionMnistFact]
    public async Task Finetune_Scratch_WritesTheWholeModel()
    {
        var output = Path.Combine(_dir.FullName, "scratch");

        var (code, text) = await Finetune("--mode", "scratch", "--out", output);

        Assert.True(code == 0, text);
        var tensors = SafeTensors.ReadFile(Path.Combine(output, "model.safetensors"));
        Assert.Contains("patch_embed.proj.weight", tensors.Tensors.Select(t => t.Name));
    }

    [Fact]
    public async Task Finetune_BadAdapterKey_FailsNamingTheKey()
    {
        var (code, text) = await Finetune("--adapter", "lora:r=8,alhpa=16");

        Assert.Equal(1, code);
        Assert.Contains("unknown key 'alhpa'", text);
    }

    [Fact]
    public async Task Finetune_AdapterOfTheOtherKind_SaysToChangeMode()
    {
        var (code, text) = await Finetune("--mode", "bottleneck", "--adapter", "lora:r=2");

        Assert.Equal(1, code);
        Assert.Contains("--mode", text);
    }

    [Fact]
    public async Task Finetune_MissingBackbone_SaysToRunPretrain()
    {
        var (code, text) = await CliRun.InvokeAsync("finetune", "--backbone", Path.Combine(_dir.FullName, "none"), "--device", "cpu");

        Assert.Equal(1, code);
        Assert.Contains("fedtransfer pretrain", text);
    }

    [Fact]
    public async Task Finetune_UnknownMode_IsRejectedByTheParser()
    {
        var (code, text) = await CliRun.InvokeAsync("finetune", "--mode", "adapters");

        Assert.NotEqual(0, code);
        Assert.Contains("adapters", text);
    }
}

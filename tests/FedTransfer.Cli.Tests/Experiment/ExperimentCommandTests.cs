using FedTransfer.Models.Serialization;
using System.Globalization;
using FedTransfer.Cli.Admin;
using FedTransfer.Cli.Tests.TestSupport;
using FedTransfer.Weights.Adapters;
using FedTransfer.Models.NN;
using FedTransfer.Weights.Serialization;
using FedTransfer.Models.Training;

namespace FedTransfer.Cli.Tests.Experiment;

[Collection(CliCollection.Name)]
public sealed class ExperimentCommandTests : IDisposable
{
    private readonly DirectoryInfo _dir = Directory.CreateTempSubdirectory("fedtransfer-experiment-");
    private readonly BackboneFiles _backbone;

    public ExperimentCommandTests()
    {
        _backbone = new BackboneFiles(Path.Combine(_dir.FullName, "backbone"));
        FedTransfer.Models.Engine.Seed(1);
        using var model = new VisionTransformer(new VisionTransformerConfig { Dim = 16, Depth = 1, Heads = 2 });
        _backbone.Save(model);
    }

    public void Dispose() => _dir.Delete(recursive: true);

    [FashionMnistFact]
    public async Task Experiment_TinySizes_WritesEveryRowWithPayloadSizedBytesAndEndsWithTheHeadline()
    {
        // Arrange
        var markdown = Path.Combine(_dir.FullName, "BENCHMARKS.md");

        // Act
        var (code, output) = await CliRun.InvokeAsync("experiment", "--backbone", _backbone.Directory, "--work-dir", Path.Combine(_dir.FullName, "work"),
            "--out", markdown, "--alphas", "1", "--seeds", "3", "--sites", "2", "--rounds", "2", "--train-examples", "140", "--test-examples", "40",
            "--lora", "lora:r=1,alpha=2,targets=attn.qkv", "--parallel", "2");

        // Assert
        Assert.True(code == 0, output);
        var rows = TableRows(File.ReadAllText(markdown));
        foreach (var method in ExperimentMethodNames)
            Assert.True(rows.ContainsKey(method), $"no row for '{method}' in:\n{File.ReadAllText(markdown)}");
        Assert.Equal(PayloadBytes("lora:r=1,alpha=2,targets=attn.qkv"), Bytes(rows["federated LoRA (naive)"]));
        Assert.Equal(PayloadBytes("lora:r=1,alpha=2,targets=attn.qkv,agg=frozen-a"), Bytes(rows["federated LoRA (frozen-a)"]));
        Assert.True(Bytes(rows["federated LoRA (frozen-a)"]) < Bytes(rows["federated LoRA (naive)"]), "frozen-a sends B only");
        Assert.True(Bytes(rows["federated LoRA (frozen-a, int8 updates)"]) < Bytes(rows["federated LoRA (frozen-a)"]), "int8 is smaller than float32");
        Assert.Equal(PayloadBytes("head-only"), Bytes(rows["federated head-only"]));
        Assert.Equal(PayloadBytes("full"), Bytes(rows["federated full fine-tuning"]));
        Assert.InRange(Accuracy(rows["centralised LoRA (pooled data)"]), 0, 100);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.StartsWith("fed_lora_gap_to_central_pts=", lines[^2]);
        Assert.StartsWith("lora_upload_fraction=", lines[^1]);
    }

    private static readonly string[] ExperimentMethodNames =
    [
        "centralised LoRA (pooled data)", "federated LoRA (naive)", "federated LoRA (frozen-a)", "federated LoRA (exact)", "federated LoRA (frozen-a, int8 updates)",
        "federated bottleneck adapters", "federated head-only", "federated full fine-tuning", "each site alone (mean of sites)",
    ];

    /// <summary>What a site uploads for this spec: a delta of exactly the trainable set, serialised as the task runner does.</summary>
    private long PayloadBytes(string spec)
    {
        using var model = InitialAdapter.Create(_backbone, AdapterSpec.Parse(spec), 5);
        return SafeTensors.Serialize(model.NamedTrainableParameters().ToRecords().OrderBy(r => r.Name, StringComparer.Ordinal)).Length;
    }

    private static Dictionary<string, string[]> TableRows(string markdown) => markdown.Split('\n')
        .Where(l => l.StartsWith("| 1 |", StringComparison.Ordinal))
        .Select(l => l.Split('|').Select(c => c.Trim()).ToArray())
        .ToDictionary(cells => cells[2], cells => cells);

    private static long Bytes(string[] cells) => long.Parse(cells[4], NumberStyles.AllowThousands, CultureInfo.InvariantCulture);

    private static double Accuracy(string[] cells) => double.Parse(cells[3].Split(' ')[0], CultureInfo.InvariantCulture);
}

using FedTransfer.Weights.Adapters;
using FedTransfer.Models.Data;
using FedTransfer.Models.NN;
using FedTransfer.Weights.Serialization;
using FedTransfer.Models.Training;

namespace FedTransfer.EndToEnd.Tests.Support;

/// <summary>
/// What the central team and the sites hold before a run, small enough for a test: a vision transformer backbone of
/// dimension 16 and depth 1 (random weights stand in for pretraining), the initial global adapter (by default LoRA
/// on the attention projections; + a new 5-class head, built by the same factory the sites use) and one IDX data folder per site
/// with real Fashion-MNIST test images of classes 5-9, a different number of images at each site.
/// </summary>
internal sealed class TinyVitFederation
{
    public const string LoraSpecText = "lora:r=2,alpha=4,targets=attn.qkv|attn.proj";
    public const string TaskSpecText = "classify:classes=5";
    private static readonly int[] TargetClasses = [5, 6, 7, 8, 9];
    private static readonly Lazy<Dataset> Images = new(() => FashionMnist.Load(FashionMnistSplit.Test, TargetClasses));

    public TinyVitFederation(string directory, IReadOnlyList<(string Name, int Images)> sites, string adapterSpec = LoraSpecText)
    {
        AdapterSpecText = adapterSpec;
        var spec = AdapterSpec.Parse(adapterSpec);
        var config = new VisionTransformerConfig { ImageSize = 28, PatchSize = 7, Dim = 16, Depth = 1, Heads = 2, MlpRatio = 2, Classes = 5 };
        Backbone = new BackboneFiles(Path.Combine(directory, "backbone"));
        FedTransfer.Models.Engine.Seed(11);
        using (var vit = new VisionTransformer(config))
            Backbone.Save(vit, new Dictionary<string, string> { ["fedtransfer.config"] = config.ToJson() });

        InitialAdapterPath = Path.Combine(directory, "initial-adapter.safetensors");
        FedTransfer.Models.Engine.Seed(12);
        using (var model = TransferModelFactory.Create(config, Backbone.WeightsPath, spec is LoraSpec ? TrainingMode.Lora : TrainingMode.Bottleneck, spec, 5))
        {
            // LoRA B starts at zero, which would make A's first deltas vanish; a non-trivial global makes every tensor move.
            foreach (var (_, p) in model.NamedTrainableParameters())
                using (TorchSharp.torch.no_grad()) p.uniform_(-0.2, 0.2);
            ModelCheckpoint.SaveTrainable(model, InitialAdapterPath);
        }

        var pool = Images.Value.Shuffle(3);
        var offset = 0;
        foreach (var (name, count) in sites)
        {
            var folder = Path.Combine(directory, "sites", name, "data");
            IdxWriter.WriteImageSet(folder, "train", pool.Subset(Enumerable.Range(offset, count).ToArray()));
            SiteDataDirectories[name] = folder;
            offset += count;
        }
    }

    public string AdapterSpecText { get; }
    public BackboneFiles Backbone { get; }
    public string InitialAdapterPath { get; }
    public Dictionary<string, string> SiteDataDirectories { get; } = new(StringComparer.Ordinal);

    public static IReadOnlyList<TensorRecord> Read(string path) => SafeTensors.ReadFile(path).Tensors;
}

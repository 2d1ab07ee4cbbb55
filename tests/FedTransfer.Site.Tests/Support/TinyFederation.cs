using System.Globalization;
using FedTransfer.Site.Configuration;
using FedTransfer.Site.LocalData;
using FedTransfer.Site.Training;
using FedTransfer.Models.NN;
using FedTransfer.Weights.Serialization;
using FedTransfer.Models.Training;

namespace FedTransfer.Site.Tests.Support;

/// <summary>
/// A federation small enough for unit tests: 90 CSV rows of 4 features in 3 separable classes, a pretrained-looking
/// MLP backbone (4 → 8 → 2 classes) and a global adapter (LoRA on the hidden layer plus a new 3-class head) written the
/// way the central team writes one.
/// </summary>
internal sealed class TinyFederation : IDisposable
{
    public const string AdapterSpec = "lora:r=2,alpha=4,targets=layers.*";
    public const string TaskSpec = "classify:classes=3";

    public TinyFederation(int labelsUpTo = 2)
    {
        var data = Directory.CreateDirectory(Dir.Combine("data")).FullName;
        var random = new Random(42);
        var rows = Enumerable.Range(0, 90).Select(i =>
        {
            var label = i % (labelsUpTo + 1);
            var features = Enumerable.Range(0, 4).Select(f => (f == label % 4 ? 2.0 : 0.0) + random.NextDouble() * 0.5);
            return string.Join(',', features.Select(v => v.ToString("F4", CultureInfo.InvariantCulture))) + "," + label;
        });
        File.WriteAllLines(Path.Combine(data, "rows.csv"), ["f0,f1,f2,f3,label", .. rows]);
        Options = new SiteOptions { DisplayName = "tiny", DataDirectory = data, Device = "cpu", ValidationFraction = 0.2, Threads = 1 };

        FedTransfer.Models.Engine.Seed(1);
        using (var backbone = new MlpBackbone(4, [8], 2))
            ModelCheckpoint.SaveStateDict(backbone, BackbonePath);
        using (var model = SiteModelFactory.Create(BackbonePath, AdapterSpec, FedTransfer.Site.Training.TaskSpec.Parse(TaskSpec), null))
        {
            // A zero LoRA B would make the first steps' deltas for A vanish; start from a non-trivial global instead.
            foreach (var (_, p) in model.NamedTrainableParameters())
                using (TorchSharp.torch.no_grad()) p.uniform_(-0.3, 0.3);
            ModelCheckpoint.SaveTrainable(model, AdapterPath);
        }
        Trainable = SafeTensors.ReadHeaderFile(AdapterPath).Tensors.Select(TensorSpec.Of).ToList();
    }

    public TempDirectory Dir { get; } = new();
    public SiteOptions Options { get; }
    public string BackbonePath => Dir.Combine("backbone.safetensors");
    public string AdapterPath => Dir.Combine("adapter.safetensors");
    public IReadOnlyList<TensorSpec> Trainable { get; }

    public SiteData Data() => new(Options);

    public LocalTrainRequest Request(double mu = 0, int epochs = 2, long seed = 3) =>
        new(BackbonePath, AdapterPath, AdapterSpec, TaskSpec, new LocalHyperParameters(epochs, 16, 0.05, mu, seed), Trainable);

    public void Dispose() => Dir.Dispose();
}

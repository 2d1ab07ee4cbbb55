using FedTransfer.Models.Import;

namespace FedTransfer.Models.Tests.Import;

/// <summary>The packaged ImageNet ResNet-18 imported once for every test that needs it (about a second and 45 MB).</summary>
public sealed class ResNet18OnnxFixture : IDisposable
{
    public ResNet18OnnxFixture()
    {
        Imported = ResNetOnnxImporter.Import(PackagedModels.ResNet18Onnx, classes: 10);
        Imported.Model.eval();
    }

    public ImportedResNet Imported { get; }

    /// <summary>Seeded images in the model's input units (BGR, 0-255 minus the mean image: about ±128).</summary>
    public static float[] RandomImage(int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, 3 * 224 * 224).Select(_ => (float)(random.NextDouble() * 255 - 120))];
    }

    public void Dispose() => Imported.Dispose();
}

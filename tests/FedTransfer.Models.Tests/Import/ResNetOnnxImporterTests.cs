using FedTransfer.Models.Import;
using FedTransfer.Models.Tests.Support;
using FedTransfer.Models.Tests.TestSupport;
using Google.Protobuf;
using static TorchSharp.torch;

namespace FedTransfer.Models.Tests.Import;

public sealed class ResNetOnnxImporterTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fedtransfer-onnx-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Import_TinyGraphWithCntkQuirks_MatchesOnnxRuntime()
    {
        // Asymmetric stride-2 pads, a conv bias and epsilon 1e-3 are folded into torchvision's layout by the importer.
        var model = TinyResNetOnnx.Build();
        var path = Path.Combine(_dir, "tiny.onnx");
        TinyResNetOnnx.Write(model, path);
        using var imported = ResNetOnnxImporter.Import(path, classes: 2);
        using var reference = new OnnxRuntimeReference(model.ToByteArray());
        imported.Model.eval();
        var random = new Random(7);
        var input = Enumerable.Range(0, 3 * TinyResNetOnnx.Size * TinyResNetOnnx.Size).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();

        var expected = reference.Run(input, [1, 3, TinyResNetOnnx.Size, TinyResNetOnnx.Size]);
        using var images = tensor(input, [1, 3, TinyResNetOnnx.Size, TinyResNetOnnx.Size]);
        using var _ = no_grad();
        using var features = imported.Model.ForwardFeatures(images);

        var actual = features.Values();
        Assert.Equal(8, actual.Length);
        // Float32 on both sides, values up to ~130: the same computation agrees to rounding, relative 1e-5.
        Approx.Equal(expected, actual, 1e-5);
    }

    [Fact]
    public void Import_MissingFile_SaysWhichFile()
    {
        var error = Assert.Throws<OnnxImportException>(() => ResNetOnnxImporter.Import(Path.Combine(_dir, "absent.onnx")));

        Assert.Contains("absent.onnx", error.Message);
    }
}

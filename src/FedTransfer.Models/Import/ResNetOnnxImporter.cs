using FedTransfer.Models.Import.Onnx;
using FedTransfer.Models.NN;
using static TorchSharp.torch;

namespace FedTransfer.Models.Import;

/// <summary>A ResNet imported from ONNX: the model (with a fresh head) and what it was made from.</summary>
/// <param name="Model">The network; its stem and blocks hold the file's weights, its <c>fc</c> head is newly initialised.</param>
/// <param name="Blocks">Basic blocks per stage (<c>[2, 2, 2, 2]</c> for ResNet-18).</param>
/// <param name="Width">Channels of the stem and the first stage.</param>
/// <param name="InputShape">The file's declared input shape (<c>[1, 3, 224, 224]</c>), empty when it declares none.</param>
/// <param name="SourceSha256">SHA-256 of the ONNX file.</param>
/// <param name="Producer">The exporter the file names (<c>CNTK 2.6</c>).</param>
public sealed record ImportedResNet(ResNet Model, IReadOnlyList<int> Blocks, int Width, IReadOnlyList<long> InputShape, string SourceSha256, string Producer) : IDisposable
{
    /// <summary>torchvision's name for the architecture (<c>resnet18</c>, <c>resnet34</c>), or a description of the blocks.</summary>
    public string Architecture => ResNetArchitectures.Name(Blocks, Width);

    /// <inheritdoc />
    public void Dispose() => Model.Dispose();
}

/// <summary>
/// Imports a basic-block ResNet (ResNet-18/34) from an ONNX file into the project's <see cref="ResNet"/>, mapping weights
/// by graph structure (see <see cref="ResNetGraphReader"/>), so exports with opaque initializer names load under
/// torchvision's names. The file's pooled features are the model's <see cref="ResNet.ForwardFeatures"/>.
/// </summary>
public static class ResNetOnnxImporter
{
    /// <summary>Reads <paramref name="onnxPath"/>; the model gets a new head of <paramref name="classes"/> outputs.</summary>
    /// <exception cref="OnnxImportException">The file is not ONNX or not a ResNet this importer maps, naming the node.</exception>
    public static ImportedResNet Import(string onnxPath, int classes = 1000)
    {
        var graph = OnnxGraph.Load(onnxPath);
        var read = ResNetGraphReader.Read(graph);
        var model = new ResNet(read.Blocks, classes, read.Channels, read.Width);
        try
        {
            LoadWeights(model, read.Weights, onnxPath);
            var producer = $"{graph.Model.ProducerName} {graph.Model.ProducerVersion}".Trim();
            return new ImportedResNet(model, read.Blocks, read.Width, read.InputShape, graph.Sha256, producer);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>Copies the read tensors in; every stem and block tensor must be covered, the head stays as initialised.</summary>
    private static void LoadWeights(ResNet model, IReadOnlyList<NamedWeights> weights, string source)
    {
        using var scope = NewDisposeScope();
        var tensors = weights.ToDictionary(w => w.Name, w => tensor(w.Values, w.Shape));
        var result = StateDicts.Load(model, tensors, strict: false);
        if (result.UnexpectedKeys.Count > 0)
            throw new OnnxImportException("", $"{source}: the graph gave tensor '{result.UnexpectedKeys[0]}', which the ResNet built from it does not have; the graph is not a basic-block ResNet");
        var uncovered = result.MissingKeys.Where(k => !ResNetArchitectures.IsHeadOrCounter(k)).ToList();
        if (uncovered.Count > 0)
            throw new OnnxImportException("", $"{source}: the graph has no weights for '{uncovered[0]}' (and {uncovered.Count - 1} more); the graph is not a basic-block ResNet");
    }
}

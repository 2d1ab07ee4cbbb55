using System.Globalization;
using FedTransfer.Models.NN;
using FedTransfer.Models.Serialization;
using FedTransfer.Weights.Serialization;
using static TorchSharp.torch;

namespace FedTransfer.Models.Import;

/// <summary>
/// An imported ResNet backbone on disk: <c>backbone.safetensors</c> holding the stem and block tensors under torchvision
/// names (no <c>fc</c>: the head belongs to each task), with the architecture, the source file's digest and the input
/// normalisation in its metadata (<c>fedtransfer.*</c> keys), so the file alone rebuilds the model.
/// </summary>
public static class ResNetBackbone
{
    /// <summary>File name of the weights, as for the ViT backbone.</summary>
    public const string WeightsFileName = "backbone.safetensors";

    /// <summary>Metadata key of the architecture name (<c>resnet18</c>).</summary>
    public const string ArchitectureKey = "fedtransfer.architecture";
    private const string BlocksKey = "fedtransfer.resnet.blocks";
    private const string WidthKey = "fedtransfer.resnet.width";
    private const string ChannelsKey = "fedtransfer.resnet.channels";

    /// <summary>Writes <paramref name="imported"/>'s backbone into <paramref name="directory"/>; returns the file's path.</summary>
    public static string Save(ImportedResNet imported, string directory, InputNormalization? normalization = null)
    {
        var metadata = new Dictionary<string, string>
        {
            ["fedtransfer.kind"] = "backbone",
            [ArchitectureKey] = imported.Architecture,
            [BlocksKey] = string.Join(",", imported.Blocks),
            [WidthKey] = imported.Width.ToString(CultureInfo.InvariantCulture),
            [ChannelsKey] = imported.Model.InputChannels.ToString(CultureInfo.InvariantCulture),
            ["fedtransfer.features"] = imported.Model.Features.ToString(CultureInfo.InvariantCulture),
            ["fedtransfer.source.format"] = "onnx",
            ["fedtransfer.source.sha256"] = imported.SourceSha256,
            ["fedtransfer.source.producer"] = imported.Producer,
            ["fedtransfer.input.shape"] = string.Join(",", imported.InputShape),
        };
        foreach (var (key, value) in normalization?.ToMetadata() ?? new Dictionary<string, string> { [InputNormalization.MetadataPrefix + "normalization"] = "unknown" })
            metadata[key] = value;
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, WeightsFileName);
        var tensors = imported.Model.state_dict().Where(kv => !kv.Key.StartsWith("fc.", StringComparison.Ordinal));
        SafeTensors.WriteFile(path, tensors.Select(kv => kv.Value.ToRecord(kv.Key)), metadata);
        return path;
    }

    /// <summary>
    /// Rebuilds the ResNet saved in <paramref name="directory"/> with a new head of <paramref name="classes"/> outputs and
    /// loads every backbone tensor; returns the model and the file's metadata.
    /// </summary>
    /// <exception cref="StateDictException">A tensor missing from or unexpected in the file, named.</exception>
    /// <exception cref="InvalidDataException">The file does not describe a ResNet backbone.</exception>
    public static (ResNet Model, IReadOnlyDictionary<string, string> Metadata) Load(string directory, int classes)
    {
        var path = Path.Combine(directory, WeightsFileName);
        if (!File.Exists(path))
            throw new FileNotFoundException($"backbone weights '{path}' do not exist; run `fedtransfer backbone import --onnx FILE --out {directory}` first", path);
        var file = SafeTensors.ReadFile(path);
        var blocks = ReadInts(file.Metadata, BlocksKey, path);
        var width = ReadInts(file.Metadata, WidthKey, path).Single();
        var channels = ReadInts(file.Metadata, ChannelsKey, path).Single();
        var model = new ResNet(blocks, classes, channels, width);
        try
        {
            using var scope = NewDisposeScope();
            var result = StateDicts.Load(model, file.ToTensors(), strict: false);
            if (result.UnexpectedKeys.Count > 0)
                throw new StateDictException(result.UnexpectedKeys[0], $"{path}: tensor '{result.UnexpectedKeys[0]}' does not belong to a {file.Metadata[ArchitectureKey]} backbone; the file is damaged or mislabelled");
            var missing = result.MissingKeys.Where(k => !k.StartsWith("fc.", StringComparison.Ordinal)).ToList();
            if (missing.Count > 0)
                throw new StateDictException(missing[0], $"{path}: backbone tensor '{missing[0]}' is missing (and {missing.Count - 1} more); import the backbone again");
            return (model, file.Metadata);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static int[] ReadInts(IReadOnlyDictionary<string, string> metadata, string key, string path)
    {
        if (!metadata.TryGetValue(key, out var text))
            throw new InvalidDataException($"{path} has no '{key}' metadata, so it is not a ResNet backbone written by `fedtransfer backbone import`");
        var parts = text.Split(',');
        var values = new int[parts.Length];
        for (var i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out values[i]) || values[i] <= 0)
                throw new InvalidDataException($"{path}: metadata '{key}' is '{text}', expected positive integers separated by commas");
        return values;
    }
}

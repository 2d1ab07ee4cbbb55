using FedTransfer.Weights.Adapters;
using FedTransfer.Models.NN;
using FedTransfer.Weights.Serialization;
using FedTransfer.Models.Adapters;
using FedTransfer.Models.Training;
using static TorchSharp.torch;

namespace FedTransfer.Site.Training;

/// <summary>
/// Rebuilds the model a task trains: the backbone from its safetensors file (a vision transformer whose architecture
/// travels in the file's metadata under <see cref="VitConfigKey"/>, or in a local config file; or an MLP for tabular
/// rows, whose shape follows from its tensors), a new head for the task's classes, and the task's adapters, with
/// everything but adapters and head frozen.
/// </summary>
internal static class SiteModelFactory
{
    /// <summary>Safetensors metadata key holding the backbone's <see cref="VisionTransformerConfig"/> JSON.</summary>
    public const string VitConfigKey = "fedtransfer.config";

    public static nn.Module<Tensor, Tensor> Create(string backbonePath, string adapterSpec, TaskSpec task, string? backboneConfigFile)
    {
        var adapter = AdapterSpec.Parse(adapterSpec);
        var header = SafeTensors.ReadHeaderFile(backbonePath);
        var names = header.Tensors.ToDictionary(e => e.Name, StringComparer.Ordinal);
        if (names.ContainsKey("patch_embed.proj.weight"))
        {
            var config = VitConfig(header, backboneConfigFile, backbonePath);
            var mode = TrainingModes.Of(adapter);
            return TransferModelFactory.Create(config, backbonePath, mode, adapter, task.Classes);
        }
        if (names.ContainsKey("layers.0.weight") && names.TryGetValue("head.weight", out var head))
            return CreateMlp(backbonePath, names, head, adapter, task);
        throw new InvalidOperationException(
            $"backbone '{backbonePath}' is neither a vision transformer (patch_embed.proj.weight) nor an MLP (layers.0.weight, head.weight); the federation's backbone is not one this site can build");
    }

    private static VisionTransformerConfig VitConfig(SafeTensorsHeader header, string? configFile, string backbonePath)
    {
        if (header.Metadata.TryGetValue(VitConfigKey, out var json))
        {
            try
            {
                return VisionTransformerConfig.FromJson(json);
            }
            catch (Exception e) when (e is FormatException or ArgumentException)
            {
                throw new FormatException($"backbone '{backbonePath}': metadata '{VitConfigKey}' is unusable: {e.Message}", e);
            }
        }
        if (!string.IsNullOrWhiteSpace(configFile))
            return VisionTransformerConfig.Load(configFile);
        throw new InvalidOperationException(
            $"backbone '{backbonePath}' carries no '{VitConfigKey}' metadata; set Site:BackboneConfigFile to the backbone.json written beside the pretrained backbone.safetensors");
    }

    private static nn.Module<Tensor, Tensor> CreateMlp(string path, Dictionary<string, SafeTensorsEntry> names, SafeTensorsEntry head, AdapterSpec adapter, TaskSpec task)
    {
        var hidden = new List<int>();
        for (var i = 0; names.TryGetValue($"layers.{i}.weight", out var layer); i++)
            hidden.Add(checked((int)layer.Shape[0]));
        var model = new MlpBackbone(checked((int)names["layers.0.weight"].Shape[1]), hidden, checked((int)head.Shape[0]));
        try
        {
            ModelCheckpoint.LoadStateDict(model, path);
            model.ReplaceHead(new ClassificationHead(model.Features, task.Classes));
            AdapterAttach.Attach(model, adapter);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}

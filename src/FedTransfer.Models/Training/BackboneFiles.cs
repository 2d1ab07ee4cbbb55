using FedTransfer.Models.NN;

namespace FedTransfer.Models.Training;

/// <summary>
/// A pretrained backbone on disk: <c>backbone.safetensors</c> (every tensor under its PyTorch name) and
/// <c>backbone.json</c> (the <see cref="VisionTransformerConfig"/>) in one directory.
/// </summary>
public sealed record BackboneFiles(string Directory)
{
    /// <summary>File name of the weights.</summary>
    public const string WeightsFileName = "backbone.safetensors";

    /// <summary>File name of the architecture.</summary>
    public const string ConfigFileName = "backbone.json";

    /// <summary>Full path of the weights.</summary>
    public string WeightsPath => Path.Combine(Directory, WeightsFileName);

    /// <summary>Full path of the architecture.</summary>
    public string ConfigPath => Path.Combine(Directory, ConfigFileName);

    /// <summary>Writes the model's weights and config (weights first, so a config never points at missing weights).</summary>
    public void Save(VisionTransformer model, IReadOnlyDictionary<string, string>? metadata = null)
    {
        System.IO.Directory.CreateDirectory(Directory);
        ModelCheckpoint.SaveStateDict(model, WeightsPath, metadata);
        var temp = ConfigPath + ".tmp";
        model.Config.Save(temp);
        File.Move(temp, ConfigPath, overwrite: true);
    }

    /// <summary>Reads the config and checks the weights file exists, with a message saying how to create both.</summary>
    public VisionTransformerConfig LoadConfig()
    {
        var config = VisionTransformerConfig.Load(ConfigPath);
        if (!File.Exists(WeightsPath))
            throw new FileNotFoundException($"backbone weights '{WeightsPath}' do not exist; run `fedtransfer pretrain --out {Directory}` first", WeightsPath);
        return config;
    }

    /// <summary>Loads the complete pretrained model (source-task head included).</summary>
    public VisionTransformer Load()
    {
        var model = new VisionTransformer(LoadConfig());
        try
        {
            ModelCheckpoint.LoadStateDict(model, WeightsPath);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }
}

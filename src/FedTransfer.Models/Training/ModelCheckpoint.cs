using FedTransfer.Models.NN;
using FedTransfer.Models.Serialization;
using static TorchSharp.torch;
using FedTransfer.Weights.Serialization;

namespace FedTransfer.Models.Training;

/// <summary>
/// Saves and loads module tensors as safetensors under their PyTorch dotted names: the whole state dict (a backbone) or
/// only the trainable set (adapters + head, what a site sends). Files are written atomically.
/// </summary>
public static class ModelCheckpoint
{
    /// <summary>Writes every parameter and buffer of <paramref name="model"/>.</summary>
    public static void SaveStateDict(nn.Module model, string path, IReadOnlyDictionary<string, string>? metadata = null) =>
        SafeTensors.WriteFile(path, model.state_dict().Select(kv => kv.Value.ToRecord(kv.Key)), metadata);

    /// <summary>Writes only the parameters that require gradients.</summary>
    public static void SaveTrainable(nn.Module model, string path, IReadOnlyDictionary<string, string>? metadata = null) =>
        SafeTensors.WriteFile(path, model.NamedTrainableParameters().ToRecords(), metadata);

    /// <summary>Loads a full state dict strictly: every model tensor must be in the file and nothing else.</summary>
    /// <exception cref="StateDictException">Naming the offending tensor; the model is left unchanged.</exception>
    public static IReadOnlyDictionary<string, string> LoadStateDict(nn.Module model, string path)
    {
        var file = SafeTensors.ReadFile(path);
        using var scope = NewDisposeScope();
        StateDicts.Load(model, file.ToTensors(), strict: true);
        return file.Metadata;
    }

    /// <summary>
    /// Loads a trainable-set file: every tensor in it must exist in the model, and every trainable tensor of the model
    /// must be in it; frozen tensors keep their values.
    /// </summary>
    /// <exception cref="StateDictException">Naming the offending tensor; the model is left unchanged.</exception>
    public static IReadOnlyDictionary<string, string> LoadTrainable(nn.Module model, string path)
    {
        var file = SafeTensors.ReadFile(path);
        foreach (var (name, _) in model.NamedTrainableParameters())
            if (!file.Contains(name))
                throw new StateDictException(name, $"{path}: trainable tensor '{name}' is missing; the file was written for a different adapter spec or mode");
        var known = model.state_dict();
        foreach (var record in file.Tensors)
            if (!known.ContainsKey(record.Name))
                throw new StateDictException(record.Name, $"{path}: tensor '{record.Name}' does not exist in this model; the file was written for a different adapter spec or mode");
        using var scope = NewDisposeScope();
        StateDicts.Load(model, file.ToTensors(), strict: false);
        return file.Metadata;
    }
}

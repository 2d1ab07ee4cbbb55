using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedTransfer.Models.NN;

/// <summary>
/// Loading, listing and freezing by dotted name. TorchSharp's <c>load_state_dict</c> throws one generic message for any
/// mismatch and copies before it has checked every tensor; this checks everything first and names the offending tensor.
/// </summary>
public static class StateDicts
{
    /// <summary>
    /// Copies <paramref name="source"/> into <paramref name="module"/>'s tensors. Everything is validated before anything is
    /// copied, so a bad checkpoint leaves the module untouched. With <paramref name="strict"/> a missing or unexpected name is
    /// an error; a shape or dtype mismatch always is. The source tensors may live on any device.
    /// </summary>
    /// <exception cref="StateDictException">Naming the first offending tensor.</exception>
    public static StateDictLoadResult Load(nn.Module module, IReadOnlyDictionary<string, Tensor> source, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(source);
        var target = module.state_dict();
        var missing = target.Keys.Where(k => !source.ContainsKey(k)).ToList();
        var unexpected = source.Keys.Where(k => !target.ContainsKey(k)).ToList();
        if (strict && missing.Count > 0)
            throw new StateDictException(missing[0], $"state dict is missing tensor '{missing[0]}'" +
                (missing.Count > 1 ? $" (and {missing.Count - 1} more)" : "") + "; load a checkpoint made for this model, or load non-strict");
        if (strict && unexpected.Count > 0)
            throw new StateDictException(unexpected[0], $"state dict has unexpected tensor '{unexpected[0]}'" +
                (unexpected.Count > 1 ? $" (and {unexpected.Count - 1} more)" : "") + " that this model does not have; check the model configuration or adapter spec");
        foreach (var (name, dst) in target)
        {
            if (!source.TryGetValue(name, out var src))
                continue;
            if (!src.shape.AsSpan().SequenceEqual(dst.shape))
                throw new StateDictException(name, $"tensor '{name}' has shape [{string.Join(", ", src.shape)}] but the model expects [{string.Join(", ", dst.shape)}]; the checkpoint was made for a different model configuration");
            if (src.dtype != dst.dtype)
                throw new StateDictException(name, $"tensor '{name}' has dtype {src.dtype} but the model expects {dst.dtype}; convert the checkpoint first");
        }
        using (no_grad())
        {
            foreach (var (name, dst) in target)
                if (source.TryGetValue(name, out var src))
                    dst.copy_(src);
        }
        return new StateDictLoadResult(missing, unexpected);
    }

    /// <summary>The parameters that currently require gradients: what an optimizer updates and what a site sends back.</summary>
    public static IEnumerable<(string name, Parameter parameter)> NamedTrainableParameters(this nn.Module module) =>
        module.named_parameters().Where(p => p.parameter.requires_grad);

    /// <summary>Sets <c>requires_grad</c> on every parameter of <paramref name="module"/> and its descendants.</summary>
    public static void SetRequiresGrad(this nn.Module module, bool requiresGrad)
    {
        foreach (var (_, p) in module.named_parameters())
            p.requires_grad = requiresGrad;
    }
}

using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedTransfer.Models.NN;

/// <summary>
/// Base of the project's own layers: a TorchSharp module whose children and parameters are registered by name (PyTorch
/// <c>state_dict</c> dotted names such as <c>blocks.0.attn.qkv.weight</c>) and read by name on every forward pass.
/// </summary>
/// <remarks>
/// Reading by name, rather than from fields, is what lets an adapter replace a child in place
/// (<see cref="ReplaceChild"/> keeps its position in the state dict) and lets TorchSharp's <c>to(device)</c> swap parameters
/// without leaving a stale reference behind. Subclasses therefore hold no module or tensor fields: TorchSharp's field
/// reflection would register those a second time.
/// </remarks>
public abstract class TransferModule : nn.Module<Tensor, Tensor>
{
    /// <summary>Creates the module; <paramref name="name"/> is what TorchSharp prints for it.</summary>
    protected TransferModule(string name) : base(name)
    {
    }

    /// <summary>Registers <paramref name="module"/> as the child <paramref name="name"/> and returns it.</summary>
    protected TModule AddChild<TModule>(string name, TModule module) where TModule : nn.Module
    {
        register_module(name, module);
        return module;
    }

    /// <summary>Registers <paramref name="value"/> as the trainable parameter <paramref name="name"/> and returns it.</summary>
    protected Parameter AddParameter(string name, Tensor value)
    {
        var parameter = value as Parameter ?? new Parameter(value, requires_grad: true);
        register_parameter(name, parameter);
        return parameter;
    }

    /// <summary>The child registered as <paramref name="name"/>.</summary>
    protected nn.Module<Tensor, Tensor> Child(string name) => (nn.Module<Tensor, Tensor>)_internal_submodules[name];

    /// <summary>The child registered as <paramref name="name"/>, or null when there is none.</summary>
    protected nn.Module<Tensor, Tensor>? TryChild(string name) =>
        _internal_submodules.TryGetValue(name, out var module) ? (nn.Module<Tensor, Tensor>)module : null;

    /// <summary>The parameter registered as <paramref name="name"/>.</summary>
    protected Parameter Param(string name) => _internal_params[name];

    /// <summary>The parameter registered as <paramref name="name"/>, or null when there is none.</summary>
    protected Parameter? TryParam(string name) => _internal_params.TryGetValue(name, out var parameter) ? parameter : null;

    /// <summary>
    /// Swaps the child <paramref name="name"/> for <paramref name="replacement"/> at the same position (adapters that wrap a
    /// layer) and returns the old child without disposing it: its tensors may now belong to the replacement.
    /// </summary>
    public nn.Module ReplaceChild(string name, nn.Module<Tensor, Tensor> replacement)
    {
        ArgumentNullException.ThrowIfNull(replacement);
        if (!_internal_submodules.TryGetValue(name, out var old))
            throw new ArgumentException($"{GetName()} has no child module '{name}'; children are: {string.Join(", ", _internal_submodules.Keys)}", nameof(name));
        _internal_submodules[name] = replacement;
        replacement.train(training);
        return old;
    }

    /// <summary>Forgets this module's own parameters without disposing them, after another module took them over.</summary>
    internal void ReleaseParameters() => _internal_params.Clear();
}

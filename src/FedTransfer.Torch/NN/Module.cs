namespace FedTransfer.Torch.NN;

/// <summary>
/// Base class of every layer: owns named parameters, buffers and child modules, and exposes them under
/// PyTorch <c>state_dict</c> dotted names (<c>blocks.0.attn.qkv.weight</c>) so checkpoints move between
/// this binding and PyTorch unchanged.
/// </summary>
/// <remarks>
/// Parameters are detached from any dispose scope when registered: they live as long as the module and are
/// disposed with it. Subclasses read their parameters and children by name on every forward pass, so
/// <see cref="To(Device)"/>, <see cref="ReplaceModule"/> and adapter wrapping never leave a stale reference behind.
/// </remarks>
public abstract class Module : IDisposable
{
    private readonly List<string> _parameterOrder = [];
    private readonly Dictionary<string, Tensor> _parameters = new(StringComparer.Ordinal);
    private readonly List<string> _bufferOrder = [];
    private readonly Dictionary<string, Tensor> _buffers = new(StringComparer.Ordinal);
    private readonly List<string> _moduleOrder = [];
    private readonly Dictionary<string, Module> _modules = new(StringComparer.Ordinal);
    private bool _disposed;

    /// <summary>True in training mode (dropout active); false after <see cref="Eval"/>.</summary>
    public bool IsTraining { get; private set; } = true;

    /// <summary>Runs the layer on <paramref name="input"/>; the result belongs to the caller's dispose scope.</summary>
    public abstract Tensor Forward(Tensor input);

    /// <summary>Registers a trainable parameter: detaches it from the current dispose scope and makes it require gradients.</summary>
    public Tensor RegisterParameter(string name, Tensor parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        EnsureNewName(name);
        parameter.DetachFromDisposeScope();
        parameter.RequiresGrad = true;
        _parameterOrder.Add(name);
        _parameters.Add(name, parameter);
        return parameter;
    }

    /// <summary>Registers a non-trainable tensor that is still part of the state dict (running statistics, masks).</summary>
    public Tensor RegisterBuffer(string name, Tensor buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        EnsureNewName(name);
        buffer.DetachFromDisposeScope();
        _bufferOrder.Add(name);
        _buffers.Add(name, buffer);
        return buffer;
    }

    /// <summary>Registers a child module; its tensors appear under <c>name.</c> in every listing.</summary>
    public TModule RegisterModule<TModule>(string name, TModule module) where TModule : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        EnsureNewName(name);
        _moduleOrder.Add(name);
        _modules.Add(name, module);
        module.Train(IsTraining);
        return module;
    }

    /// <summary>
    /// Swaps the child registered as <paramref name="name"/> for <paramref name="replacement"/> (used by adapters that wrap a layer).
    /// Returns the old child without disposing it: its tensors may now belong to the replacement.
    /// </summary>
    public Module ReplaceModule(string name, Module replacement)
    {
        ArgumentNullException.ThrowIfNull(replacement);
        if (!_modules.TryGetValue(name, out var old))
            throw new ArgumentException($"{GetType().Name} has no child module '{name}'; children are: {string.Join(", ", _moduleOrder)}", nameof(name));
        _modules[name] = replacement;
        replacement.Train(IsTraining);
        return old;
    }

    /// <summary>The parameter registered as <paramref name="name"/> on this module.</summary>
    protected Tensor Parameter(string name) => _parameters[name];

    /// <summary>The parameter registered as <paramref name="name"/>, or null when this module has none by that name.</summary>
    protected Tensor? TryParameter(string name) => _parameters.GetValueOrDefault(name);

    /// <summary>The child module registered as <paramref name="name"/>.</summary>
    protected Module Child(string name) => _modules[name];

    /// <summary>The child registered as <paramref name="name"/>, or null when there is none.</summary>
    protected Module? TryChild(string name) => _modules.GetValueOrDefault(name);

    /// <summary>Direct children in registration order.</summary>
    public IEnumerable<(string Name, Module Module)> NamedChildren()
    {
        foreach (var name in _moduleOrder)
            yield return (name, _modules[name]);
    }

    /// <summary>This module (empty name) and every descendant, depth first, with dotted paths.</summary>
    public IEnumerable<(string Name, Module Module)> NamedModules()
    {
        yield return ("", this);
        foreach (var (childName, child) in NamedChildren())
            foreach (var (name, module) in child.NamedModules())
                yield return (name.Length == 0 ? childName : childName + "." + name, module);
    }

    /// <summary>Every parameter under its PyTorch dotted name: own parameters first, then each child's, in registration order.</summary>
    public IEnumerable<(string Name, Tensor Tensor)> NamedParameters() => Named(m => m._parameterOrder, m => m._parameters);

    /// <summary>Every buffer under its dotted name.</summary>
    public IEnumerable<(string Name, Tensor Tensor)> NamedBuffers() => Named(m => m._bufferOrder, m => m._buffers);

    /// <summary>The parameters that currently require gradients: what an optimizer updates and what a site sends back.</summary>
    public IEnumerable<(string Name, Tensor Tensor)> NamedTrainableParameters() => NamedParameters().Where(p => p.Tensor.RequiresGrad);

    /// <summary>Every parameter tensor (as handed to an optimizer).</summary>
    public IEnumerable<Tensor> Parameters() => NamedParameters().Select(p => p.Tensor);

    /// <summary>
    /// Parameters and buffers by dotted name, in the order PyTorch would list them. The tensors are the module's own
    /// (not copies): read or serialise them, do not dispose them.
    /// </summary>
    public IReadOnlyDictionary<string, Tensor> StateDict()
    {
        var state = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, module) in NamedModules())
        {
            var prefix = name.Length == 0 ? "" : name + ".";
            foreach (var p in module._parameterOrder)
                state.Add(prefix + p, module._parameters[p]);
            foreach (var b in module._bufferOrder)
                state.Add(prefix + b, module._buffers[b]);
        }
        return state;
    }

    /// <summary>
    /// Copies <paramref name="source"/> into this module's tensors. Everything is validated before anything is copied, so a
    /// bad checkpoint leaves the module untouched. With <paramref name="strict"/> a missing or unexpected name is an error;
    /// a shape or dtype mismatch always is. The source tensors may live on any device.
    /// </summary>
    /// <exception cref="StateDictException">Naming the first offending tensor.</exception>
    public StateDictLoadResult LoadStateDict(IReadOnlyDictionary<string, Tensor> source, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(source);
        var target = StateDict();
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
            if (!src.Shape.AsSpan().SequenceEqual(dst.Shape))
                throw new StateDictException(name, $"tensor '{name}' has shape [{string.Join(", ", src.Shape)}] but the model expects [{string.Join(", ", dst.Shape)}]; the checkpoint was made for a different model configuration");
            if (src.DType != dst.DType)
                throw new StateDictException(name, $"tensor '{name}' has dtype {src.DType} but the model expects {dst.DType}; convert the checkpoint first");
        }
        using (Torch.NoGrad())
        {
            foreach (var (name, dst) in target)
                if (source.TryGetValue(name, out var src))
                    dst.CopyFrom(src);
        }
        return new StateDictLoadResult(missing, unexpected);
    }

    /// <summary>Sets training mode on this module and every descendant; returns this module.</summary>
    public Module Train(bool on = true)
    {
        IsTraining = on;
        foreach (var name in _moduleOrder)
            _modules[name].Train(on);
        return this;
    }

    /// <summary>Evaluation mode (dropout off); returns this module.</summary>
    public Module Eval() => Train(false);

    /// <summary>Sets <c>RequiresGrad</c> on every parameter of this module and its descendants (PyTorch <c>requires_grad_</c>).</summary>
    public Module SetRequiresGrad(bool requiresGrad)
    {
        foreach (var (_, p) in NamedParameters())
            p.RequiresGrad = requiresGrad;
        return this;
    }

    /// <summary>Moves every parameter and buffer to <paramref name="device"/> in place (the old tensors are disposed); returns this module.</summary>
    public Module To(Device device) => Convert(t => t.Device == device ? null : t.To(device));

    /// <summary>Converts every floating-point parameter and buffer to <paramref name="dtype"/> (e.g. Float64 for gradient checks); returns this module.</summary>
    public Module To(DType dtype) => Convert(t => t.DType == dtype || t.DType is not (DType.Float16 or DType.BFloat16 or DType.Float32 or DType.Float64) ? null : t.To(dtype));

    // Replaces tensors in the registries (subclasses read them by name, so nothing keeps a stale handle); null = unchanged.
    private Module Convert(Func<Tensor, Tensor?> convert)
    {
        foreach (var (_, module) in NamedModules())
        {
            foreach (var name in module._parameterOrder)
            {
                var old = module._parameters[name];
                Tensor? converted;
                using (Torch.NoGrad())
                    converted = convert(old);
                if (converted is null)
                    continue;
                converted.DetachFromDisposeScope();
                converted.RequiresGrad = old.RequiresGrad;
                module._parameters[name] = converted;
                old.Dispose();
            }
            foreach (var name in module._bufferOrder)
            {
                var old = module._buffers[name];
                var converted = convert(old);
                if (converted is null)
                    continue;
                converted.DetachFromDisposeScope();
                module._buffers[name] = converted;
                old.Dispose();
            }
        }
        return this;
    }

    /// <summary>
    /// Forgets this module's own parameters and buffers without disposing them, after another module took them over
    /// (adapter wrapping, merging). The module must not run again.
    /// </summary>
    internal void ReleaseTensors()
    {
        _parameterOrder.Clear();
        _parameters.Clear();
        _bufferOrder.Clear();
        _buffers.Clear();
    }

    /// <summary>Disposes every parameter, buffer and child module.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        foreach (var p in _parameters.Values)
            p.Dispose();
        foreach (var b in _buffers.Values)
            b.Dispose();
        foreach (var m in _modules.Values)
            m.Dispose();
        GC.SuppressFinalize(this);
    }

    private IEnumerable<(string Name, Tensor Tensor)> Named(Func<Module, List<string>> order, Func<Module, Dictionary<string, Tensor>> map)
    {
        foreach (var (name, module) in NamedModules())
        {
            var prefix = name.Length == 0 ? "" : name + ".";
            var tensors = map(module);
            foreach (var t in order(module))
                yield return (prefix + t, tensors[t]);
        }
    }

    private void EnsureNewName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
            throw new ArgumentException($"module member name '{name}' must be non-empty and contain no '.'", nameof(name));
        if (_parameters.ContainsKey(name) || _buffers.ContainsKey(name) || _modules.ContainsKey(name))
            throw new ArgumentException($"{GetType().Name} already has a member named '{name}'", nameof(name));
    }
}

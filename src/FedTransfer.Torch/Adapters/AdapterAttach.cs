using FedTransfer.Torch.NN;

namespace FedTransfer.Torch.Adapters;

/// <summary>
/// Attaches adapters to a backbone and freezes it: afterwards only adapter tensors and the classification head require
/// gradients, so the optimizer never touches the backbone and a site sends back only the small trainable set.
/// </summary>
public static class AdapterAttach
{
    /// <summary>
    /// Attaches the adapters <paramref name="spec"/> describes, freezes everything else but the head, and returns the adapted
    /// module paths. <see cref="HeadOnlySpec"/> attaches nothing and freezes all but the head; <see cref="FullSpec"/>
    /// attaches nothing and leaves every tensor trainable.
    /// </summary>
    public static IReadOnlyList<string> Attach(Module model, AdapterSpec spec)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (spec is FullSpec)
        {
            model.SetRequiresGrad(true);
            return [];
        }
        var paths = spec switch
        {
            LoraSpec lora => ApplyLora(model, lora),
            BottleneckSpec bottleneck => ApplyBottleneck(model, bottleneck),
            HeadOnlySpec => [],
            _ => throw new ArgumentException($"unsupported adapter spec '{spec}'", nameof(spec)),
        };
        FreezeBackbone(model);
        return paths;
    }

    /// <summary>Wraps every <see cref="Linear"/> whose dotted path matches one of the spec's targets in a <see cref="LoraLinear"/>.</summary>
    /// <exception cref="ArgumentException">When no Linear matches (the message lists the Linear layers there are).</exception>
    public static IReadOnlyList<string> ApplyLora(Module model, LoraSpec spec)
    {
        var patterns = spec.Targets.Select(t => new ModulePattern(t)).ToArray();
        var found = new List<(Module Parent, string Child, string Path, Linear Layer)>();
        var linears = new List<string>();
        foreach (var (path, module) in model.NamedModules())
            foreach (var (childName, child) in module.NamedChildren())
            {
                if (child is not Linear linear)
                    continue;
                var childPath = path.Length == 0 ? childName : path + "." + childName;
                linears.Add(childPath);
                if (patterns.Any(p => p.Matches(childPath)))
                    found.Add((module, childName, childPath, linear));
            }
        if (found.Count == 0)
            throw new ArgumentException($"LoRA targets '{string.Join('|', spec.Targets)}' match no Linear layer; Linear layers are: " +
                (linears.Count == 0 ? "(none)" : string.Join(", ", linears.Take(12)) + (linears.Count > 12 ? ", ..." : "")));
        foreach (var (parent, childName, path, layer) in found)
        {
            var lora = new LoraLinear(layer, spec.Rank, spec.Alpha, spec.Dropout);
            if (spec.FreezesA) lora.FreezeA(FrozenLoraInit.Values(spec.ASeed, path, spec.Rank, lora.InFeatures));
            parent.ReplaceModule(childName, lora);
        }
        return found.Select(f => f.Path).ToList();
    }

    /// <summary>Inserts a <see cref="BottleneckAdapter"/> after attention and after the MLP of every transformer block.</summary>
    public static IReadOnlyList<string> ApplyBottleneck(Module model, BottleneckSpec spec)
    {
        var paths = new List<string>();
        foreach (var (path, module) in model.NamedModules().ToList())
        {
            if (module is not TransformerEncoderBlock block)
                continue;
            var device = block.NamedParameters().First().Tensor.Device;
            block.AttachAdapters(new BottleneckAdapter(block.Dim, spec.Reduction).To(device), new BottleneckAdapter(block.Dim, spec.Reduction).To(device));
            paths.Add(path);
        }
        if (paths.Count == 0)
            throw new ArgumentException($"bottleneck adapters need transformer blocks, but {model.GetType().Name} has none; use a LoRA spec for this model");
        return paths;
    }

    /// <summary>Makes only LoRA factors (B alone where A is frozen), bottleneck adapters and classification heads trainable.</summary>
    public static void FreezeBackbone(Module model)
    {
        model.SetRequiresGrad(false);
        foreach (var (_, module) in model.NamedModules())
        {
            switch (module)
            {
                case LoraLinear lora:
                    lora.LoraA.RequiresGrad = lora.TrainsA;
                    lora.LoraB.RequiresGrad = true;
                    break;
                case BottleneckAdapter or ClassificationHead:
                    module.SetRequiresGrad(true);
                    break;
            }
        }
    }

    /// <summary>Folds every LoRA layer into its base weight (for export); returns how many layers were merged.</summary>
    public static int MergeLora(Module model)
    {
        var wrapped = new List<(Module Parent, string Child, LoraLinear Layer)>();
        foreach (var (_, module) in model.NamedModules())
            foreach (var (childName, child) in module.NamedChildren())
                if (child is LoraLinear lora)
                    wrapped.Add((module, childName, lora));
        foreach (var (parent, childName, lora) in wrapped)
            parent.ReplaceModule(childName, lora.Merge());
        return wrapped.Count;
    }
}

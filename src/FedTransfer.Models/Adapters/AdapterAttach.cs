using FedTransfer.Models.NN;
using FedTransfer.Weights.Adapters;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedTransfer.Models.Adapters;

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
    public static IReadOnlyList<string> Attach(nn.Module model, AdapterSpec spec)
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
    public static IReadOnlyList<string> ApplyLora(nn.Module model, LoraSpec spec)
    {
        var patterns = spec.Targets.Select(t => new ModulePattern(t)).ToArray();
        var found = new List<(TransferModule Parent, string Child, string Path, Linear Layer)>();
        var linears = new List<string>();
        foreach (var (path, module) in WithRoot(model))
            foreach (var (childName, child) in module.named_children())
            {
                if (child is not Linear linear)
                    continue;
                var childPath = path.Length == 0 ? childName : path + "." + childName;
                linears.Add(childPath);
                if (patterns.Any(p => p.Matches(childPath)))
                    found.Add((module as TransferModule ?? throw new ArgumentException(
                        $"LoRA target '{childPath}' sits in a {module.GetType().Name}, which cannot swap its children; build the model from the project's modules"),
                        childName, childPath, linear));
            }
        if (found.Count == 0)
            throw new ArgumentException($"LoRA targets '{string.Join('|', spec.Targets)}' match no Linear layer; Linear layers are: " +
                (linears.Count == 0 ? "(none)" : string.Join(", ", linears.Take(12)) + (linears.Count > 12 ? ", ..." : "")));
        foreach (var (parent, childName, path, layer) in found)
        {
            var lora = new LoraLinear(layer, spec.Rank, spec.Alpha, spec.Dropout);
            if (spec.FreezesA) lora.FreezeA(FrozenLoraInit.Values(spec.ASeed, path, spec.Rank, lora.InFeatures));
            parent.ReplaceChild(childName, lora);
        }
        return found.Select(f => f.Path).ToList();
    }

    /// <summary>Inserts a <see cref="BottleneckAdapter"/> after attention and after the MLP of every transformer block.</summary>
    public static IReadOnlyList<string> ApplyBottleneck(nn.Module model, BottleneckSpec spec)
    {
        var paths = new List<string>();
        foreach (var (path, module) in WithRoot(model).ToList())
        {
            if (module is not TransformerEncoderBlock block)
                continue;
            var device = block.parameters().First().device;
            block.AttachAdapters(new BottleneckAdapter(block.Dim, spec.Reduction).to(device), new BottleneckAdapter(block.Dim, spec.Reduction).to(device));
            paths.Add(path);
        }
        if (paths.Count == 0)
            throw new ArgumentException($"bottleneck adapters need transformer blocks, but {model.GetType().Name} has none; use a LoRA spec for this model");
        return paths;
    }

    /// <summary>Makes only LoRA factors (B alone where A is frozen), bottleneck adapters and classification heads trainable.</summary>
    public static void FreezeBackbone(nn.Module model)
    {
        model.SetRequiresGrad(false);
        foreach (var (_, module) in WithRoot(model))
        {
            switch (module)
            {
                case LoraLinear lora:
                    lora.LoraA.requires_grad = lora.TrainsA;
                    lora.LoraB.requires_grad = true;
                    break;
                case BottleneckAdapter or ClassificationHead:
                    module.SetRequiresGrad(true);
                    break;
            }
        }
    }

    /// <summary>Folds every LoRA layer into its base weight (for export); returns how many layers were merged.</summary>
    public static int MergeLora(nn.Module model)
    {
        var wrapped = new List<(TransferModule Parent, string Child, LoraLinear Layer)>();
        foreach (var (_, module) in WithRoot(model))
            foreach (var (childName, child) in module.named_children())
                if (child is LoraLinear lora && module is TransferModule parent)
                    wrapped.Add((parent, childName, lora));
        foreach (var (parent, childName, lora) in wrapped)
            parent.ReplaceChild(childName, lora.Merge());
        return wrapped.Count;
    }

    // TorchSharp's named_modules() leaves out the module itself (PyTorch's lists it under ""); adapters may sit on the root.
    private static IEnumerable<(string Name, nn.Module Module)> WithRoot(nn.Module model) =>
        model.named_modules().Prepend(("", model));
}

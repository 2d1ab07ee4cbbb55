using static TorchSharp.torch;

namespace FedTransfer.Models.NN;

/// <summary>
/// Backbone for tabular rows: hidden Linear layers <c>layers.0</c>, <c>layers.1</c>, … each followed by GELU and dropout, then
/// a <see cref="ClassificationHead"/> <c>head</c>. LoRA can target its layers with <c>targets=layers.*</c>.
/// </summary>
public sealed class MlpBackbone : TransferModule
{
    private readonly int _layers;

    /// <summary>Creates the MLP <paramref name="inputFeatures"/> → <paramref name="hidden"/>… → <paramref name="classes"/>.</summary>
    public MlpBackbone(int inputFeatures, IReadOnlyList<int> hidden, int classes, double dropout = 0) : base(nameof(MlpBackbone))
    {
        ArgumentNullException.ThrowIfNull(hidden);
        if (inputFeatures <= 0 || hidden.Count == 0 || hidden.Any(h => h <= 0))
            throw new ArgumentException($"MLP backbone needs positive input features and at least one positive hidden width, got in={inputFeatures}, hidden=[{string.Join(", ", hidden)}]", nameof(hidden));
        InputFeatures = inputFeatures;
        _layers = hidden.Count;
        var layers = new List<nn.Module<Tensor, Tensor>>();
        long width = inputFeatures;
        foreach (var h in hidden)
        {
            layers.Add(Layers.Linear(width, h));
            width = h;
        }
        AddChild("layers", new Sequential(layers));
        AddChild("drop", Layers.Dropout(dropout));
        AddChild("head", new ClassificationHead(width, classes));
        Features = width;
    }

    /// <summary>Width of an input row.</summary>
    public int InputFeatures { get; }

    /// <summary>Width of the features fed to the head.</summary>
    public long Features { get; }

    /// <summary>Replaces the head (new task) and disposes the old one.</summary>
    public ClassificationHead ReplaceHead(ClassificationHead head)
    {
        if (head.Features != Features)
            throw new ArgumentException($"the new head takes {head.Features} features but this backbone produces {Features}", nameof(head));
        ReplaceChild("head", head).Dispose();
        return head;
    }

    /// <summary>Maps [batch, features] rows to [batch, classes] logits.</summary>
    public override Tensor forward(Tensor input)
    {
        if (input.dim() != 2 || input.shape[1] != InputFeatures)
            throw new ArgumentException($"MLP backbone expects rows [batch, {InputFeatures}], got [{string.Join(", ", input.shape)}]", nameof(input));
        var layers = (Sequential)Child("layers");
        var drop = Child("drop");
        var x = input;
        for (var i = 0; i < _layers; i++)
            x = drop.call(nn.functional.gelu(layers[i].call(x)));
        return Child("head").call(x);
    }
}

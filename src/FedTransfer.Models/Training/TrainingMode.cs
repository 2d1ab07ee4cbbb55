using FedTransfer.Weights.Adapters;

namespace FedTransfer.Models.Training;

/// <summary>What a fine-tuning run trains.</summary>
public enum TrainingMode
{
    /// <summary>LoRA factors on the backbone's Linear layers, plus a new head.</summary>
    Lora,
    /// <summary>Houlsby bottleneck adapters in every block, plus a new head.</summary>
    Bottleneck,
    /// <summary>Only a new head on the frozen backbone (linear probe).</summary>
    HeadOnly,
    /// <summary>Every weight, starting from the pretrained backbone.</summary>
    Full,
    /// <summary>Every weight of a randomly initialised model: the baseline that shows what transfer is worth.</summary>
    Scratch,
}

/// <summary>Parsing and naming of <see cref="TrainingMode"/> as the CLI spells it (<c>lora</c>, <c>head-only</c>, …).</summary>
public static class TrainingModes
{
    /// <summary>The CLI names, in declaration order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["lora", "bottleneck", "head-only", "full", "scratch"];

    /// <summary>The CLI name of <paramref name="mode"/>.</summary>
    public static string ToName(this TrainingMode mode) => Names[(int)mode];

    /// <summary>The mode that trains what <paramref name="spec"/> describes (LoRA, bottleneck, head only or everything).</summary>
    public static TrainingMode Of(AdapterSpec spec) => spec switch
    {
        LoraSpec => TrainingMode.Lora,
        BottleneckSpec => TrainingMode.Bottleneck,
        HeadOnlySpec => TrainingMode.HeadOnly,
        FullSpec => TrainingMode.Full,
        _ => throw new ArgumentException($"no training mode for adapter spec '{spec}'", nameof(spec)),
    };

    /// <summary>Parses a CLI name; throws <see cref="FormatException"/> listing the valid ones.</summary>
    public static TrainingMode Parse(string text)
    {
        for (var i = 0; i < Names.Count; i++)
            if (string.Equals(Names[i], text?.Trim(), StringComparison.OrdinalIgnoreCase))
                return (TrainingMode)i;
        throw new FormatException($"unknown training mode '{text}'; expected one of {string.Join(", ", Names)}");
    }
}

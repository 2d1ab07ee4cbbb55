using FedTransfer.Weights.Adapters;
using FedTransfer.Models.Adapters;
using FedTransfer.Models.NN;

namespace FedTransfer.Models.Training;

/// <summary>
/// Builds the model a fine-tuning run trains: a pretrained <see cref="VisionTransformer"/> with a new head for the target
/// classes and, depending on the mode, adapters and frozen backbone; or, for <see cref="TrainingMode.Scratch"/>, a fresh
/// model of the same shape. The result is on the CPU; move it with <c>to(device)</c>.
/// </summary>
public static class TransferModelFactory
{
    /// <summary>Creates the model for <paramref name="mode"/>.</summary>
    /// <param name="backbone">The pretrained architecture (its <c>Classes</c> is the source task's).</param>
    /// <param name="backboneWeights">Backbone safetensors; ignored for scratch.</param>
    /// <param name="mode">What to train.</param>
    /// <param name="adapter">Adapter spec for <see cref="TrainingMode.Lora"/> / <see cref="TrainingMode.Bottleneck"/>; defaults when null.</param>
    /// <param name="classes">Number of target classes.</param>
    public static VisionTransformer Create(VisionTransformerConfig backbone, string? backboneWeights, TrainingMode mode, AdapterSpec? adapter, int classes)
    {
        ArgumentNullException.ThrowIfNull(backbone);
        if (mode == TrainingMode.Scratch)
            return new VisionTransformer(backbone with { Classes = classes });
        if (backboneWeights is null)
            throw new ArgumentException($"mode {mode.ToName()} starts from a pretrained backbone, but no weights file was given");
        adapter = mode switch
        {
            TrainingMode.Lora => adapter as LoraSpec ?? (adapter is null ? new LoraSpec() : throw Mismatch(mode, adapter)),
            TrainingMode.Bottleneck => adapter as BottleneckSpec ?? (adapter is null ? new BottleneckSpec() : throw Mismatch(mode, adapter)),
            _ => null,
        };
        var model = new VisionTransformer(backbone);
        try
        {
            ModelCheckpoint.LoadStateDict(model, backboneWeights);
            model.ReplaceHead(new ClassificationHead(backbone.Dim, classes));
            if (adapter is not null)
                AdapterAttach.Attach(model, adapter);
            else if (mode == TrainingMode.HeadOnly)
                AdapterAttach.FreezeBackbone(model);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static ArgumentException Mismatch(TrainingMode mode, AdapterSpec adapter) =>
        new($"mode {mode.ToName()} cannot use adapter spec '{adapter}'; give a {(mode == TrainingMode.Lora ? "lora:..." : "bottleneck:...")} spec or change --mode");
}

using static TorchSharp.torch;

namespace FedTransfer.Models.NN;

/// <summary>
/// Vision transformer (Dosovitskiy et al. 2021) in timm's naming: <c>cls_token</c>, <c>pos_embed</c>, <c>patch_embed.proj</c>,
/// <c>blocks.N.*</c>, <c>norm</c>, <c>head</c>. Classifies from the final class token.
/// </summary>
public sealed class VisionTransformer : TransferModule
{
    private readonly int _depth;

    /// <summary>Creates a freshly initialised model of shape <paramref name="config"/>.</summary>
    public VisionTransformer(VisionTransformerConfig config) : base(nameof(VisionTransformer))
    {
        Config = (config ?? throw new ArgumentNullException(nameof(config))).Validate();
        _depth = config.Depth;
        AddParameter("cls_token", Layers.TruncatedNormal([1, 1, config.Dim], 0.02));
        AddParameter("pos_embed", Layers.TruncatedNormal([1, config.NumPatches + 1, config.Dim], 0.02));
        AddChild("patch_embed", new PatchEmbedding(config.ImageSize, config.PatchSize, config.Channels, config.Dim));
        AddChild("pos_drop", Layers.Dropout(config.Dropout));
        AddChild("blocks", new Sequential(Enumerable.Range(0, config.Depth)
            .Select(_ => (nn.Module<Tensor, Tensor>)new TransformerEncoderBlock(config.Dim, config.Heads, config.MlpRatio, config.Dropout))));
        AddChild("norm", Layers.LayerNorm(config.Dim));
        AddChild("head", new ClassificationHead(config.Dim, config.Classes));
    }

    /// <summary>The architecture.</summary>
    public VisionTransformerConfig Config { get; }

    /// <summary>The blocks, in order.</summary>
    public IEnumerable<TransformerEncoderBlock> Blocks
    {
        get
        {
            var blocks = (Sequential)Child("blocks");
            for (var i = 0; i < _depth; i++)
                yield return (TransformerEncoderBlock)blocks[i];
        }
    }

    /// <summary>The current head.</summary>
    public ClassificationHead Head => (ClassificationHead)Child("head");

    /// <summary>Replaces the head (new task) and disposes the old one; returns the new head.</summary>
    public ClassificationHead ReplaceHead(ClassificationHead head)
    {
        if (head.Features != Config.Dim)
            throw new ArgumentException($"the new head takes {head.Features} features but this transformer produces {Config.Dim}", nameof(head));
        ReplaceChild("head", head).Dispose();
        return head;
    }

    /// <summary>The normalised class-token features [batch, dim], before the head.</summary>
    public Tensor ForwardFeatures(Tensor images)
    {
        var tokens = Child("patch_embed").call(images);
        var batch = images.shape[0];
        var cls = Param("cls_token").expand(batch, 1, Config.Dim);
        var x = cat([cls, tokens], 1).add(Param("pos_embed"));
        x = Child("pos_drop").call(x);
        x = Child("blocks").call(x);
        // LayerNorm is per token, so normalising only the class token equals timm's norm-then-select at 1/(N+1) of the cost.
        return Child("norm").call(x.select(1, 0));
    }

    /// <summary>Maps [batch, channels, size, size] images to [batch, classes] logits.</summary>
    public override Tensor forward(Tensor input) => Child("head").call(ForwardFeatures(input));
}

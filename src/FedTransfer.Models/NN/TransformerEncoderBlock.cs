using static TorchSharp.torch;

namespace FedTransfer.Models.NN;

/// <summary>
/// Pre-norm transformer encoder block (timm ViT layout): <c>x + attn(norm1(x))</c>, then <c>x + mlp(norm2(x))</c>.
/// Bottleneck adapters, when attached, sit on each sublayer's output before the residual add
/// (<c>adapter_attn</c>, <c>adapter_mlp</c>), as in Houlsby et al. 2019.
/// </summary>
public sealed class TransformerEncoderBlock : TransferModule
{
    private const string AdapterAttn = "adapter_attn";
    private const string AdapterMlp = "adapter_mlp";

    /// <summary>Creates a block of width <paramref name="dim"/> whose MLP hidden width is <paramref name="mlpRatio"/>·dim.</summary>
    public TransformerEncoderBlock(long dim, long heads, double mlpRatio = 4.0, double dropout = 0, double attentionDropout = 0, double eps = 1e-6) : base(nameof(TransformerEncoderBlock))
    {
        if (mlpRatio <= 0 || double.IsNaN(mlpRatio))
            throw new ArgumentOutOfRangeException(nameof(mlpRatio), $"MLP ratio must be positive, got {mlpRatio}");
        Dim = dim;
        AddChild("norm1", Layers.LayerNorm(dim, eps));
        AddChild("attn", new MultiHeadSelfAttention(dim, heads, attentionDropout, dropout));
        AddChild("norm2", Layers.LayerNorm(dim, eps));
        AddChild("mlp", new Mlp(dim, (long)Math.Round(dim * mlpRatio), dropout));
    }

    /// <summary>Token width.</summary>
    public long Dim { get; }

    /// <summary>True once <see cref="AttachAdapters"/> has run.</summary>
    public bool HasAdapters => TryChild(AdapterAttn) is not null;

    /// <summary>Inserts adapters after the attention and after the MLP sublayer; each maps [B, N, dim] to the same shape.</summary>
    public void AttachAdapters(nn.Module<Tensor, Tensor> afterAttention, nn.Module<Tensor, Tensor> afterMlp)
    {
        if (HasAdapters)
            throw new InvalidOperationException("this transformer block already has bottleneck adapters attached");
        AddChild(AdapterAttn, afterAttention);
        AddChild(AdapterMlp, afterMlp);
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        var h = Child("attn").call(Child("norm1").call(input));
        if (TryChild(AdapterAttn) is { } adapterAttn)
            h = adapterAttn.call(h);
        var x = input.add(h);
        h = Child("mlp").call(Child("norm2").call(x));
        if (TryChild(AdapterMlp) is { } adapterMlp)
            h = adapterMlp.call(h);
        return x.add(h);
    }
}

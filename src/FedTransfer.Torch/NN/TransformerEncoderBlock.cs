namespace FedTransfer.Torch.NN;

/// <summary>
/// Pre-norm transformer encoder block (timm ViT layout): <c>x + attn(norm1(x))</c>, then <c>x + mlp(norm2(x))</c>.
/// Bottleneck adapters, when attached, sit on each sublayer's output before the residual add
/// (<c>adapter_attn</c>, <c>adapter_mlp</c>), as in Houlsby et al. 2019.
/// </summary>
public sealed class TransformerEncoderBlock : Module
{
    private const string AdapterAttn = "adapter_attn";
    private const string AdapterMlp = "adapter_mlp";

    /// <summary>Creates a block of width <paramref name="dim"/> whose MLP hidden width is <paramref name="mlpRatio"/>·dim.</summary>
    public TransformerEncoderBlock(long dim, long heads, double mlpRatio = 4.0, double dropout = 0, double attentionDropout = 0, double eps = 1e-6)
    {
        if (mlpRatio <= 0 || double.IsNaN(mlpRatio))
            throw new ArgumentOutOfRangeException(nameof(mlpRatio), $"MLP ratio must be positive, got {mlpRatio}");
        Dim = dim;
        RegisterModule("norm1", new LayerNorm(dim, eps));
        RegisterModule("attn", new MultiHeadSelfAttention(dim, heads, attentionDropout, dropout));
        RegisterModule("norm2", new LayerNorm(dim, eps));
        RegisterModule("mlp", new Mlp(dim, (long)Math.Round(dim * mlpRatio), dropout));
    }

    /// <summary>Token width.</summary>
    public long Dim { get; }

    /// <summary>True once <see cref="AttachAdapters"/> has run.</summary>
    public bool HasAdapters => TryChild(AdapterAttn) is not null;

    /// <summary>Inserts adapters after the attention and after the MLP sublayer; each maps [B, N, dim] to the same shape.</summary>
    public void AttachAdapters(Module afterAttention, Module afterMlp)
    {
        if (HasAdapters)
            throw new InvalidOperationException("this transformer block already has bottleneck adapters attached");
        RegisterModule(AdapterAttn, afterAttention);
        RegisterModule(AdapterMlp, afterMlp);
    }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        var h = Child("attn").Forward(Child("norm1").Forward(input));
        if (TryChild(AdapterAttn) is { } adapterAttn)
            h = adapterAttn.Forward(h);
        var x = input.Add(h);
        h = Child("mlp").Forward(Child("norm2").Forward(x));
        if (TryChild(AdapterMlp) is { } adapterMlp)
            h = adapterMlp.Forward(h);
        return x.Add(h);
    }
}

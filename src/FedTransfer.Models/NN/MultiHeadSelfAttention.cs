using static TorchSharp.torch;

namespace FedTransfer.Models.NN;

/// <summary>
/// Multi-head self-attention in the timm ViT layout: one fused <c>qkv</c> Linear (dim → 3·dim), scaled dot-product
/// attention per head, and the output projection <c>proj</c>. Input and output are [batch, tokens, dim].
/// </summary>
public sealed class MultiHeadSelfAttention : TransferModule
{
    private readonly double _attentionDropout;

    /// <summary>Creates attention over <paramref name="dim"/>-wide tokens split into <paramref name="heads"/> heads.</summary>
    public MultiHeadSelfAttention(long dim, long heads, double attentionDropout = 0, double projectionDropout = 0, bool qkvBias = true) : base(nameof(MultiHeadSelfAttention))
    {
        if (heads <= 0 || dim <= 0 || dim % heads != 0)
            throw new ArgumentException($"attention width {dim} must be a positive multiple of the head count {heads}", nameof(heads));
        Dim = dim;
        Heads = heads;
        HeadDim = dim / heads;
        if (attentionDropout is < 0 or >= 1 || double.IsNaN(attentionDropout))
            throw new ArgumentOutOfRangeException(nameof(attentionDropout), $"attention dropout must be in [0, 1), got {attentionDropout}");
        _attentionDropout = attentionDropout;
        AddChild("qkv", Layers.Linear(dim, 3 * dim, qkvBias));
        AddChild("proj", Layers.Linear(dim, dim));
        AddChild("proj_drop", Layers.Dropout(projectionDropout));
    }

    /// <summary>Token width.</summary>
    public long Dim { get; }

    /// <summary>Number of heads.</summary>
    public long Heads { get; }

    /// <summary>Width of one head.</summary>
    public long HeadDim { get; }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        var shape = input.shape;
        if (shape.Length != 3 || shape[2] != Dim)
            throw new ArgumentException($"attention expects [batch, tokens, {Dim}], got [{string.Join(", ", shape)}]", nameof(input));
        long b = shape[0], n = shape[1];
        // [B, N, 3C] -> [3, B, H, N, Dh]: one permute, then q/k/v are views along the first axis.
        var qkv = Child("qkv").call(input).view(b, n, 3, Heads, HeadDim).permute(2, 0, 3, 1, 4);
        var q = qkv.select(0, 0);
        var k = qkv.select(0, 1);
        var v = qkv.select(0, 2);
        // One fused kernel for scores, softmax (scaled by 1/sqrt(Dh), its default), dropout and the weighted sum.
        var context = nn.functional.scaled_dot_product_attention(q, k, v, p: training ? _attentionDropout : 0)
            .transpose(1, 2).reshape(b, n, Dim);
        return Child("proj_drop").call(Child("proj").call(context));
    }
}

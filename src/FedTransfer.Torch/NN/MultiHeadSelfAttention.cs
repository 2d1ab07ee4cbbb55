namespace FedTransfer.Torch.NN;

/// <summary>
/// Multi-head self-attention in the timm ViT layout: one fused <c>qkv</c> Linear (dim → 3·dim), scaled dot-product
/// attention per head, and the output projection <c>proj</c>. Input and output are [batch, tokens, dim].
/// </summary>
public sealed class MultiHeadSelfAttention : Module
{
    private readonly double _scale;
    private readonly double _attentionDropout;

    /// <summary>Creates attention over <paramref name="dim"/>-wide tokens split into <paramref name="heads"/> heads.</summary>
    public MultiHeadSelfAttention(long dim, long heads, double attentionDropout = 0, double projectionDropout = 0, bool qkvBias = true)
    {
        if (heads <= 0 || dim <= 0 || dim % heads != 0)
            throw new ArgumentException($"attention width {dim} must be a positive multiple of the head count {heads}", nameof(heads));
        Dim = dim;
        Heads = heads;
        HeadDim = dim / heads;
        _scale = 1.0 / Math.Sqrt(HeadDim);
        if (attentionDropout is < 0 or >= 1 || double.IsNaN(attentionDropout))
            throw new ArgumentOutOfRangeException(nameof(attentionDropout), $"attention dropout must be in [0, 1), got {attentionDropout}");
        _attentionDropout = attentionDropout;
        RegisterModule("qkv", new Linear(dim, 3 * dim, qkvBias));
        RegisterModule("proj", new Linear(dim, dim));
        RegisterModule("proj_drop", new Dropout(projectionDropout));
    }

    /// <summary>Token width.</summary>
    public long Dim { get; }

    /// <summary>Number of heads.</summary>
    public long Heads { get; }

    /// <summary>Width of one head.</summary>
    public long HeadDim { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input)
    {
        var shape = input.Shape;
        if (shape.Length != 3 || shape[2] != Dim)
            throw new ArgumentException($"attention expects [batch, tokens, {Dim}], got [{string.Join(", ", shape)}]", nameof(input));
        long b = shape[0], n = shape[1];
        // [B, N, 3C] -> [3, B, H, N, Dh]: one permute, then q/k/v are views along the first axis.
        var qkv = Child("qkv").Forward(input).View(b, n, 3, Heads, HeadDim).Permute(2, 0, 3, 1, 4);
        var q = qkv.Select(0, 0);
        var k = qkv.Select(0, 1);
        var v = qkv.Select(0, 2);
        // One native call for scale, scores, softmax, dropout and the weighted sum (q is scaled, the cheaper operand at N ≈ Dh).
        var context = Functional.ScaledDotProductAttention(q, k, v, _scale, _attentionDropout, IsTraining)
            .Transpose(1, 2).Reshape(b, n, Dim);
        return Child("proj_drop").Forward(Child("proj").Forward(context));
    }
}

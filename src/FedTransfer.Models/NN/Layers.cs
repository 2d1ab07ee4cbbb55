using TorchSharp.Modules;
using static TorchSharp.torch;

namespace FedTransfer.Models.NN;

/// <summary>
/// TorchSharp's own layers, created with the checks and one-line errors this project gives (TorchSharp's constructors
/// accept a zero width and fail later in native code).
/// </summary>
public static class Layers
{
    /// <summary>A fully connected layer <c>y = x Wᵀ + b</c>, PyTorch's default initialisation: <c>weight</c> [out, in], <c>bias</c> [out].</summary>
    public static Linear Linear(long inFeatures, long outFeatures, bool bias = true) =>
        inFeatures > 0 && outFeatures > 0
            ? nn.Linear(inFeatures, outFeatures, hasBias: bias)
            : throw new ArgumentOutOfRangeException(nameof(inFeatures), $"Linear needs positive sizes, got in={inFeatures}, out={outFeatures}");

    /// <summary>Layer normalisation over the last dimension (<c>weight</c> ones, <c>bias</c> zeros).</summary>
    public static LayerNorm LayerNorm(long dim, double eps = 1e-6) =>
        dim > 0 ? nn.LayerNorm(dim, eps) : throw new ArgumentOutOfRangeException(nameof(dim), $"LayerNorm needs a positive width, got {dim}");

    /// <summary>Inverted dropout with probability <paramref name="p"/> in [0, 1).</summary>
    public static Dropout Dropout(double p) =>
        p is >= 0 and < 1 ? nn.Dropout(p) : throw new ArgumentOutOfRangeException(nameof(p), $"dropout probability must be in [0, 1), got {p}");

    /// <summary>A square-kernel 2-D convolution: <c>weight</c> [out, in, k, k], <c>bias</c> [out].</summary>
    public static Conv2d Conv2d(long inChannels, long outChannels, long kernelSize, long stride = 1, long padding = 0, bool bias = true) =>
        inChannels > 0 && outChannels > 0 && kernelSize > 0 && stride > 0 && padding >= 0
            ? nn.Conv2d(inChannels, outChannels, kernelSize, stride, padding, bias: bias)
            : throw new ArgumentOutOfRangeException(nameof(kernelSize),
                $"Conv2d needs positive channels/kernel/stride and padding >= 0, got in={inChannels} out={outChannels} k={kernelSize} stride={stride} pad={padding}");

    /// <summary>Normal(0, std) truncated to ±2 std, the ViT convention for position embeddings and the class token.</summary>
    public static Tensor TruncatedNormal(long[] shape, double std)
    {
        var t = empty(shape);
        using (no_grad())
            nn.init.trunc_normal_(t, 0, std, -2 * std, 2 * std);
        return t;
    }
}

using FedTransfer.Models.NN;
using TorchSharp;
using static TorchSharp.torch;

namespace FedTransfer.Models.Tests.TestSupport;

/// <summary>Small helpers for comparing and randomising tensors in tests.</summary>
internal static class TestTensors
{
    /// <summary>Largest absolute element-wise difference of two tensors of the same shape.</summary>
    public static double MaxAbsDiff(Tensor a, Tensor b)
    {
        Assert.Equal(a.shape, b.shape);
        using var scope = NewDisposeScope();
        return a.to_type(ScalarType.Float64).sub(b.to_type(ScalarType.Float64)).abs().max().item<double>();
    }

    /// <summary>The float32 values of <paramref name="t"/> (any device), row-major.</summary>
    public static float[] Values(this Tensor t)
    {
        using var scope = NewDisposeScope();
        return t.detach().cpu().contiguous().data<float>().ToArray();
    }

    /// <summary>Overwrites every parameter with N(0, std) values (so zero-initialised factors take part too).</summary>
    public static void Randomize(nn.Module module, double std = 0.2)
    {
        using var noGrad = no_grad();
        foreach (var (_, p) in module.named_parameters())
            p.normal_(0, std);
    }

    /// <summary>A tiny ViT that runs in milliseconds: 8×8 grey images, 4 patches, width 16, 2 blocks, 2 heads, 3 classes.</summary>
    public static VisionTransformerConfig TinyVit => new()
    {
        ImageSize = 8, Channels = 1, PatchSize = 4, Dim = 16, Depth = 2, Heads = 2, MlpRatio = 2, Classes = 3,
    };

    /// <summary>Copies the float32 contents of every named tensor (to check later that nothing changed).</summary>
    public static Dictionary<string, float[]> Snapshot<TTensor>(IEnumerable<(string Name, TTensor Tensor)> tensors) where TTensor : Tensor =>
        tensors.ToDictionary(t => t.Name, t => t.Tensor.Values());
}

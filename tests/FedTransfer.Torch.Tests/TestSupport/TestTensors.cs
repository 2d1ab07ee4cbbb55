using FedTransfer.Torch.NN;

namespace FedTransfer.Torch.Tests.TestSupport;

/// <summary>Small helpers for comparing and randomising tensors in tests.</summary>
internal static class TestTensors
{
    /// <summary>Largest absolute element-wise difference of two float32 tensors of the same shape.</summary>
    public static double MaxAbsDiff(Tensor a, Tensor b)
    {
        Assert.Equal(a.Shape, b.Shape);
        var x = a.ToArray<float>();
        var y = b.ToArray<float>();
        double max = 0;
        for (var i = 0; i < x.Length; i++)
            max = Math.Max(max, Math.Abs((double)x[i] - y[i]));
        return max;
    }

    /// <summary>Overwrites every parameter with N(0, std) values (so zero-initialised factors take part too).</summary>
    public static void Randomize(Module module, double std = 0.2)
    {
        using var noGrad = Torch.NoGrad();
        foreach (var (_, p) in module.NamedParameters())
            p.NormalInPlace(0, std);
    }

    /// <summary>A tiny ViT that runs in milliseconds: 8×8 grey images, 4 patches, width 16, 2 blocks, 2 heads, 3 classes.</summary>
    public static VisionTransformerConfig TinyVit => new()
    {
        ImageSize = 8, Channels = 1, PatchSize = 4, Dim = 16, Depth = 2, Heads = 2, MlpRatio = 2, Classes = 3,
    };

    /// <summary>Copies the float32 contents of every named tensor (to check later that nothing changed).</summary>
    public static Dictionary<string, float[]> Snapshot(IEnumerable<(string Name, Tensor Tensor)> tensors) =>
        tensors.ToDictionary(t => t.Name, t => t.Tensor.ToArray<float>());
}

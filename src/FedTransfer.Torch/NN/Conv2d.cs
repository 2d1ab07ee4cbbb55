namespace FedTransfer.Torch.NN;

/// <summary>2-D convolution with square kernels, PyTorch's default init. Tensors: <c>weight</c> [out, in, k, k], <c>bias</c> [out].</summary>
public sealed class Conv2d : Module
{
    /// <summary>Creates a convolution; the patch embedding uses kernel = stride = patch size.</summary>
    public Conv2d(long inChannels, long outChannels, long kernelSize, long stride = 1, long padding = 0, bool bias = true)
    {
        if (inChannels <= 0 || outChannels <= 0 || kernelSize <= 0 || stride <= 0 || padding < 0)
            throw new ArgumentOutOfRangeException(nameof(kernelSize),
                $"Conv2d needs positive channels/kernel/stride and padding >= 0, got in={inChannels} out={outChannels} k={kernelSize} stride={stride} pad={padding}");
        Stride = stride;
        Padding = padding;
        var fanIn = inChannels * kernelSize * kernelSize;
        RegisterParameter("weight", Init.KaimingUniform([outChannels, inChannels, kernelSize, kernelSize], fanIn));
        if (bias)
            RegisterParameter("bias", Init.Uniform([outChannels], 1.0 / Math.Sqrt(fanIn)));
    }

    /// <summary>Step between kernel applications.</summary>
    public long Stride { get; }

    /// <summary>Zero padding on each side.</summary>
    public long Padding { get; }

    /// <inheritdoc />
    public override Tensor Forward(Tensor input) =>
        Functional.Conv2d(input, Parameter("weight"), TryParameter("bias"), Stride, Padding);
}

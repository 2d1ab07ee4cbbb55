using FedTransfer.Torch.Native;

namespace FedTransfer.Torch;

// In-place updates. On a leaf that requires grad libtorch refuses them unless inside Torch.NoGrad().
public sealed partial class Tensor
{
    /// <summary>this += alpha × other. Returns this tensor.</summary>
    public Tensor AddInPlace(Tensor other, double alpha = 1)
    {
        NativeMethods.Check(NativeMethods.ft_add_(Handle, other.Handle, alpha));
        GC.KeepAlive(other);
        return this;
    }

    /// <summary>this ×= scalar. Returns this tensor.</summary>
    public Tensor MulInPlace(double scalar)
    {
        NativeMethods.Check(NativeMethods.ft_mul_scalar_(Handle, scalar));
        return this;
    }

    /// <summary>Copies <paramref name="source"/>'s values into this tensor (broadcast, converting dtype and device). Returns this tensor.</summary>
    public Tensor CopyFrom(Tensor source)
    {
        NativeMethods.Check(NativeMethods.ft_copy_(Handle, source.Handle));
        GC.KeepAlive(source);
        return this;
    }

    /// <summary>Sets every element to 0. Returns this tensor.</summary>
    public Tensor ZeroInPlace()
    {
        NativeMethods.Check(NativeMethods.ft_zero_(Handle));
        return this;
    }

    /// <summary>Sets every element to <paramref name="value"/>. Returns this tensor.</summary>
    public Tensor FillInPlace(double value)
    {
        NativeMethods.Check(NativeMethods.ft_fill_(Handle, value));
        return this;
    }

    /// <summary>Fills with normal samples from the global generator. Returns this tensor.</summary>
    public Tensor NormalInPlace(double mean = 0, double std = 1)
    {
        NativeMethods.Check(NativeMethods.ft_normal_(Handle, mean, std));
        return this;
    }

    /// <summary>Fills with uniform samples in [lo, hi) from the global generator. Returns this tensor.</summary>
    public Tensor UniformInPlace(double lo = 0, double hi = 1)
    {
        NativeMethods.Check(NativeMethods.ft_uniform_(Handle, lo, hi));
        return this;
    }
}

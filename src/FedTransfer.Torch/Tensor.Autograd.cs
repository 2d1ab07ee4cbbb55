using FedTransfer.Torch.Native;

namespace FedTransfer.Torch;

// Autograd surface. Grad mode itself is per thread: see Torch.NoGrad().
public sealed partial class Tensor
{
    /// <summary>Whether autograd records operations on this tensor. Only leaves can be set (PyTorch's rule).</summary>
    public bool RequiresGrad
    {
        get
        {
            var value = NativeMethods.ft_requires_grad(Handle) != 0;
            GC.KeepAlive(this);
            return value;
        }

        set
        {
            NativeMethods.Check(NativeMethods.ft_set_requires_grad(Handle, value ? 1 : 0));
            GC.KeepAlive(this);
        }
    }

    /// <summary>True when the tensor was not computed by a recorded operation (parameters, inputs).</summary>
    public bool IsLeaf
    {
        get
        {
            var value = NativeMethods.ft_is_leaf(Handle);
            GC.KeepAlive(this);
            return value switch
            {
                1 => true,
                0 => false,
                _ => throw NativeMethods.ThrowLastError(),
            };
        }
    }

    /// <summary>
    /// The accumulated gradient, or null before the first backward (or after <see cref="ZeroGrad"/>). Each call
    /// returns a NEW handle sharing the gradient's storage, owned by the caller like any op result (registered
    /// with the current dispose scope). No cache is kept: a cached wrapper would go stale when the gradient is
    /// dropped and re-created, and would outlive the scopes it was read in.
    /// </summary>
    public unsafe Tensor? Grad
    {
        get
        {
            IntPtr g;
            NativeMethods.Check(NativeMethods.ft_grad(Handle, &g));
            GC.KeepAlive(this);
            return g == IntPtr.Zero ? null : Wrap(g);
        }
    }

    /// <summary>Back-propagates from this scalar tensor, accumulating into the leaves' <see cref="Grad"/>.</summary>
    public void Backward()
    {
        NativeMethods.Check(NativeMethods.ft_backward(Handle));
        GC.KeepAlive(this);
    }

    /// <summary>Drops the gradient (PyTorch's set_to_none); the next backward starts from zero.</summary>
    public void ZeroGrad()
    {
        NativeMethods.Check(NativeMethods.ft_zero_grad(Handle));
        GC.KeepAlive(this);
    }
}

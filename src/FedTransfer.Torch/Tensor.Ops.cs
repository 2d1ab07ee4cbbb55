using FedTransfer.Torch.Native;

namespace FedTransfer.Torch;

// Element-wise arithmetic, activations and reductions. Broadcasting and dtype promotion follow PyTorch.
public sealed partial class Tensor
{
    /// <summary>this + alpha × other.</summary>
    public Tensor Add(Tensor other, double alpha = 1) => Wrap(NativeMethods.ft_add(Handle, other.Handle, alpha), this, other);

    /// <summary>this + scalar.</summary>
    public Tensor Add(double scalar) => Wrap(NativeMethods.ft_add_scalar(Handle, scalar), this);

    /// <summary>this − alpha × other.</summary>
    public Tensor Sub(Tensor other, double alpha = 1) => Wrap(NativeMethods.ft_sub(Handle, other.Handle, alpha), this, other);

    /// <summary>this − scalar.</summary>
    public Tensor Sub(double scalar) => Wrap(NativeMethods.ft_add_scalar(Handle, -scalar), this);

    /// <summary>Element-wise product.</summary>
    public Tensor Mul(Tensor other) => Wrap(NativeMethods.ft_mul(Handle, other.Handle), this, other);

    /// <summary>this × scalar.</summary>
    public Tensor Mul(double scalar) => Wrap(NativeMethods.ft_mul_scalar(Handle, scalar), this);

    /// <summary>Element-wise true division.</summary>
    public Tensor Div(Tensor other) => Wrap(NativeMethods.ft_div(Handle, other.Handle), this, other);

    /// <summary>this ÷ scalar.</summary>
    public Tensor Div(double scalar) => Wrap(NativeMethods.ft_div_scalar(Handle, scalar), this);

    /// <summary>Matrix product with PyTorch's matmul broadcasting rules (batched when either side has more than 2 dims).</summary>
    public Tensor MatMul(Tensor other) => Wrap(NativeMethods.ft_matmul(Handle, other.Handle), this, other);

    /// <summary>−this.</summary>
    public Tensor Neg() => Wrap(NativeMethods.ft_neg(Handle), this);

    /// <summary>eˣ.</summary>
    public Tensor Exp() => Wrap(NativeMethods.ft_exp(Handle), this);

    /// <summary>Natural logarithm.</summary>
    public Tensor Log() => Wrap(NativeMethods.ft_log(Handle), this);

    /// <summary>Square root.</summary>
    public Tensor Sqrt() => Wrap(NativeMethods.ft_sqrt(Handle), this);

    /// <summary>Absolute value.</summary>
    public Tensor Abs() => Wrap(NativeMethods.ft_abs(Handle), this);

    /// <summary>Hyperbolic tangent.</summary>
    public Tensor Tanh() => Wrap(NativeMethods.ft_tanh(Handle), this);

    /// <summary>Logistic sigmoid.</summary>
    public Tensor Sigmoid() => Wrap(NativeMethods.ft_sigmoid(Handle), this);

    /// <summary>thisᵉˣᵖᵒⁿᵉⁿᵗ.</summary>
    public Tensor Pow(double exponent) => Wrap(NativeMethods.ft_pow_scalar(Handle, exponent), this);

    /// <summary>Clamps to [min, max]; a null bound is not applied.</summary>
    public Tensor Clamp(double? min = null, double? max = null)
    {
        if (min is null && max is null)
        {
            throw new ArgumentException("Clamp needs at least one of min and max");
        }

        return Wrap(NativeMethods.ft_clamp(Handle, min.HasValue ? 1 : 0, min ?? 0, max.HasValue ? 1 : 0, max ?? 0), this);
    }

    /// <summary>max(x, 0).</summary>
    public Tensor Relu() => Wrap(NativeMethods.ft_relu(Handle), this);

    /// <summary>GELU; exact (erf) by default, the tanh approximation when asked.</summary>
    public Tensor Gelu(bool tanhApproximation = false) => Wrap(NativeMethods.ft_gelu(Handle, tanhApproximation ? 1 : 0), this);

    /// <summary>Softmax along <paramref name="dim"/>.</summary>
    public Tensor Softmax(long dim) => Wrap(NativeMethods.ft_softmax(Handle, dim), this);

    /// <summary>Log-softmax along <paramref name="dim"/> (numerically stable).</summary>
    public Tensor LogSoftmax(long dim) => Wrap(NativeMethods.ft_log_softmax(Handle, dim), this);

    /// <summary>Sum of all elements (a scalar tensor).</summary>
    public Tensor Sum() => Wrap(NativeMethods.ft_sum(Handle), this);

    /// <summary>Sum over <paramref name="dims"/>.</summary>
    public unsafe Tensor Sum(long[] dims, bool keepDim = false)
    {
        fixed (long* d = dims)
        {
            return Wrap(NativeMethods.ft_sum_dims(Handle, d, dims.Length, keepDim ? 1 : 0), this);
        }
    }

    /// <summary>Mean of all elements (a scalar tensor).</summary>
    public Tensor Mean() => Wrap(NativeMethods.ft_mean(Handle), this);

    /// <summary>Mean over <paramref name="dims"/>.</summary>
    public unsafe Tensor Mean(long[] dims, bool keepDim = false)
    {
        fixed (long* d = dims)
        {
            return Wrap(NativeMethods.ft_mean_dims(Handle, d, dims.Length, keepDim ? 1 : 0), this);
        }
    }

    /// <summary>Largest element (a scalar tensor).</summary>
    public Tensor Max() => Wrap(NativeMethods.ft_max(Handle), this);

    /// <summary>Index of the largest element along <paramref name="dim"/> (int64).</summary>
    public Tensor ArgMax(long dim, bool keepDim = false) => Wrap(NativeMethods.ft_argmax(Handle, dim, keepDim ? 1 : 0), this);

    /// <summary>Element-wise equality (bool tensor).</summary>
    public Tensor Eq(Tensor other) => Wrap(NativeMethods.ft_eq(Handle, other.Handle), this, other);

    /// <summary>L2 norm of all elements (a scalar tensor).</summary>
    public Tensor Norm() => Wrap(NativeMethods.ft_norm(Handle), this);

    /// <summary>True when no element is NaN or ±infinity.</summary>
    public unsafe bool AllFinite()
    {
        int result;
        NativeMethods.Check(NativeMethods.ft_all_finite(Handle, &result));
        GC.KeepAlive(this);
        return result != 0;
    }

    /// <summary>True when both tensors have the same shape and the same elements (exact comparison).</summary>
    public unsafe bool ValueEquals(Tensor other)
    {
        int result;
        NativeMethods.Check(NativeMethods.ft_equal(Handle, other.Handle, &result));
        GC.KeepAlive(this);
        GC.KeepAlive(other);
        return result != 0;
    }
}

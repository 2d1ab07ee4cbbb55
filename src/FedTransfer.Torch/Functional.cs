using System.Buffers;
using FedTransfer.Torch.Native;

namespace FedTransfer.Torch;

/// <summary>
/// The functional building blocks of networks, as in torch.nn.functional (bring it in with
/// <c>using F = FedTransfer.Torch.Functional;</c>). Each is one native call into the ATen op PyTorch itself uses.
/// </summary>
public static class Functional
{
    /// <summary>x·wᵀ + b, with w shaped [out, in].</summary>
    public static Tensor Linear(Tensor x, Tensor weight, Tensor? bias = null) =>
        Tensor.Wrap(NativeMethods.ft_linear(x.Handle, weight.Handle, bias?.Handle ?? IntPtr.Zero), x, weight, bias);

    /// <summary>2-D convolution of [N, C, H, W] input with [out, C, kh, kw] weights (square stride and padding).</summary>
    public static Tensor Conv2d(Tensor x, Tensor weight, Tensor? bias = null, long stride = 1, long padding = 0)
    {
        var result = NativeMethods.ft_conv2d(x.Handle, weight.Handle, bias?.Handle ?? IntPtr.Zero, stride, stride, padding, padding);
        return Tensor.Wrap(result, x, weight, bias);
    }

    /// <summary>Layer normalisation over the trailing <paramref name="normalizedShape"/> dimensions, optional affine.</summary>
    public static unsafe Tensor LayerNorm(Tensor x, long[] normalizedShape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(normalizedShape);
        fixed (long* s = normalizedShape)
        {
            var result = NativeMethods.ft_layer_norm(
                x.Handle, s, normalizedShape.Length, weight?.Handle ?? IntPtr.Zero, bias?.Handle ?? IntPtr.Zero, eps);
            return Tensor.Wrap(result, x, weight, bias);
        }
    }

    /// <summary>Zeroes elements with probability p and scales the rest by 1/(1−p) when training; identity otherwise.</summary>
    public static Tensor Dropout(Tensor x, double p, bool training) =>
        Tensor.Wrap(NativeMethods.ft_dropout(x.Handle, p, training ? 1 : 0), x);

    /// <summary>Rows of <paramref name="weight"/> picked by an int64 index tensor (an embedding lookup).</summary>
    public static Tensor Embedding(Tensor indices, Tensor weight) =>
        Tensor.Wrap(NativeMethods.ft_embedding(indices.Handle, weight.Handle), indices, weight);

    /// <summary>Mean cross-entropy of [N, C] logits against int64 class indices [N], with optional label smoothing.</summary>
    public static Tensor CrossEntropy(Tensor logits, Tensor targets, double labelSmoothing = 0) =>
        Tensor.Wrap(NativeMethods.ft_cross_entropy(logits.Handle, targets.Handle, labelSmoothing), logits, targets);

    /// <summary>Concatenates along an existing dimension.</summary>
    public static Tensor Cat(IReadOnlyList<Tensor> tensors, long dim = 0) => Combine(tensors, dim, stack: false);

    /// <summary>Stacks along a new dimension.</summary>
    public static Tensor Stack(IReadOnlyList<Tensor> tensors, long dim = 0) => Combine(tensors, dim, stack: true);

    /// <summary>
    /// softmax(q·kᵀ·scale)·v over the last two dimensions, with dropout on the attention weights when training.
    /// <paramref name="scale"/> defaults to 1/√(head dim). One native call instead of five.
    /// </summary>
    public static Tensor ScaledDotProductAttention(
        Tensor q, Tensor k, Tensor v, double? scale = null, double dropoutP = 0, bool training = false)
    {
        var s = scale ?? 1.0 / Math.Sqrt(q.Size(-1));
        var result = NativeMethods.ft_attention(q.Handle, k.Handle, v.Handle, s, dropoutP, training ? 1 : 0);
        return Tensor.Wrap(result, q, k, v);
    }

    private static unsafe Tensor Combine(IReadOnlyList<Tensor> tensors, long dim, bool stack)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Count == 0)
        {
            throw new ArgumentException($"{(stack ? "Stack" : "Cat")} needs at least one tensor", nameof(tensors));
        }

        var handles = ArrayPool<IntPtr>.Shared.Rent(tensors.Count);
        try
        {
            for (var i = 0; i < tensors.Count; i++)
            {
                handles[i] = tensors[i].Handle;
            }

            fixed (IntPtr* h = handles)
            {
                var result = stack
                    ? NativeMethods.ft_stack(h, tensors.Count, dim)
                    : NativeMethods.ft_cat(h, tensors.Count, dim);
                GC.KeepAlive(tensors);
                return Tensor.Wrap(result);
            }
        }
        finally
        {
            ArrayPool<IntPtr>.Shared.Return(handles);
        }
    }
}

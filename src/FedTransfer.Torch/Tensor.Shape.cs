using FedTransfer.Torch.Native;

namespace FedTransfer.Torch;

// Shape manipulation and indexing. Views share storage with this tensor.
public sealed partial class Tensor
{
    /// <summary>Same elements in a new shape (a view when possible, else a copy); one dimension may be -1.</summary>
    public unsafe Tensor Reshape(params long[] shape)
    {
        fixed (long* s = shape)
        {
            return Wrap(NativeMethods.ft_reshape(Handle, s, shape.Length), this);
        }
    }

    /// <summary>A view with a new shape; fails when the strides do not allow one (use <see cref="Reshape"/>).</summary>
    public unsafe Tensor View(params long[] shape)
    {
        fixed (long* s = shape)
        {
            return Wrap(NativeMethods.ft_view(Handle, s, shape.Length), this);
        }
    }

    /// <summary>A view with dimensions reordered.</summary>
    public unsafe Tensor Permute(params long[] dims)
    {
        fixed (long* d = dims)
        {
            return Wrap(NativeMethods.ft_permute(Handle, d, dims.Length), this);
        }
    }

    /// <summary>A broadcast view to <paramref name="shape"/> (-1 keeps a dimension).</summary>
    public unsafe Tensor Expand(params long[] shape)
    {
        fixed (long* s = shape)
        {
            return Wrap(NativeMethods.ft_expand(Handle, s, shape.Length), this);
        }
    }

    /// <summary>A view with two dimensions swapped.</summary>
    public Tensor Transpose(long dim0, long dim1) => Wrap(NativeMethods.ft_transpose(Handle, dim0, dim1), this);

    /// <summary>A view with a size-1 dimension inserted at <paramref name="dim"/>.</summary>
    public Tensor Unsqueeze(long dim) => Wrap(NativeMethods.ft_unsqueeze(Handle, dim), this);

    /// <summary>A view without dimension <paramref name="dim"/> if its size is 1 (unchanged otherwise, as in PyTorch).</summary>
    public Tensor Squeeze(long dim) => Wrap(NativeMethods.ft_squeeze(Handle, dim), this);

    /// <summary>Merges dimensions startDim..endDim into one.</summary>
    public Tensor Flatten(long startDim = 0, long endDim = -1) => Wrap(NativeMethods.ft_flatten(Handle, startDim, endDim), this);

    /// <summary>Elements start, start+step, ... (before end) along <paramref name="dim"/>; bounds clamp as in Python slicing.</summary>
    public Tensor Slice(long dim, long start, long end, long step = 1) =>
        Wrap(NativeMethods.ft_slice(Handle, dim, start, end, step), this);

    /// <summary>The sub-tensor at <paramref name="index"/> along <paramref name="dim"/> (that dimension removed).</summary>
    public Tensor Select(long dim, long index) => Wrap(NativeMethods.ft_select(Handle, dim, index), this);

    /// <summary>Rows (along <paramref name="dim"/>) picked by an int64 index tensor; a copy.</summary>
    public Tensor IndexSelect(long dim, Tensor index) => Wrap(NativeMethods.ft_index_select(Handle, dim, index.Handle), this, index);
}

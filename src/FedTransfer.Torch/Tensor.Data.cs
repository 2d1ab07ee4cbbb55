using FedTransfer.Torch.Native;

namespace FedTransfer.Torch;

public sealed partial class Tensor
{
    /// <summary>
    /// Copies the elements out (row-major, from any device). <typeparamref name="T"/> must match <see cref="DType"/>
    /// exactly (float for Float32, Half for Float16, BFloat16, long for Int64, ...); convert with <see cref="To(DType)"/> first.
    /// </summary>
    public T[] ToArray<T>()
        where T : unmanaged
    {
        var result = new T[checked((int)NumElements)];
        CopyTo<T>(result);
        return result;
    }

    /// <summary>Copies the elements into the start of <paramref name="destination"/>, which must hold at least <see cref="NumElements"/>.</summary>
    public unsafe void CopyTo<T>(Span<T> destination)
        where T : unmanaged
    {
        var h = Handle;
        var wanted = DTypeExtensions.Of<T>();
        var actual = (DType)NativeMethods.ft_dtype(h);
        if (wanted != actual)
        {
            throw new ArgumentException(
                $"tensor is {actual.ToTorchName()} but {typeof(T).Name} elements were asked for; call To(DType.{wanted}) first or read it as its own type",
                nameof(destination));
        }

        var n = NativeMethods.ft_numel(h);
        if (destination.Length < n)
        {
            throw new ArgumentException($"destination holds {destination.Length} elements but the tensor has {n}", nameof(destination));
        }

        fixed (T* d = destination)
        {
            NativeMethods.Check(NativeMethods.ft_copy_to_host(h, d, n * sizeof(T)));
        }

        GC.KeepAlive(this);
    }

    /// <summary>The raw bytes of the elements in their own dtype, row-major, little-endian (safetensors layout).</summary>
    public unsafe byte[] ToBytes()
    {
        var h = Handle;
        var bytes = new byte[checked(NativeMethods.ft_numel(h) * NativeMethods.ft_element_size(h))];
        fixed (byte* d = bytes)
        {
            NativeMethods.Check(NativeMethods.ft_copy_to_host(h, d, bytes.Length));
        }

        GC.KeepAlive(this);
        return bytes;
    }

    /// <summary>The value of a one-element tensor as float (synchronises with the device).</summary>
    public float ToSingle() => (float)ToDouble();

    /// <summary>The value of a one-element tensor as double (synchronises with the device).</summary>
    public unsafe double ToDouble()
    {
        double value;
        NativeMethods.Check(NativeMethods.ft_item_double(Handle, &value));
        GC.KeepAlive(this);
        return value;
    }

    /// <summary>The value of a one-element tensor as long (synchronises with the device).</summary>
    public unsafe long ToInt64()
    {
        long value;
        NativeMethods.Check(NativeMethods.ft_item_int64(Handle, &value));
        GC.KeepAlive(this);
        return value;
    }

    /// <summary>This tensor on <paramref name="device"/> (a new handle; no copy when it is already there).</summary>
    public Tensor To(Device device) => Wrap(NativeMethods.ft_to_device(Handle, (int)device.Type, device.Index), this);

    /// <summary>This tensor converted to <paramref name="dtype"/> (a new handle; no copy when it already has it).</summary>
    public Tensor To(DType dtype) => Wrap(NativeMethods.ft_to_dtype(Handle, (int)dtype), this);

    /// <summary>A copy with its own storage (differentiable).</summary>
    public Tensor Clone() => Wrap(NativeMethods.ft_clone(Handle), this);

    /// <summary>A handle sharing storage but cut from the autograd graph.</summary>
    public Tensor Detach() => Wrap(NativeMethods.ft_detach(Handle), this);

    /// <summary>A row-major contiguous tensor (this tensor's storage when it already is).</summary>
    public Tensor Contiguous() => Wrap(NativeMethods.ft_contiguous(Handle), this);

    /// <summary>
    /// A second handle to the very same tensor (same storage, same autograd identity, same gradient), with its
    /// own lifetime: for an owner (a module, an optimizer) that must not be affected by the caller disposing theirs.
    /// </summary>
    public Tensor Alias() => Wrap(NativeMethods.ft_alias(Handle), this);
}

using System.Runtime.CompilerServices;
using FedTransfer.Torch.Native;

namespace FedTransfer.Torch;

/// <summary>
/// A libtorch tensor. Lifetime is deterministic: dispose it, or create it inside a <see cref="DisposeScope"/>
/// (one per training step) which disposes everything created on its thread while it is innermost. Results that
/// must outlive the scope are moved out with <see cref="MoveToOuterScope"/> or <see cref="DetachFromDisposeScope"/>.
/// A finalizer frees forgotten handles as a safety net only; do not rely on it (GC timing says nothing about
/// native memory pressure). Every method that returns a Tensor returns a new handle the caller owns, even when
/// it shares storage with its input (views, <see cref="Detach"/>, <see cref="Grad"/>).
/// Instances are not thread-safe; a tensor may be used from one thread at a time.
/// </summary>
public sealed partial class Tensor : IDisposable
{
    private static long s_live;
    private IntPtr _handle;
    private DisposeScope? _scope;
    private int _scopeSlot;

    private Tensor(IntPtr handle)
    {
        _handle = handle;
        Interlocked.Increment(ref s_live);
        DisposeScope.Current?.Register(this);
    }

    /// <summary>Frees the native handle if nobody disposed the tensor.</summary>
    ~Tensor() => Free();

    /// <summary>Number of live native tensor handles in this process (for leak tests).</summary>
    internal static long LiveCount => Interlocked.Read(ref s_live);

    /// <summary>True once the tensor has been disposed.</summary>
    public bool IsDisposed => _handle == IntPtr.Zero;

    /// <summary>The native handle; throws if the tensor was disposed.</summary>
    internal IntPtr Handle
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            var h = _handle;
            if (h == IntPtr.Zero)
            {
                ThrowDisposed();
            }

            return h;
        }
    }

    /// <summary>Shape (a fresh array each call).</summary>
    public unsafe long[] Shape
    {
        get
        {
            var h = Handle;
            var dim = NativeMethods.ft_dim(h);
            var shape = new long[dim];
            fixed (long* p = shape)
            {
                NativeMethods.ft_sizes(h, p, dim);
            }

            GC.KeepAlive(this);
            return shape;
        }
    }

    /// <summary>Number of dimensions.</summary>
    public int Dim => KeepAlive(NativeMethods.ft_dim(Handle));

    /// <summary>Total number of elements.</summary>
    public long NumElements => KeepAlive(NativeMethods.ft_numel(Handle));

    /// <summary>Element type.</summary>
    public DType DType => (DType)KeepAlive(NativeMethods.ft_dtype(Handle));

    /// <summary>Device holding the data.</summary>
    public Device Device
    {
        get
        {
            var h = Handle;
            var device = Device.FromNative(NativeMethods.ft_device_type(h), NativeMethods.ft_device_index(h));
            GC.KeepAlive(this);
            return device;
        }
    }

    /// <summary>Size of one dimension (negative counts from the end), without allocating the whole shape.</summary>
    public long Size(int dim)
    {
        var size = NativeMethods.ft_size(Handle, dim);
        if (size < 0)
        {
            NativeMethods.ThrowLastError();
        }

        GC.KeepAlive(this);
        return size;
    }

    /// <summary>Frees the native handle now. Idempotent.</summary>
    public void Dispose()
    {
        Free();
        _scope?.Forget(_scopeSlot);
        _scope = null;
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Moves this tensor from its dispose scope to the enclosing one (or to none when its scope is outermost),
    /// so it survives the current scope. Returns this tensor.
    /// </summary>
    public Tensor MoveToOuterScope()
    {
        var scope = _scope;
        if (scope is not null)
        {
            scope.Forget(_scopeSlot);
            _scope = null;
            scope.Parent?.Register(this);
        }

        return this;
    }

    /// <summary>Removes this tensor from any dispose scope; the caller now disposes it. Returns this tensor.</summary>
    public Tensor DetachFromDisposeScope()
    {
        _scope?.Forget(_scopeSlot);
        _scope = null;
        return this;
    }

    /// <summary>"Tensor[2, 3] float32 cpu" (never the data).</summary>
    public override string ToString() =>
        IsDisposed ? "Tensor(disposed)" : $"Tensor[{string.Join(", ", Shape)}] {DType.ToTorchName()} {Device}";

    internal void AttachToScope(DisposeScope scope, int slot)
    {
        _scope = scope;
        _scopeSlot = slot;
    }

    internal void DetachFromScopeBeingDisposed() => _scope = null;

    /// <summary>Wraps a handle a native call returned, throwing the native error when it is null.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Tensor Wrap(IntPtr handle) => new(NativeMethods.Check(handle));

    /// <summary>
    /// Wraps a result while keeping the inputs reachable until the native call has returned: the arguments are
    /// evaluated after the call, so a temporary input cannot be finalized (and freed) while libtorch uses it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Tensor Wrap(IntPtr handle, Tensor input)
    {
        var result = Wrap(handle);
        GC.KeepAlive(input);
        return result;
    }

    /// <inheritdoc cref="Wrap(IntPtr, Tensor)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Tensor Wrap(IntPtr handle, Tensor input, Tensor? other)
    {
        var result = Wrap(handle);
        GC.KeepAlive(input);
        GC.KeepAlive(other);
        return result;
    }

    /// <inheritdoc cref="Wrap(IntPtr, Tensor)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Tensor Wrap(IntPtr handle, Tensor input, Tensor? second, Tensor? third)
    {
        var result = Wrap(handle);
        GC.KeepAlive(input);
        GC.KeepAlive(second);
        GC.KeepAlive(third);
        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private T KeepAlive<T>(T value)
    {
        GC.KeepAlive(this);
        return value;
    }

    private void Free()
    {
        var h = Interlocked.Exchange(ref _handle, IntPtr.Zero);
        if (h != IntPtr.Zero)
        {
            NativeMethods.ft_tensor_free(h);
            Interlocked.Decrement(ref s_live);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowDisposed() =>
        throw new ObjectDisposedException(nameof(Tensor), "tensor was disposed (explicitly or by its dispose scope); move results out of a scope with MoveToOuterScope()");
}

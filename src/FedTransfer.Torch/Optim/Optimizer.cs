using FedTransfer.Torch.Native;

namespace FedTransfer.Torch.Optim;

/// <summary>
/// An optimizer over a fixed list of parameters, implemented natively: <see cref="Step"/> is one native call
/// whatever the number of parameters. The optimizer keeps its own references to the parameters, so disposing
/// a caller's handle does not affect it. Dispose the optimizer to free its state (moment buffers).
/// </summary>
public abstract class Optimizer : IDisposable
{
    private IntPtr _handle;

    /// <summary>Calls the native constructor with the parameters' handles.</summary>
    private protected unsafe delegate IntPtr NativeFactory(IntPtr* handles, int count);

    private protected Optimizer(IntPtr handle) => _handle = NativeMethods.Check(handle);

    /// <summary>Frees the native state if nobody disposed the optimizer.</summary>
    ~Optimizer() => Free();

    /// <summary>Learning rate of every parameter group (settable between steps, e.g. by a schedule).</summary>
    public unsafe double LearningRate
    {
        get
        {
            double lr;
            NativeMethods.Check(NativeMethods.ft_optim_get_lr(Handle, &lr));
            GC.KeepAlive(this);
            return lr;
        }

        set
        {
            NativeMethods.Check(NativeMethods.ft_optim_set_lr(Handle, value));
            GC.KeepAlive(this);
        }
    }

    private IntPtr Handle => _handle != IntPtr.Zero ? _handle : throw new ObjectDisposedException(GetType().Name);

    /// <summary>Updates every parameter that has a gradient (autograd off during the update).</summary>
    public void Step()
    {
        NativeMethods.Check(NativeMethods.ft_optim_step(Handle));
        GC.KeepAlive(this);
    }

    /// <summary>Drops every parameter's gradient (set to none, as PyTorch 2 does by default).</summary>
    public void ZeroGrad()
    {
        NativeMethods.Check(NativeMethods.ft_optim_zero_grad(Handle));
        GC.KeepAlive(this);
    }

    /// <summary>Frees the native optimizer state. Idempotent.</summary>
    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    private protected static unsafe IntPtr Create(IEnumerable<Tensor> parameters, NativeFactory create)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var list = parameters.ToList();
        if (list.Count == 0)
        {
            throw new ArgumentException("optimizer got an empty parameter list; pass the trainable parameters", nameof(parameters));
        }

        var handles = new IntPtr[list.Count];
        for (var i = 0; i < handles.Length; i++)
        {
            handles[i] = list[i].Handle;
        }

        fixed (IntPtr* h = handles)
        {
            var result = create(h, handles.Length);
            GC.KeepAlive(list);
            return result;
        }
    }

    private void Free()
    {
        var h = Interlocked.Exchange(ref _handle, IntPtr.Zero);
        if (h != IntPtr.Zero)
        {
            NativeMethods.ft_optim_free(h);
        }
    }
}

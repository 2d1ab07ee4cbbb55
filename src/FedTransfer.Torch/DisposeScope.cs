namespace FedTransfer.Torch;

/// <summary>
/// Disposes, when itself disposed, every tensor created on its thread while it was the innermost open scope
/// (one scope per training step is the intended use). Scopes nest per thread; create them with
/// <see cref="Torch.NewDisposeScope"/> and dispose them in reverse order on the thread that created them.
/// Do not await inside a scope: the continuation may resume on another thread, and whatever else runs on
/// this thread meanwhile would register its tensors into the scope.
/// Tensors that must survive are moved out with <see cref="Tensor.MoveToOuterScope"/> or
/// <see cref="Tensor.DetachFromDisposeScope"/>.
/// </summary>
public sealed class DisposeScope : IDisposable
{
    [ThreadStatic]
    private static DisposeScope? t_innermost;

    private readonly List<Tensor?> _tensors = new();
    private readonly DisposeScope? _parent;
    private bool _disposed;

    internal DisposeScope()
    {
        _parent = Current;
        t_innermost = this;
    }

    /// <summary>Number of tensors this scope will dispose.</summary>
    public int Count
    {
        get
        {
            var n = 0;
            foreach (var t in _tensors)
            {
                n += t is null ? 0 : 1;
            }

            return n;
        }
    }

    /// <summary>The innermost open scope of the calling thread, or null.</summary>
    internal static DisposeScope? Current
    {
        get
        {
            // A scope disposed out of order (or on another thread) is skipped rather than registered into.
            var s = t_innermost;
            while (s is not null && s._disposed)
            {
                s = s._parent;
            }

            return s;
        }
    }

    /// <summary>The scope that was innermost when this one was opened (open or not).</summary>
    internal DisposeScope? Parent
    {
        get
        {
            var s = _parent;
            while (s is not null && s._disposed)
            {
                s = s._parent;
            }

            return s;
        }
    }

    /// <summary>Disposes every tensor still registered and closes the scope. Idempotent.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        for (var i = 0; i < _tensors.Count; i++)
        {
            var t = _tensors[i];
            if (t is not null)
            {
                _tensors[i] = null;
                t.DetachFromScopeBeingDisposed();
                t.Dispose();
            }
        }

        _tensors.Clear();
        if (ReferenceEquals(t_innermost, this))
        {
            t_innermost = Parent;
        }
    }

    internal void Register(Tensor tensor)
    {
        tensor.AttachToScope(this, _tensors.Count);
        _tensors.Add(tensor);
    }

    internal void Forget(int slot)
    {
        if (slot < _tensors.Count)
        {
            _tensors[slot] = null;
        }
    }
}

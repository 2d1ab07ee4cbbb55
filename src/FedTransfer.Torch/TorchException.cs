namespace FedTransfer.Torch;

/// <summary>A libtorch operation failed (shape mismatch, wrong dtype, index out of range, ...); the message is libtorch's.</summary>
public sealed class TorchException : Exception
{
    /// <summary>Creates the exception with libtorch's message.</summary>
    public TorchException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the exception that caused it.</summary>
    public TorchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

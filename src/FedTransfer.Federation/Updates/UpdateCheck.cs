namespace FedTransfer.Federation.Updates;

/// <summary>The verdict on one site update: valid, or why not (one line naming the tensor when one is at fault).</summary>
/// <param name="IsValid">True when the update may be used.</param>
/// <param name="Reason">Why the update was rejected; null when valid.</param>
/// <param name="TensorName">The offending tensor, when the problem concerns one.</param>
public readonly record struct UpdateCheck(bool IsValid, string? Reason, string? TensorName)
{
    /// <summary>A valid update.</summary>
    public static UpdateCheck Valid => new(true, null, null);

    /// <summary>A rejection with its reason.</summary>
    public static UpdateCheck Reject(string reason, string? tensorName = null) => new(false, reason, tensorName);
}

namespace FedTransfer.Torch.Tests.Support;

/// <summary>
/// Tests that compare <see cref="Torch.LiveTensorCount"/> before and after: the count is process-wide, so they
/// run alone, never beside tests that create tensors.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LiveTensorCollection
{
    public const string Name = "live tensor count";

    /// <summary>Finalizes whatever earlier tests abandoned so it cannot be counted down mid-measurement.</summary>
    public static long SettledCount()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return Torch.LiveTensorCount;
    }
}

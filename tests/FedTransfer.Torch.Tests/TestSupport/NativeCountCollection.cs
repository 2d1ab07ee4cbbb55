namespace FedTransfer.Torch.Tests.TestSupport;

/// <summary>
/// Tests that count live native tensors: <see cref="Torch.LiveTensorCount"/> is process-wide, so these run with no other
/// test in parallel.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NativeCountCollection
{
    public const string Name = "native tensor count";
}

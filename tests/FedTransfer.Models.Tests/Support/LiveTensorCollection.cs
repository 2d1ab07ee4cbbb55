namespace FedTransfer.Models.Tests.Support;

/// <summary>
/// Tests that compare live tensor counts or the process's memory before and after: they run alone, never beside tests
/// that create tensors or allocate.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LiveTensorCollection
{
    public const string Name = "live tensor count";
}

namespace FedTransfer.Models.Import;

/// <summary>torchvision's names for basic-block ResNets, and which state-dict entries a headless backbone leaves out.</summary>
public static class ResNetArchitectures
{
    /// <summary><c>resnet18</c> / <c>resnet34</c> at width 64; otherwise <c>resnet-basic[b1,b2,...]-w{width}</c>.</summary>
    public static string Name(IReadOnlyList<int> blocks, int width) =>
        (string.Join(",", blocks), width) switch
        {
            ("2,2,2,2", 64) => "resnet18",
            ("3,4,6,3", 64) => "resnet34",
            var (b, w) => $"resnet-basic[{b}]-w{w}",
        };

    /// <summary>
    /// The classifier head (<c>fc.*</c>, task-specific, not part of a backbone) and batch-norm step counters
    /// (<c>num_batches_tracked</c>, which no inference export carries).
    /// </summary>
    public static bool IsHeadOrCounter(string name) => name.StartsWith("fc.", StringComparison.Ordinal) || name.EndsWith(".num_batches_tracked", StringComparison.Ordinal);
}

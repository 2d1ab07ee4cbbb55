namespace FedTransfer.Federation.Updates;

/// <summary>
/// The metric names a result may carry, declared once: the site's egress rules refuse anything else before it leaves,
/// and the coordinator refuses anything else on arrival (a modified or foreign site client is not trusted to follow the
/// site's rules). Aggregates over the local splits only, never per-example or per-patient values.
/// </summary>
public static class ResultMetrics
{
    /// <summary>Metric names a train result may carry.</summary>
    public static readonly IReadOnlySet<string> Train = new HashSet<string>(StringComparer.Ordinal)
        { "train_loss", "train_accuracy", "val_loss", "val_accuracy" };

    /// <summary>Metric names an evaluate result may carry.</summary>
    public static readonly IReadOnlySet<string> Evaluate = new HashSet<string>(StringComparer.Ordinal)
        { "val_loss", "val_accuracy" };

    /// <summary>
    /// Null when every metric is allowed for the kind of result and finite, else one line naming the first that is not.
    /// The allowlist also bounds how many metrics and how long their names can be.
    /// </summary>
    public static string? Check(IEnumerable<KeyValuePair<string, double>> metrics, bool isTrain)
    {
        var allowed = isTrain ? Train : Evaluate;
        foreach (var (name, value) in metrics)
        {
            if (!allowed.Contains(name))
                return $"metric '{ReasonText.Shorten(name)}' is not allowed (allowed: {string.Join(", ", allowed.Order(StringComparer.Ordinal))})";
            if (!double.IsFinite(value)) return $"metric '{name}' is {value}, not a finite number";
        }
        return null;
    }
}

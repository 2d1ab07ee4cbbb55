using System.Globalization;

namespace FedTransfer.Site.Training;

/// <summary>
/// What the trained head predicts, parsed from a task spec such as <c>classify:classes=5</c>: classification into
/// <see cref="Classes"/> classes with labels 0..Classes-1.
/// </summary>
public sealed record TaskSpec(int Classes)
{
    /// <summary>Most classes a head may have (ImageNet-21k has about 21,800).</summary>
    public const int MaxClasses = 100_000;

    public static TaskSpec Parse(string text)
    {
        var spec = text?.Trim() ?? "";
        var colon = spec.IndexOf(':');
        var kind = (colon < 0 ? spec : spec[..colon]).Trim();
        if (!kind.Equals("classify", StringComparison.OrdinalIgnoreCase))
            throw new FormatException($"task spec '{spec}': unknown task kind '{kind}'; this site supports 'classify:classes=N'");
        int? classes = null;
        foreach (var part in (colon < 0 ? "" : spec[(colon + 1)..]).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=');
            var key = eq < 0 ? part : part[..eq].Trim();
            if (!key.Equals("classes", StringComparison.OrdinalIgnoreCase))
                throw new FormatException($"task spec '{spec}': unknown key '{key}'; expected classes=N");
            // The cap turns classes=100000000 into this line instead of a multi-gigabyte head allocation failing mid-task.
            if (!int.TryParse(part[(eq + 1)..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n is < 2 or > MaxClasses)
                throw new FormatException($"task spec '{spec}': classes must be an integer between 2 and {MaxClasses}");
            classes = n;
        }
        return new TaskSpec(classes ?? throw new FormatException($"task spec '{spec}': classes=N is missing"));
    }
}

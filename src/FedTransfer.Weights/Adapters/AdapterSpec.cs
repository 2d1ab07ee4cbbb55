using System.Globalization;

namespace FedTransfer.Weights.Adapters;

/// <summary>
/// What adapters to attach, parsed from a one-line spec: <c>lora:r=8,alpha=16,dropout=0.05,targets=attn.qkv|attn.proj</c> or
/// <c>bottleneck:reduction=16</c>, or <c>head-only</c> / <c>full</c> for no adapters. Unset keys take defaults; <see cref="ToString"/> writes the canonical form back.
/// </summary>
public abstract record AdapterSpec
{
    /// <summary>Parses a spec; throws <see cref="FormatException"/> naming the bad kind, key or value.</summary>
    public static AdapterSpec Parse(string spec)
    {
        if (string.IsNullOrWhiteSpace(spec))
            throw new FormatException("adapter spec is empty; expected e.g. 'lora:r=8,alpha=16,targets=attn.qkv' or 'bottleneck:reduction=16'");
        var colon = spec.IndexOf(':');
        var kind = (colon < 0 ? spec : spec[..colon]).Trim().ToLowerInvariant();
        var body = colon < 0 ? "" : spec[(colon + 1)..];
        var pairs = ParsePairs(spec, body);
        return kind switch
        {
            "lora" => LoraSpec.FromPairs(spec, pairs),
            "bottleneck" => BottleneckSpec.FromPairs(spec, pairs),
            HeadOnlySpec.Kind => HeadOnlySpec.FromPairs(spec, pairs),
            FullSpec.Kind => FullSpec.FromPairs(spec, pairs),
            _ => throw new FormatException($"adapter spec '{spec}': unknown adapter kind '{kind}'; expected 'lora', 'bottleneck', 'head-only' or 'full'"),
        };
    }

    /// <summary>Like <see cref="Parse"/> but returns false (with the message) instead of throwing.</summary>
    public static bool TryParse(string spec, out AdapterSpec? result, out string? error)
    {
        try
        {
            result = Parse(spec);
            error = null;
            return true;
        }
        catch (FormatException e)
        {
            result = null;
            error = e.Message;
            return false;
        }
    }

    private static Dictionary<string, string> ParsePairs(string spec, string body)
    {
        var pairs = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in body.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=');
            if (eq <= 0 || eq == part.Length - 1)
                throw new FormatException($"adapter spec '{spec}': '{part}' is not key=value");
            var key = part[..eq].Trim();
            if (!pairs.TryAdd(key, part[(eq + 1)..].Trim()))
                throw new FormatException($"adapter spec '{spec}': key '{key}' is given twice");
        }
        return pairs;
    }

    private protected static void RejectUnknownKeys(string spec, string kind, Dictionary<string, string> pairs, params string[] known)
    {
        foreach (var key in pairs.Keys)
            if (!known.Contains(key, StringComparer.OrdinalIgnoreCase))
                throw new FormatException($"adapter spec '{spec}': unknown key '{key}' for {kind}; " +
                    (known.Length == 0 ? $"{kind} takes no settings" : $"expected {string.Join(", ", known)}"));
    }

    private protected static int IntValue(string spec, Dictionary<string, string> pairs, string key, int fallback, int min)
    {
        if (!pairs.TryGetValue(key, out var text))
            return fallback;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min)
            throw new FormatException($"adapter spec '{spec}': {key}='{text}' must be an integer >= {min}");
        return value;
    }

    private protected static double DoubleValue(string spec, Dictionary<string, string> pairs, string key, double fallback, double min, double maxExclusive)
    {
        if (!pairs.TryGetValue(key, out var text))
            return fallback;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !(value >= min && value < maxExclusive))
            throw new FormatException($"adapter spec '{spec}': {key}='{text}' must be a number in [{min.ToString(CultureInfo.InvariantCulture)}, {maxExclusive.ToString(CultureInfo.InvariantCulture)})");
        return value;
    }

    private protected static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}

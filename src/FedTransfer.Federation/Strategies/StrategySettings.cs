using System.Globalization;

namespace FedTransfer.Federation.Strategies;

/// <summary>Reads a strategy's text settings (from StartRun's map) with one-line errors naming the key and the accepted values.</summary>
public sealed class StrategySettings
{
    private readonly IReadOnlyDictionary<string, string> _values;
    private readonly string _strategy;

    /// <summary>Wraps the settings of <paramref name="strategy"/>; rejects keys not in <paramref name="known"/>.</summary>
    /// <exception cref="ArgumentException">An unknown key.</exception>
    public StrategySettings(string strategy, IReadOnlyDictionary<string, string>? values, params string[] known)
    {
        _strategy = strategy;
        _values = values ?? new Dictionary<string, string>();
        foreach (var key in _values.Keys)
        {
            if (!known.Contains(key, StringComparer.Ordinal))
                throw new ArgumentException($"unknown {strategy} setting '{key}'; known settings: {string.Join(", ", known.Append(NormBound.SettingName))}");
        }
    }

    /// <summary>A finite double within [min, max], or the default when absent.</summary>
    public double Double(string key, double defaultValue, double min, double max)
    {
        if (!_values.TryGetValue(key, out var text)) return defaultValue;
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value) || value < min || value > max)
            throw new ArgumentException($"{_strategy} setting '{key}' must be a number in [{min.ToString(CultureInfo.InvariantCulture)}, {max.ToString(CultureInfo.InvariantCulture)}], got '{text}'");
        return value;
    }

    /// <summary>A whole number within [min, max], or the default when absent.</summary>
    public int Int(string key, int defaultValue, int min, int max)
    {
        if (!_values.TryGetValue(key, out var text)) return defaultValue;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            throw new ArgumentException($"{_strategy} setting '{key}' must be a whole number in [{min}, {max}], got '{text}'");
        return value;
    }

    /// <summary>"true" or "false" (any case), or the default when absent.</summary>
    public bool Boolean(string key, bool defaultValue)
    {
        if (!_values.TryGetValue(key, out var text)) return defaultValue;
        return bool.TryParse(text, out var value)
            ? value
            : throw new ArgumentException($"{_strategy} setting '{key}' must be true or false, got '{text}'");
    }
}

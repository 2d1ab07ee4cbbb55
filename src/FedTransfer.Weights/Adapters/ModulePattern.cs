using System.Text.RegularExpressions;

namespace FedTransfer.Weights.Adapters;

/// <summary>
/// Matches dotted module paths against adapter target patterns: a pattern matches a path when it equals the path's last
/// segments (<c>attn.qkv</c> matches <c>blocks.3.attn.qkv</c>); <c>*</c> matches within one segment (<c>mlp.fc*</c>, <c>layers.*</c>).
/// </summary>
public sealed class ModulePattern
{
    private readonly Regex[] _segments;

    public ModulePattern(string pattern)
    {
        Pattern = pattern;
        _segments = pattern.Split('.')
            .Select(s => new Regex("^" + Regex.Escape(s).Replace(@"\*", "[^.]*", StringComparison.Ordinal) + "$", RegexOptions.CultureInvariant))
            .ToArray();
    }

    public string Pattern { get; }

    public bool Matches(string path)
    {
        var parts = path.Split('.');
        if (parts.Length < _segments.Length)
            return false;
        var offset = parts.Length - _segments.Length;
        for (var i = 0; i < _segments.Length; i++)
            if (!_segments[i].IsMatch(parts[offset + i]))
                return false;
        return true;
    }
}

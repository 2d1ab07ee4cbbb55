using System.Collections;
using System.Reflection;

namespace FedTransfer.Federation.Hosting;

/// <summary>
/// Finds settings keys that bind to nothing. .NET's configuration binder ignores a key it cannot place, so a typo such
/// as <c>DataDirecotry</c> silently leaves the default in force; this names each such key and the nearest valid one.
/// Matching is case-insensitive, as the binder's is. Below a collection or dictionary every key is accepted (elements).
/// </summary>
public static class UnknownSettings
{
    /// <summary>One line per unknown key under <paramref name="section"/> (keys given relative to it, ':'-separated).</summary>
    public static IReadOnlyList<string> Find(string section, Type optionsType, IEnumerable<string> relativeKeys)
    {
        var reported = new SortedSet<string>(StringComparer.OrdinalIgnoreCase);
        var errors = new List<string>();
        foreach (var key in relativeKeys.Order(StringComparer.OrdinalIgnoreCase))
        {
            var (unknownPath, candidates) = FirstUnknown(optionsType, key.Split(':'));
            if (unknownPath is null || !reported.Add(unknownPath)) continue;
            var typed = unknownPath[(unknownPath.LastIndexOf(':') + 1)..];
            var parent = unknownPath.Contains(':') ? $"{section}:{unknownPath[..unknownPath.LastIndexOf(':')]}:" : $"{section}:";
            var nearest = Nearest(typed, candidates);
            errors.Add(nearest is not null
                ? $"{section}:{unknownPath} is not a setting; did you mean {parent}{nearest}? (a misspelt key is otherwise ignored)"
                : $"{section}:{unknownPath} is not a setting; the settings under {parent.TrimEnd(':')} are {string.Join(", ", candidates)}");
        }
        return errors;
    }

    private static (string? Path, IReadOnlyList<string> Candidates) FirstUnknown(Type type, string[] segments)
    {
        for (var depth = 0; depth < segments.Length; depth++)
        {
            if (!IsComplex(type)) return (null, []); // a leaf value (or a collection's elements): nothing below it is checked
            var properties = BindableProperties(type);
            var property = properties.FirstOrDefault(p => string.Equals(p.Name, segments[depth], StringComparison.OrdinalIgnoreCase));
            if (property is null) return (string.Join(':', segments[..(depth + 1)]), properties.Select(p => p.Name).ToArray());
            type = property.PropertyType;
        }
        return (null, []);
    }

    private static IReadOnlyList<PropertyInfo> BindableProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetMethod is not null && p.GetIndexParameters().Length == 0).ToArray();

    private static bool IsComplex(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal) || type == typeof(object)) return false;
        if (typeof(IEnumerable).IsAssignableFrom(type)) return false;
        return type.IsClass && type.Namespace?.StartsWith("FedTransfer", StringComparison.Ordinal) == true;
    }

    /// <summary>The candidate within a small edit distance of <paramref name="typed"/>, or null when none is close.</summary>
    internal static string? Nearest(string typed, IEnumerable<string> candidates)
    {
        var best = candidates.Select(c => (Name: c, Distance: EditDistance(typed.ToLowerInvariant(), c.ToLowerInvariant())))
            .OrderBy(x => x.Distance).ThenBy(x => x.Name, StringComparer.Ordinal).FirstOrDefault();
        return best.Name is not null && best.Distance <= Math.Max(2, typed.Length / 3) ? best.Name : null;
    }

    /// <summary>Optimal string alignment distance: insertions, deletions, substitutions and adjacent transpositions cost 1.</summary>
    internal static int EditDistance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++) d[i, 0] = i;
        for (var j = 0; j <= b.Length; j++) d[0, j] = j;
        for (var i = 1; i <= a.Length; i++)
        for (var j = 1; j <= b.Length; j++)
        {
            var cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
        }
        return d[a.Length, b.Length];
    }
}

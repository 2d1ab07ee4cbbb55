using System.Text;

namespace FedTransfer.Models.Data;

/// <summary>Splits one CSV line into fields (RFC 4180 quoting: "a,b" and "" for a quote inside quotes).</summary>
internal static class CsvLine
{
    /// <summary>The fields of <paramref name="line"/>, or null with <paramref name="error"/> set when quoting is broken.</summary>
    public static List<string>? Split(string line, char delimiter, out string? error)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var inQuotes = false;
        var wasQuoted = false;
        error = null;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (inQuotes)
            {
                if (c != '"') field.Append(c);
                else if (i + 1 < line.Length && line[i + 1] == '"') { field.Append('"'); i++; }
                else inQuotes = false;
            }
            else if (c == delimiter)
            {
                fields.Add(wasQuoted ? field.ToString() : field.ToString().Trim());
                field.Clear();
                wasQuoted = false;
            }
            else if (c == '"' && field.ToString().Trim().Length == 0 && !wasQuoted)
            {
                field.Clear();
                inQuotes = wasQuoted = true;
            }
            else if (wasQuoted && !char.IsWhiteSpace(c))
            {
                error = $"text after the closing quote of field {fields.Count + 1}";
                return null;
            }
            else field.Append(c);
        }
        if (inQuotes)
        {
            error = $"field {fields.Count + 1} opens a quote that is not closed on this line (multi-line fields are not supported)";
            return null;
        }
        fields.Add(wasQuoted ? field.ToString() : field.ToString().Trim());
        return fields;
    }
}

using Microsoft.AspNetCore.Http;

namespace FedTransfer.Rpc.Server;

/// <summary>Turns Kestrel's request headers into the read-only metadata view handlers see.</summary>
internal static class ServerHeaders
{
    public static IReadOnlyDictionary<string, string> Collect(IHeaderDictionary headers)
    {
        var result = new Dictionary<string, string>(headers.Count, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in headers)
        {
            // Pseudo-headers (:path, :authority...) are transport, not metadata.
            if (name.Length == 0 || name[0] == ':')
            {
                continue;
            }

            result[name.ToLowerInvariant()] = values.Count == 1 ? values[0] ?? string.Empty : string.Join(",", values.ToArray());
        }

        return result;
    }
}

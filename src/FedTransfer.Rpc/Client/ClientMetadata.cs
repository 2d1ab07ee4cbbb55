using System.Net.Http.Headers;

namespace FedTransfer.Rpc.Client;

/// <summary>Validates and adds caller-supplied metadata to a request.</summary>
internal static class ClientMetadata
{
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "content-type", "te", "user-agent", "host", "connection", "transfer-encoding", "upgrade",
    };

    public static void AddCustomHeaders(HttpRequestHeaders headers, IReadOnlyDictionary<string, string> custom)
    {
        foreach (var (name, value) in custom)
        {
            ValidateName(name);
            if (!GrpcMetadata.IsBinaryHeader(name))
            {
                ValidateAsciiValue(name, value);
            }

            headers.TryAddWithoutValidation(name.ToLowerInvariant(), value);
        }
    }

    private static void ValidateName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.StartsWith(':') || name.StartsWith("grpc-", StringComparison.OrdinalIgnoreCase) || Reserved.Contains(name))
        {
            throw new ArgumentException($"Metadata name '{name}' is reserved by HTTP/2 or gRPC; choose another header name.");
        }

        foreach (var c in name)
        {
            if (!(c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '_' or '-' or '.'))
            {
                throw new ArgumentException($"Metadata name '{name}' contains '{c}'; names may use only a-z, 0-9, '_', '-' and '.'.");
            }
        }
    }

    private static void ValidateAsciiValue(string name, string value)
    {
        foreach (var c in value)
        {
            if (c is < ' ' or > '~')
            {
                throw new ArgumentException(
                    $"Metadata '{name}' has a non-printable or non-ASCII value; use a name ending in -bin with GrpcMetadata.EncodeBinary for binary data.");
            }
        }
    }
}

namespace FedTransfer.Rpc;

/// <summary>Helpers for gRPC binary metadata (headers whose name ends in <c>-bin</c>).</summary>
public static class GrpcMetadata
{
    /// <summary>The suffix that marks a binary metadata header.</summary>
    public const string BinarySuffix = "-bin";

    /// <summary>True when <paramref name="name"/> names a binary header.</summary>
    public static bool IsBinaryHeader(string name) => name.EndsWith(BinarySuffix, StringComparison.OrdinalIgnoreCase);

    /// <summary>Encodes bytes as the value of a <c>-bin</c> header: base64 without padding, as the spec asks senders to emit.</summary>
    public static string EncodeBinary(ReadOnlySpan<byte> value) => Convert.ToBase64String(value).TrimEnd('=');

    /// <summary>
    /// Decodes a <c>-bin</c> header value, padded or not. Several values joined with "," (repeated headers) are
    /// decoded one by one and concatenated.
    /// </summary>
    /// <exception cref="FormatException">The value is not base64.</exception>
    public static byte[] DecodeBinary(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Contains(','))
        {
            return value.Split(',').SelectMany(part => DecodeOne(part.Trim())).ToArray();
        }

        return DecodeOne(value.Trim());
    }

    private static byte[] DecodeOne(string value)
    {
        var padding = (4 - (value.Length % 4)) % 4;
        if (padding == 3)
        {
            throw new FormatException($"'{value}' is not a valid base64 value for a -bin header (bad length).");
        }

        return Convert.FromBase64String(padding == 0 ? value : value + new string('=', padding));
    }
}

namespace FedTransfer.Coordinator.Artifacts;

/// <summary>The one spelling of an artifact digest: SHA-256 as 64 lowercase hex characters.</summary>
public static class Sha256Digest
{
    /// <summary>True for exactly 64 characters of [0-9a-f].</summary>
    public static bool IsValid(string? digest)
    {
        if (digest is not { Length: 64 }) return false;
        foreach (var c in digest)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f'))) return false;
        }
        return true;
    }

    /// <summary>Returns <paramref name="digest"/> when valid.</summary>
    /// <exception cref="ArgumentException">Not 64 lowercase hex characters; the message names <paramref name="what"/>.</exception>
    public static string Require(string? digest, string what) => IsValid(digest)
        ? digest!
        : throw new ArgumentException($"{what} must be a SHA-256 digest written as 64 lowercase hex characters, got '{Shorten(digest)}'");

    /// <summary>Lowercase hex of a hash.</summary>
    public static string ToHex(ReadOnlySpan<byte> hash) => Convert.ToHexStringLower(hash);

    private static string Shorten(string? text) => text is null ? "" : text.Length <= 80 ? text : text[..80] + "...";
}

using System.Text;

namespace FedTransfer.Federation.Ledger;

/// <summary>
/// Splicing of the signature into and out of a line. The signature is the last property, so the signed bytes are the
/// line without <c>,"sig":"…"</c>: the writer signs the unsigned line, and the verifier recovers it without
/// re-serializing.
/// </summary>
internal static class LedgerLine
{
    private static readonly byte[] SigPrefix = Encoding.ASCII.GetBytes(",\"sig\":\"");

    /// <summary>Base64 characters of a 64-byte P-256 IEEE P1363 signature.</summary>
    public const int P256SignatureBase64Length = 88;

    /// <summary>The signed line: the unsigned line with the signature property appended inside the closing brace.</summary>
    public static byte[] WithSignature(ReadOnlySpan<byte> unsigned, byte[] signature)
    {
        var b64 = Convert.ToBase64String(signature);
        var line = new byte[unsigned.Length + SigPrefix.Length + b64.Length + 1];
        unsigned[..^1].CopyTo(line);
        var at = unsigned.Length - 1;
        SigPrefix.CopyTo(line, at);
        at += SigPrefix.Length;
        at += Encoding.ASCII.GetBytes(b64, line.AsSpan(at));
        line[at++] = (byte)'"';
        line[at] = (byte)'}';
        return line;
    }

    /// <summary>
    /// The unsigned line of a signed one, written into <paramref name="buffer"/>; false when the line does not end with a
    /// signature property of <paramref name="signatureBase64Length"/> characters.
    /// </summary>
    public static bool TryUnsigned(ReadOnlySpan<byte> line, int signatureBase64Length, Span<byte> buffer, out int written)
    {
        written = 0;
        var tail = SigPrefix.Length + signatureBase64Length + 2;
        if (line.Length <= tail || !line[(line.Length - tail)..].StartsWith(SigPrefix) || line[^2] != (byte)'"' || line[^1] != (byte)'}')
            return false;
        var keep = line.Length - tail;
        if (buffer.Length < keep + 1) return false;
        line[..keep].CopyTo(buffer);
        buffer[keep] = (byte)'}';
        written = keep + 1;
        return true;
    }

    /// <summary>The base64 text of the signature property of a signed line; empty when the line does not end with one of <paramref name="length"/> characters.</summary>
    public static ReadOnlySpan<byte> SignatureText(ReadOnlySpan<byte> line, int length)
    {
        var tail = SigPrefix.Length + length + 2;
        if (line.Length <= tail || !line[(line.Length - tail)..].StartsWith(SigPrefix) || line[^2] != (byte)'"' || line[^1] != (byte)'}') return default;
        return line.Slice(line.Length - length - 2, length);
    }
}

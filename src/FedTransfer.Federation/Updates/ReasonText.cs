namespace FedTransfer.Federation.Updates;

/// <summary>How a refusal quotes what a caller sent: long enough to recognise, never the whole of an attacker's string.</summary>
internal static class ReasonText
{
    public static string Shorten(string s) => s.Length <= 64 ? s : s[..61] + "...";
}

namespace FedTransfer.Federation.Identity;

/// <summary>
/// Names of sites, admins and the CA as they appear in certificates and kit folder names: 1..64 characters of letters,
/// digits, '.', '_' and '-', not starting with '.' or '-'. Kept this narrow because a site's name becomes its identity
/// in receipts and ledgers and a folder name on disk.
/// </summary>
public static class ParticipantName
{
    /// <summary>Longest accepted name.</summary>
    public const int MaxLength = 64;

    /// <summary>True when <paramref name="name"/> is an acceptable participant name.</summary>
    public static bool IsValid(string? name) =>
        !string.IsNullOrEmpty(name) && name.Length <= MaxLength && name[0] is not ('.' or '-')
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-');

    /// <summary>Throws a one-line <see cref="ArgumentException"/> naming the bad value and the rule.</summary>
    public static string Require(string? name, string what)
    {
        if (!IsValid(name))
            throw new ArgumentException(
                $"{what} '{name}' is not a valid name: use 1..{MaxLength} letters, digits, '.', '_' or '-', not starting with '.' or '-'.");
        return name!;
    }
}

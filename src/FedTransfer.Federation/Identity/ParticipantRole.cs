namespace FedTransfer.Federation.Identity;

/// <summary>
/// What a certificate holder may do in a federation. Written into the certificate subject as the organisational unit
/// (<c>OU=site</c>, <c>OU=coordinator</c>, <c>OU=admin</c>, <c>OU=auditor</c>) by <c>fedtransfer provision</c>.
/// </summary>
public enum ParticipantRole
{
    /// <summary>A data-owning site: may call the Federation service; its identity is the certificate's common name.</summary>
    Site,

    /// <summary>The coordinator: serves TLS and signs receipts.</summary>
    Coordinator,

    /// <summary>A member of the central team: may call the Admin service.</summary>
    Admin,

    /// <summary>
    /// An auditor: may read the coordinator's state (Admin GetStatus and WatchRun) but change nothing; ledgers and
    /// receipts are verified offline with the CA certificate alone.
    /// </summary>
    Auditor,
}

/// <summary>The text form of <see cref="ParticipantRole"/> as it appears in certificate subjects.</summary>
public static class ParticipantRoles
{
    /// <summary>The OU value of a role: <c>site</c>, <c>coordinator</c> or <c>admin</c>.</summary>
    public static string ToText(this ParticipantRole role) => role switch
    {
        ParticipantRole.Site => "site",
        ParticipantRole.Coordinator => "coordinator",
        ParticipantRole.Admin => "admin",
        ParticipantRole.Auditor => "auditor",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "unknown participant role"),
    };

    /// <summary>Parses an OU value (exact, lower case); false for anything else.</summary>
    public static bool TryParse(string? text, out ParticipantRole role)
    {
        foreach (var candidate in Enum.GetValues<ParticipantRole>())
        {
            if (string.Equals(text, candidate.ToText(), StringComparison.Ordinal))
            {
                role = candidate;
                return true;
            }
        }
        role = default;
        return false;
    }
}

namespace FedTransfer.Site.Egress;

/// <summary>
/// The egress gateway refused to send a message: nothing of it left the site. <see cref="Exception.Message"/> is one line
/// saying what was refused and why.
/// </summary>
public sealed class EgressRefusedException : Exception
{
    /// <summary>Creates the exception for a refused message of <paramref name="kind"/>.</summary>
    public EgressRefusedException(EgressKind kind, string reason, bool ledgerUnavailable = false)
        : base($"egress refused ({kind}): {reason}")
    {
        Kind = kind;
        Reason = reason;
        LedgerUnavailable = ledgerUnavailable;
    }

    /// <summary>
    /// True when the message was refused only because the ledger could not record it (a full or read-only disk): the
    /// site fails closed, and tries again later instead of giving up, since the fault may pass.
    /// </summary>
    public bool LedgerUnavailable { get; }

    /// <summary>Which outbound call was refused.</summary>
    public EgressKind Kind { get; }

    /// <summary>Why, one line.</summary>
    public string Reason { get; }
}

/// <summary>The kinds of message a site sends; every one passes the egress gateway.</summary>
public enum EgressKind
{
    /// <summary>Join: display name, version, device, example counts.</summary>
    Join,
    /// <summary>PullTask: the session and a wait time.</summary>
    PullTask,
    /// <summary>FetchArtifact: a digest and an offset.</summary>
    FetchArtifact,
    /// <summary>PushResult: result header and the delta payload.</summary>
    PushResult,
}
